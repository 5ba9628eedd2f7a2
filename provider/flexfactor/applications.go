package flexfactor

import (
	"strings"

	"github.com/bulkverify/bulkverify/provider/simulation"
)

// The simulated applications. An application id names its kind by its
// leading kind name, followed by '-' or nothing: "complete-0001" is an
// application of AppComplete, "mismatch-size-7" one of AppMismatchSize;
// every id is a different application of the same kind. An id of no kind is
// unknown. Unless said otherwise an application holds the seed's three
// documents, ID, ProofOfAddress and BusinessLicense, as PDFs whose
// downloadUrl is a pre-signed link on the simulator itself.
//
//	application    behaviour                                        row outcome
//	complete       the seed's three documents                       VERIFIED/OK
//	partial        only ID                                          VERIFIED/OK for ID alone, else
//	                                                                NOT_VERIFIED/DOCUMENT_NOT_FOUND
//	mismatch-size  every file is 100 bytes longer than its fileSize NOT_VERIFIED/INTEGRITY_FAILED
//	mismatch-type  fileType application/pdf, but PNG bytes          NOT_VERIFIED/INTEGRITY_FAILED
//	offsite        downloadUrl on https://files.evil.example        NOT_VERIFIED/UNTRUSTED_DOWNLOAD_URL
//	expiring       the first list per id gives expired links        VERIFIED/OK, after one re-listing
//	unknown        404 "Invalid application ID."                    NOT_VERIFIED/APPLICATION_NOT_FOUND
//	invalid        200 success:false "Invalid application ID."      NOT_VERIFIED/APPLICATION_NOT_FOUND
//	               (the seed's failed retrieval sample)
//	failed         200 success:false with another error             FAILED/UPSTREAM_REJECTED
//	flaky          first list per id 503                            transient, then VERIFIED/OK
//	down           every list 503                                   transient (UPSTREAM_UNAVAILABLE)
//	revoked        first list per id 401, revoking the token used   VERIFIED/OK, after one token refresh
//
// Any other id is answered like unknown. The seed's file sizes (524288,
// 1024000 and 2048000 bytes) are scaled down 256 times, to 2048, 4000 and
// 8000 bytes, to keep tests fast.
const (
	AppComplete     = "complete"
	AppPartial      = "partial"
	AppMismatchSize = "mismatch-size"
	AppMismatchType = "mismatch-type"
	AppOffsite      = "offsite"
	AppExpiring     = "expiring"
	AppUnknown      = "unknown"
	AppInvalid      = "invalid"
	AppFailed       = "failed"
	AppFlaky        = "flaky"
	AppDown         = "down"
	AppRevoked      = "revoked"
)

// Answers of the simulated applications that the seed does not give.
const (
	// FailedError is the error of AppFailed's success:false answer.
	FailedError = "Documents cannot be retrieved while the application is under review."
	// UnavailableError is the error of a 503 answer.
	UnavailableError = "Service temporarily unavailable. Please retry."
	// OffsiteBase is where AppOffsite's download links point.
	OffsiteBase = "https://files.evil.example"
	// extraBytes is how much longer AppMismatchSize's files are than listed.
	extraBytes = 100
)

// seedDocuments are the documents of the seed's successful retrieval, with
// their sizes scaled down and without download links. A simulated document's
// id is the seed's id, '_' and the application id.
var seedDocuments = []Document{
	{DocumentID: "document_789012", DocumentType: "ID", Description: "Uploaded government-issued ID",
		UploadedOn: "2024-11-16T10:00:00Z", FileName: "gov_id.pdf", FileType: "application/pdf", FileSize: 524288 / 256},
	{DocumentID: "document_789013", DocumentType: "ProofOfAddress", Description: "Uploaded utility bill for address proof",
		UploadedOn: "2024-11-16T10:10:00Z", FileName: "utility_bill.pdf", FileType: "application/pdf", FileSize: 1024000 / 256},
	{DocumentID: "document_789014", DocumentType: "BusinessLicense", Description: "Uploaded business license",
		UploadedOn: "2024-11-16T10:20:00Z", FileName: "business_license.pdf", FileType: "application/pdf", FileSize: 2048000 / 256},
}

// behaviour is how a simulated application answers.
type behaviour struct {
	docs       []Document
	listStatus int      // every list is answered with this status and listErrors; 0 for none
	listErrors []string // with listStatus 200: success false
	flaky      bool     // the first list of each id is answered 503
	revoked    bool     // the first list of each id is answered 401, revoking its token
	expiring   bool     // the first list of each id gives expired links
	offsite    bool     // download links point at OffsiteBase
	longer     bool     // files are extraBytes longer than listed
	png        bool     // files are PNG images
}

var applications = map[string]behaviour{
	AppComplete:     {docs: seedDocuments},
	AppPartial:      {docs: seedDocuments[:1]},
	AppMismatchSize: {docs: seedDocuments, longer: true},
	AppMismatchType: {docs: seedDocuments, png: true},
	AppOffsite:      {docs: seedDocuments, offsite: true},
	AppExpiring:     {docs: seedDocuments, expiring: true},
	AppUnknown:      {listStatus: 404, listErrors: []string{ErrInvalidApplication}},
	AppInvalid:      {listStatus: 200, listErrors: []string{ErrInvalidApplication}},
	AppFailed:       {listStatus: 200, listErrors: []string{FailedError}},
	AppFlaky:        {docs: seedDocuments, flaky: true},
	AppDown:         {listStatus: 503, listErrors: []string{UnavailableError}},
	AppRevoked:      {docs: seedDocuments, revoked: true},
}

// ApplicationKinds returns the simulated application kinds, sorted.
func ApplicationKinds() []string { return simulation.Kinds(applications) }

// kindOf returns the kind of application id, the longest kind name id
// starts with followed by '-' or nothing, and its behaviour; AppUnknown's
// for an id of no kind.
func kindOf(id string) (string, behaviour) {
	best := ""
	for k := range applications {
		if (id == k || strings.HasPrefix(id, k+"-")) && len(k) > len(best) {
			best = k
		}
	}
	if best == "" {
		best = AppUnknown
	}
	return best, applications[best]
}

// simDocumentID returns the id of the seed document seedID of application
// app, and splitDocumentID undoes it.
func simDocumentID(seedID, app string) string { return seedID + "_" + app }

func splitDocumentID(id string) (seed Document, app string, ok bool) {
	rest, found := strings.CutPrefix(id, "document_")
	num, app, found2 := strings.Cut(rest, "_")
	if !found || !found2 || app == "" {
		return Document{}, "", false
	}
	for _, d := range seedDocuments {
		if d.DocumentID == "document_"+num {
			return d, app, true
		}
	}
	return Document{}, "", false
}
