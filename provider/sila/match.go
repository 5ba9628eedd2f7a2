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
	picked, foreign := pick(l.docs, q)
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
		r := bulkverify.NotVerified(row, bulkverify.CodeDocumentNotFound, notFoundMessage(q, missing, found, foreign))
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

// pick returns, for each type q asks for, the newest document by created
// of q's user, and how many listed documents of each type were another
// user's. A document counts only when its user_handle is the row's,
// compared as written without surrounding spaces (the seed does not say
// handles ignore case). Of documents whose created times are equal or
// cannot be compared, the later in the list, which is asked for oldest
// first, counts as the newer.
func pick(docs []Document, q query) (map[string]Document, map[string]int) {
	picked, foreign := map[string]Document{}, map[string]int{}
	for _, d := range docs {
		t := strings.ToLower(strings.TrimSpace(d.Type))
		switch {
		case !slices.Contains(q.types, t):
		case strings.TrimSpace(d.UserHandle) != q.handle:
			foreign[t]++
		default:
			if p, ok := picked[t]; !ok || !createdBefore(d, p) {
				picked[t] = d
			}
		}
	}
	return picked, foreign
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

func notFoundMessage(q query, missing, found []string, foreign map[string]int) string {
	held := "none of the types asked for"
	if len(found) > 0 {
		held = "only " + strings.Join(found, ", ") + " of the types asked for"
	}
	ignored := 0
	for _, t := range missing {
		ignored += foreign[t]
	}
	if ignored > 0 {
		held += fmt.Sprintf("; %d listed document(s) of the missing types belong to another user_handle and do not count", ignored)
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
