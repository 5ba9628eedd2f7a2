package sila

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify"
)

// judge checks that the listed documents hold every type q asks for.
func (c *Client) judge(row bulkverify.Row, q query, l listing) bulkverify.Result {
	picked := pick(l.docs, q.types)
	var missing, found []string
	for _, t := range q.types {
		if _, ok := picked[t]; ok {
			found = append(found, t)
		} else {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 && !l.complete {
		return bulkverify.Failed(row, bulkverify.CodeUpstreamRejected, fmt.Sprintf(
			"Sila lists more than %d pages of %s documents for user %q and the first %d hold no %s: narrow the row with start_date, end_date or search, then submit it again",
			c.maxPages, strings.Join(q.types, ", "), q.handle, c.maxPages, strings.Join(missing, ", ")), false)
	}
	if len(missing) > 0 {
		r := bulkverify.NotVerified(row, bulkverify.CodeDocumentNotFound, notFoundMessage(q, missing, found))
		r.DocumentType, r.Issuer = strings.Join(q.types, "|"), Issuer
		return r
	}
	r := bulkverify.Verified(row, verifiedMessage(q, picked))
	ids, hashes, sizes := make([]string, len(q.types)), make([]string, len(q.types)), make([]string, len(q.types))
	for i, t := range q.types {
		d := picked[t]
		ids[i], hashes[i], sizes[i] = d.DocumentID, strings.ToLower(d.Hash), string(d.Size)
	}
	r.DocumentType, r.DocumentID, r.SHA256, r.Size = strings.Join(q.types, "|"), strings.Join(ids, "|"), strings.Join(hashes, "|"), strings.Join(sizes, "|")
	r.Issuer = Issuer
	r.VerifiedAt = c.Stamp()
	return r
}

// pick returns, for each of types, its first document by created time;
// documents whose created times cannot be compared keep the list's order.
func pick(docs []Document, types []string) map[string]Document {
	picked := map[string]Document{}
	for _, d := range docs {
		t := strings.ToLower(strings.TrimSpace(d.Type))
		if !slices.Contains(types, t) {
			continue
		}
		if p, ok := picked[t]; !ok || createdBefore(d, p) {
			picked[t] = d
		}
	}
	return picked
}

// createdLayouts are the forms of created: the seed's ISO-8601 without a
// zone (taken as UTC), with a space, and with a zone.
var createdLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", time.RFC3339Nano}

// createdBefore reports whether a was created before b; false when either
// time cannot be read.
func createdBefore(a, b Document) bool {
	ta, okA := parseCreated(a.Created)
	tb, okB := parseCreated(b.Created)
	return okA && okB && ta.Before(tb)
}

func parseCreated(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range createdLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func verifiedMessage(q query, picked map[string]Document) string {
	parts := make([]string, len(q.types))
	for i, t := range q.types {
		d := picked[t]
		parts[i] = fmt.Sprintf("%s %q uploaded %s", t, d.Name, strings.TrimSpace(d.Created))
	}
	return fmt.Sprintf("Sila lists for user %q: %s", q.handle, strings.Join(parts, ", "))
}

func notFoundMessage(q query, missing, found []string) string {
	held := "none of the types asked for"
	if len(found) > 0 {
		held = "only " + strings.Join(found, ", ") + " of the types asked for"
	}
	scope := ""
	if q.filtered() {
		scope = " " + q.filters()
	}
	advice := fmt.Sprintf("ask the user to upload their %s to Sila", strings.Join(missing, " and "))
	if q.filtered() {
		advice += ", or widen the row's start_date, end_date or search"
	}
	return fmt.Sprintf("Sila lists no %s document%s for user %q (it holds %s): %s, then submit the row again",
		strings.Join(missing, " or "), scope, q.handle, held, advice)
}
