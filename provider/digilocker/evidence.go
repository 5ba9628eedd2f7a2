package digilocker

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/claims"
	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// NameThresholdSetting is the key of BV_NAME_MATCH_THRESHOLD among the
// provider's settings: the one setting of DigiLocker's claims that is not
// BV_DIGILOCKER_*, since the name matcher is the service's, not the
// upstream's.
const NameThresholdSetting = "NAME_MATCH_THRESHOLD"

// docTypeAadhaar is the doctype of an Aadhaar card, whose claims the
// e-Aadhaar XML bears out when it has no certificate XML.
const docTypeAadhaar = "ADHAR"

// evidence gathers what DigiLocker says of doc and its holder for the
// row's claims, best source first: the certificate XML, when the listing
// offers application/xml; the e-Aadhaar XML, for an Aadhaar without one;
// then the document id part of the uri for its number and the account's
// profile for name, dob and gender. A source is asked only for claims the
// better ones left open.
func (c *Client) evidence(ctx context.Context, s *session, doc IssuedFile) (claims.Evidence, *bulkverify.Result, error) {
	var ev claims.Evidence
	var stop *bulkverify.Result
	var err error
	switch {
	case hasXML(doc):
		stop, err = c.certificateEvidence(ctx, s, doc, &ev)
	case strings.EqualFold(doc.DocType, docTypeAadhaar):
		stop, err = c.eAadhaarEvidence(ctx, s, doc, &ev)
	}
	if stop != nil || err != nil {
		return ev, stop, err
	}
	if s.row.Get(bulkverify.ClaimDocumentNumber) != "" {
		ev.Set(bulkverify.ClaimDocumentNumber, claims.Value{Text: documentID(doc), Source: bulkverify.SourceURI})
	}
	if needsProfile(s.row, ev) {
		stop, err = c.profileEvidence(ctx, s, doc, &ev)
	}
	return ev, stop, err
}

// hasXML reports whether DigiLocker offers doc's certificate as XML.
func hasXML(doc IssuedFile) bool {
	return slices.ContainsFunc(doc.MIME, func(m string) bool { return strings.EqualFold(mediaType(m), "application/xml") })
}

// documentID returns the document id part of doc's uri,
// issuerid-DOCTYPE-docid, or "".
func documentID(doc IssuedFile) string {
	uri := strings.TrimSpace(doc.URI)
	mark := "-" + strings.ToUpper(doc.DocType) + "-"
	if i := strings.Index(strings.ToUpper(uri), mark); doc.DocType != "" && i >= 0 {
		return uri[i+len(mark):]
	}
	return ""
}

// needsProfile reports whether the row claims a name, dob or gender that
// the better sources left without a value.
func needsProfile(row bulkverify.Row, ev claims.Evidence) bool {
	for _, c := range []string{bulkverify.ClaimName, bulkverify.ClaimDOB, bulkverify.ClaimGender} {
		if row.Get(c) != "" && !ev.Has(c) {
			return true
		}
	}
	return false
}

// setPerson records a holder's name, dob and gender from source.
func setPerson(ev *claims.Evidence, p certxml.Person, source string) {
	ev.Set(bulkverify.ClaimName, claims.Value{Text: p.Name, Source: source})
	ev.Set(bulkverify.ClaimDOB, claims.Value{Text: p.DOB, Source: source})
	ev.Set(bulkverify.ClaimGender, claims.Value{Text: p.Gender, Source: source})
}

// profileAnswer is the account's profile, or the final answer that
// refused it, kept once per access token in a chunk.
type profileAnswer struct {
	user    User
	refused bool
	outcome Outcome
	message string
}

// profileEvidence reads the account's profile, once per access token in a
// chunk (the spec asks clients not to call it per document), and records
// its name, dob and gender.
func (c *Client) profileEvidence(ctx context.Context, s *session, doc IssuedFile, ev *claims.Evidence) (*bulkverify.Result, error) {
	v, err := bulkverify.MemoFrom(ctx).Do(ctx, "digilocker user "+digest(s.token), func() (any, error) { return c.profile(ctx, s) })
	if err != nil {
		return nil, err
	}
	p := v.(profileAnswer)
	if p.refused {
		r := withDocument(p.outcome.Result(s.row, p.message), doc)
		return &r, nil
	}
	setPerson(ev, certxml.Person{Name: p.user.Name, DOB: p.user.DOB, Gender: p.user.Gender}, bulkverify.SourceProfile)
	return nil, nil
}

// profile asks GET /oauth2/1/user. A final refusal is an answer too.
func (c *Client) profile(ctx context.Context, s *session) (profileAnswer, error) {
	var u User
	stop, err := s.getJSON(ctx, OpUser, "/oauth2/1/user", &u)
	if err != nil {
		return profileAnswer{}, err
	}
	if stop != nil {
		return profileAnswer{refused: true, outcome: upstream.Final(stop.Status, stop.Code), message: stop.Message}, nil
	}
	return profileAnswer{user: u}, nil
}

// nameThreshold reads BV_NAME_MATCH_THRESHOLD: a whole number from 1 to
// 100, or empty for the matcher's default.
func nameThreshold(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, fmt.Errorf("BV_NAME_MATCH_THRESHOLD=%q: want a whole number from 1 to 100 (default 85)", v)
	}
	return n, nil
}

// readPEM returns a PEM value as given, or the file it names.
func readPEM(v string) []byte {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "-----BEGIN") {
		return []byte(v)
	}
	if b, err := os.ReadFile(v); err == nil {
		return b
	}
	return []byte(v) // NewVerifier says what is wrong with it
}
