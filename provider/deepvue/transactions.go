package deepvue

import (
	"encoding/json"
	"strings"

	"github.com/bulkverify/bulkverify/provider/simulation"
)

// The simulated transactions. An initial_deepvue_transaction_id names its
// kind by the part before its first '-', ignoring case: "verified-0001" and
// "verified-7f3c9a1e" are transactions of TxnVerified, each its own
// DigiLocker session of the same kind; the kind name alone is one too. Any
// other id is unknown to Deepvue and answered like TxnDuplicate, with the
// seed's "Invalid Initial Deepvue Transaction id.".
//
//	transaction  behaviour                                        row outcome
//	sample       200, the seed's sample data (SampleData)         VERIFIED/OK for doctype "string"
//	verified     200, five DigiLocker documents (VerifiedData):   VERIFIED/OK for those doctypes,
//	             HSCER, INCER, PANCR, DRVLC, ADHAR, with          else NOT_VERIFIED/DOCUMENT_NOT_FOUND
//	             DigiLocker's odd values (mime a string or a
//	             list, leading spaces in date and uri)
//	renewed      200, two DRVLC documents (RenewedData): an old   VERIFIED/OK for DRVLC: the renewed
//	             licence, then its renewal                        one when document_number names it,
//	                                                              else the old one
//	nodocument   200 with an empty data list                      NOT_VERIFIED/DOCUMENT_NOT_FOUND
//	duplicate    400 DUPLICATE_REQUEST                            FAILED/INVALID_ROW
//	expired      401 SESSION_EXPIRED                              FAILED/SESSION_EXPIRED
//	forbidden    403 {"detail": "Not a valid token"}, as for a    FAILED/TOKEN_INVALID
//	             key not entitled to DigiLocker
//	bankfailure  500 with "code": null, "Failed at bank"          transient (UPSTREAM_UNAVAILABLE)
//	flaky        per id, the 1st request "Failed at bank", the    transient twice, then VERIFIED/OK
//	             2nd 503, then as verified
//	down         every request 503                                transient (UPSTREAM_UNAVAILABLE)
//	throttled    every request 429 with Retry-After: 1            transient (UPSTREAM_UNAVAILABLE)
//
// The document id part of each uri (issuerid-DOCTYPE-docid) is the number a
// row's document_number is compared with: ABCDE1234F for verified's PANCR,
// DL0120230100001 for its DRVLC and for renewed's new licence,
// DL0120150100001 for renewed's old one.
// The sample's uri "string" has none, so a claim against it is
// NOT_VERIFIED/CLAIM_UNVERIFIABLE.
//
// Whatever the transaction, a request without client-id or x-api-key gets
// 403 {"detail": "Not authenticated"}, wrong ones 401 {"detail": "Not a
// valid token"}, and a body that is not the endpoint's (not a JSON object,
// a field missing or not a string, consent other than Y) 422 with a detail
// list naming each field at fault.
const (
	TxnSample         = "sample"
	TxnVerified       = "verified"
	TxnRenewed        = "renewed"
	TxnNoDocument     = "nodocument"
	TxnDuplicate      = "duplicate"
	TxnSessionExpired = "expired"
	TxnForbidden      = "forbidden"
	TxnBankFailure    = "bankfailure"
	TxnFlaky          = "flaky"
	TxnDown           = "down"
	TxnThrottled      = "throttled"
)

// FlakyFailures is how many requests of each TxnFlaky id fail before it
// answers like TxnVerified.
const FlakyFailures = 2

// SampleData is the data of the seed's sample 200 answer, as printed.
var SampleData = json.RawMessage(`[
{
"name": "string",
"type": "string",
"size": "string",
"date": "string",
"parent": "string",
"mime": [
"string"
],
"uri": "string",
"doctype": "string",
"description": "string",
"issuerid": "string",
"issuer": "string"
}
]`)

