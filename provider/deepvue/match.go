package deepvue

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/claims"
)

// judge looks for the row's doctype among files: VERIFIED with the file
// pick chooses as evidence, or NOT_VERIFIED/DOCUMENT_NOT_FOUND. A row's
// document_number is then compared with the document id part of that
// file's uri, which may make it NOT_VERIFIED (DOCUMENT_NUMBER_MISMATCH, or
// CLAIM_UNVERIFIABLE when the uri has none). Doctypes match ignoring case
// and surrounding spaces; a result names the row's in its canonical form,
// so that rows the Spec calls duplicates get the same result.
func (c *Client) judge(row bulkverify.Row, files []File) bulkverify.Result {
	want := Canonical(ColDocType, row.Get(ColDocType))
	f, ok := pick(files, want, row.Get(bulkverify.ClaimDocumentNumber))
	if !ok {
		r := bulkverify.NotVerified(row, bulkverify.CodeDocumentNotFound, fmt.Sprintf(
			"the DigiLocker of transaction %s has no issued %s document (it holds %s): ask the person to fetch their %s into DigiLocker from its issuer, then submit the row with a new session's transaction id",
			quote(row.Get(ColTransactionID)), want, held(files), want))
		r.DocumentType = want
		return r
	}
	r := bulkverify.Verified(row, verifiedMessage(f))
	r.DocumentType, r.DocumentID, r.Issuer = f.DocType, f.URI, f.Issuer
	r.Size, r.MIME = f.Size, strings.Join(f.MIME, "|")
	r.VerifiedAt = c.Stamp()
	var ev claims.Evidence
	ev.Set(bulkverify.ClaimDocumentNumber, claims.Value{Text: DocumentID(f), Source: bulkverify.SourceURI})
	return claims.Judge{Now: c.Now}.Apply(row, r, ev)
}

// pick returns the file of doctype want that is the row's evidence, and
// whether there is one. A person may hold two documents of a type (an old
// and a renewed licence): the first whose document id matches the claimed
// number is the evidence, else the first of the type.
func pick(files []File, want, claimed string) (File, bool) {
	first := -1
	for i, f := range files {
		if !strings.EqualFold(f.DocType, want) {
			continue
		}
		if first < 0 {
			first = i
		}
		if claimed != "" && claims.DocumentNumber(claimed, DocumentID(f)) == bulkverify.MatchOK {
			return f, true
		}
	}
	if first < 0 {
		return File{}, false
	}
	return files[first], true
}

// DocumentID returns the document id part of f's uri, issuerid-DOCTYPE-docid:
// what follows the first "-DOCTYPE-" of f's doctype, in any case; "" when
// there is none.
func DocumentID(f File) string {
	uri, mark := strings.TrimSpace(f.URI), "-"+strings.TrimSpace(f.DocType)+"-"
	if len(mark) == 2 {
		return ""
	}
	for i := 0; i+len(mark) <= len(uri); i++ {
		if strings.EqualFold(uri[i:i+len(mark)], mark) {
			return strings.TrimSpace(uri[i+len(mark):])
		}
	}
	return ""
}

// verifiedMessage names the document found: its name, issuer and date,
// where DigiLocker gave them.
func verifiedMessage(f File) string {
	msg := fmt.Sprintf("DigiLocker holds the issued %s document", f.DocType)
	if f.Name != "" {
		msg += fmt.Sprintf(" %s", quote(f.Name))
	}
	if f.Issuer != "" {
		msg += " from " + f.Issuer
	}
	if f.Date != "" {
		msg += ", dated " + f.Date
	}
	return msg
}

// held says which doctypes files hold: "only A, B" or "no issued
// documents".
func held(files []File) string {
	var types []string
	for _, f := range files {
		if t := strings.ToUpper(f.DocType); t != "" && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		return "no issued documents"
	}
	return "only " + strings.Join(types, ", ")
}
