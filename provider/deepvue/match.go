package deepvue

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// judge looks for the row's doctype among files: VERIFIED with the first
// file of that doctype as evidence, or NOT_VERIFIED/DOCUMENT_NOT_FOUND.
// Doctypes match ignoring case and surrounding spaces.
func (c *Client) judge(row bulkverify.Row, files []File) bulkverify.Result {
	want := strings.TrimSpace(row.Get(ColDocType))
	i := slices.IndexFunc(files, func(f File) bool { return strings.EqualFold(f.DocType, want) })
	if i < 0 {
		r := bulkverify.NotVerified(row, bulkverify.CodeDocumentNotFound, fmt.Sprintf(
			"the DigiLocker of transaction %s has no issued %s document (it holds %s): ask the person to fetch their %s into DigiLocker from its issuer, then submit the row with a new session's transaction id",
			quote(row.Get(ColTransactionID)), want, held(files), want))
		r.DocumentType = want
		return r
	}
	f := files[i]
	r := bulkverify.Verified(row, verifiedMessage(f))
	r.DocumentType, r.DocumentID, r.Issuer = f.DocType, f.URI, f.Issuer
	r.Size, r.MIME = f.Size, strings.Join(f.MIME, "|")
	r.VerifiedAt = c.Stamp()
	return r
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