// VerifiedData is the data of a TxnVerified answer: the two items of
// DigiLocker's own sample (seed 003), with their leading spaces and a mime
// that is a string in one and a list in the other, then three more.
var VerifiedData = json.RawMessage(`[
  {"name": "Class XII Marksheet", "type": "file", "size": "", "date": " 2015-05-12T15:50:38Z", "parent": "",
   "mime": "application/pdf", "uri": "in.gov.cbse-HSCER-201412345678", "doctype": "HSCER",
   "description": "Class XII Marksheet", "issuerid": "in.gov.cbse", "issuer": "CBSE"},
  {"name": "Income Certificate", "type": "file", "size": "", "date": " 2015-05-12T15:50:38Z", "parent": "",
   "mime": ["application/pdf", "application/xml"], "uri": " in.gov.delhi-INCER-98765432", "doctype": "INCER",
   "description": "Income Certificate", "issuerid": "in.gov.delhi", "issuer": "Delhi eDistrict"},
  {"name": "PAN Verification Record", "type": "file", "size": "", "date": " 2021-08-17T10:12:03Z", "parent": "",
   "mime": ["application/pdf", "application/xml"], "uri": "in.gov.pan-PANCR-ABCDE1234F", "doctype": "PANCR",
   "description": "PAN Verification Record", "issuerid": "in.gov.pan", "issuer": "Income Tax Department"},
  {"name": "Driving License", "type": "file", "size": "", "date": "2023-01-09T06:41:55Z", "parent": "",
   "mime": ["application/pdf"], "uri": "in.gov.transport-DRVLC-DL0120230100001", "doctype": "DRVLC",
   "description": "Driving License", "issuerid": "in.gov.transport", "issuer": "Ministry of Road Transport and Highways"},
  {"name": "Aadhaar Card", "type": "file", "size": "", "date": "2020-03-25T09:00:00Z", "parent": "",
   "mime": "application/xml", "uri": "in.gov.uidai-ADHAR-7f3c9a1e5b2d4c60", "doctype": "ADHAR",
   "description": "Aadhaar Card", "issuerid": "in.gov.uidai", "issuer": "Unique Identification Authority of India"}
]`)

// RenewedData is the data of a TxnRenewed answer: a driving licence and,
// after it, its renewal under another number, as DigiLocker lists both
// once the new one is fetched.
var RenewedData = json.RawMessage(`[
  {"name": "Driving License", "type": "file", "size": "", "date": "2015-01-09T06:41:55Z", "parent": "",
   "mime": ["application/pdf"], "uri": "in.gov.transport-DRVLC-DL0120150100001", "doctype": "DRVLC",
   "description": "Driving License", "issuerid": "in.gov.transport", "issuer": "Ministry of Road Transport and Highways"},
  {"name": "Driving License", "type": "file", "size": "", "date": "2023-01-09T06:41:55Z", "parent": "",
   "mime": ["application/pdf"], "uri": "in.gov.transport-DRVLC-DL0120230100001", "doctype": "DRVLC",
   "description": "Driving License", "issuerid": "in.gov.transport", "issuer": "Ministry of Road Transport and Highways"}
]`)

// behaviour is how a simulated transaction answers: with data, or with a
// fixed error answer.
type behaviour struct {
	data   json.RawMessage
	answer *ErrorAnswer
	flaky  bool // the first FlakyFailures requests of each id fail
	// retryAfter is the Retry-After header sent with the answer.
	retryAfter string
}

var transactions = map[string]behaviour{
	TxnSample:         {data: SampleData},
	TxnVerified:       {data: VerifiedData},
	TxnRenewed:        {data: RenewedData},
	TxnNoDocument:     {data: json.RawMessage(`[]`)},
	TxnDuplicate:      {answer: &ansDuplicate},
	TxnSessionExpired: {answer: &ansSessionExpired},
	TxnForbidden:      {answer: &ansForbidden},
	TxnBankFailure:    {answer: &ansBankFailure},
	TxnFlaky:          {data: VerifiedData, flaky: true},
	TxnDown:           {answer: &ansUnavailable},
	TxnThrottled:      {answer: &ansTooMany, retryAfter: "1"},
}

// TransactionKinds returns the simulated transaction kinds, sorted.
func TransactionKinds() []string { return simulation.Kinds(transactions) }

// kindOf returns the behaviour of id's kind; an unknown kind answers like
// TxnDuplicate.
func kindOf(id string) behaviour {
	kind, _, _ := strings.Cut(strings.TrimSpace(id), "-")
	if b, ok := transactions[strings.ToLower(kind)]; ok {
		return b
	}
	return transactions[TxnDuplicate]
}
