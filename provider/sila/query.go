package sila

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// query is what a row asks of list_documents.
type query struct {
	handle    string
	types     []string // required, lower-cased, distinct, in the row's order
	startDate string
	endDate   string
	search    string
}

// queryOf reads a validated row. Sila's document types are lower-case
// short names, so ID_PASSPORT is sent as id_passport.
func queryOf(row bulkverify.Row) query {
	q := query{
		handle:    row.Get("user_handle"),
		startDate: row.Get("start_date"),
		endDate:   row.Get("end_date"),
		search:    row.Get("search"),
	}
	for _, t := range bulkverify.SplitList(row.Get("doc_types")) {
		if t = strings.ToLower(t); !slices.Contains(q.types, t) {
			q.types = append(q.types, t)
		}
	}
	return q
}

// request returns the header_msg body of one request.
func (q query) request(appHandle string, created int64, reference string) ListDocumentsRequest {
	return ListDocumentsRequest{
		Header: Header{
			Created:    created,
			AppHandle:  appHandle,
			UserHandle: q.handle,
			Version:    HeaderVersion,
			Crypto:     HeaderCrypto,
			Reference:  reference,
		},
		Message:   HeaderMessage,
		StartDate: q.startDate,
		EndDate:   q.endDate,
		DocTypes:  q.types,
		Search:    q.search,
	}
}

// filtered reports whether the row narrows the list beyond doc_types.
func (q query) filtered() bool { return q.startDate != "" || q.endDate != "" || q.search != "" }

// filters describes the row's filters for a message, or "".
func (q query) filters() string {
	var parts []string
	switch {
	case q.startDate != "" && q.endDate != "":
		parts = append(parts, fmt.Sprintf("created %s to %s", q.startDate, q.endDate))
	case q.startDate != "":
		parts = append(parts, "created on or after "+q.startDate)
	case q.endDate != "":
		parts = append(parts, "created on or before "+q.endDate)
	}
	if q.search != "" {
		parts = append(parts, fmt.Sprintf("with %q in the name or filename", q.search))
	}
	return strings.Join(parts, " ")
}

// newReference returns a unique header.reference: 16 random bytes in hex.
func newReference() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails
	return hex.EncodeToString(b)
}
