package digilocker

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

// pathCounter serves h and counts its requests by the API they call.
type pathCounter struct {
	h  http.Handler
	mu sync.Mutex
	n  map[string]int
}

func (p *pathCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api := r.URL.Path
	for _, prefix := range []string{"/oauth2/1/file/", "/oauth2/1/xml/"} {
		if strings.HasPrefix(api, prefix) {
			api = prefix
		}
	}
	p.mu.Lock()
	p.n[api]++
	p.mu.Unlock()
	p.h.ServeHTTP(w, r)
}

func (p *pathCounter) count(api string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n[api]
}

func (p *pathCounter) total() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, v := range p.n {
		n += v
	}
	return n
}

// newClaimsClient returns a client of a simulator as dev configures it:
// the certificate XML's signature checked against the simulator's
// certificate, and the client id that lets a refresh token refresh.
func newClaimsClient(t *testing.T) (*Client, *pathCounter) {
	t.Helper()
	sim := NewSimulator(SimConfig{ClientSecret: testSecret, ClientID: "test-client-id"})
	counter := &pathCounter{h: sim, n: map[string]int{}}
	srv := providertest.Serve(t, counter)
	v, err := certxml.NewVerifier([]byte(SimXMLCertPEM))
	if err != nil {
		t.Fatal(err)
	}
	c := New(Config{Endpoint: srv.Endpoint(nil), ClientSecret: testSecret, ClientID: "test-client-id", XMLCert: v})
	return c, counter
}

// TestClaimsAgainstTheDocument runs the rows of the issue that asked for
// claims, each against the simulator.
func TestClaimsAgainstTheDocument(t *testing.T) {
	tests := []struct {
		name      string
		row       []string
		code      bulkverify.Code
		matches   string // document_number name dob gender
		source    string
		validity  string
		refreshed bool
	}{
		{"a PAN declared with another number is DOCUMENT_NUMBER_MISMATCH",
			[]string{"access_token", "verified-t1", "doctype", "PANCR", "document_number", "ABCDE9999F"},
			bulkverify.CodeDocumentNumberMismatch, "MISMATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", "certificate", "", false},
		{"a driving licence whose certificate expired is DOCUMENT_EXPIRED",
			[]string{"access_token", "expired-t2", "doctype", "DRVLC", "document_number", "DL0120230100001"},
			bulkverify.CodeDocumentExpired, "MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", "certificate", "2020-01-01", false},
		{"a PAN whose certificate status is revoked is DOCUMENT_REVOKED",
			[]string{"access_token", "revoked-t3", "doctype", "PANCR", "document_number", "ABCDE1234F"},
			bulkverify.CodeDocumentRevoked, "MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", "certificate", "", false},
		{"gender F declared for a male holder is GENDER_MISMATCH",
			[]string{"access_token", "verified-t4", "doctype", "PANCR", "gender", "F"},
			bulkverify.CodeGenderMismatch, "NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED MISMATCH", "certificate", "", false},
		{"a certificate XML whose hmac does not match is INTEGRITY_FAILED",
			[]string{"access_token", "xmltampered-t5", "doctype", "PANCR", "name", "Sunil Kumar"},
			bulkverify.CodeIntegrityFailed, "NOT_CLAIMED UNAVAILABLE NOT_CLAIMED NOT_CLAIMED", "", "", false},
		{"a certificate altered after signing is INTEGRITY_FAILED",
			[]string{"access_token", "badsig-t6", "doctype", "PANCR", "dob", "31121970"},
			bulkverify.CodeIntegrityFailed, "NOT_CLAIMED NOT_CLAIMED UNAVAILABLE NOT_CLAIMED", "", "", false},
		{"an unsigned certificate is INTEGRITY_FAILED when a signing certificate is configured",
			[]string{"access_token", "unsigned-t7", "doctype", "PANCR", "dob", "31121970"},
			bulkverify.CodeIntegrityFailed, "NOT_CLAIMED NOT_CLAIMED UNAVAILABLE NOT_CLAIMED", "", "", false},
		{"an Aadhaar declared with other last digits than the e-Aadhaar uid is DOCUMENT_NUMBER_MISMATCH",
			[]string{"access_token", "verified-t8", "doctype", "ADHAR", "document_number", "1234 5678 5555"},
			bulkverify.CodeDocumentNumberMismatch, "MISMATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", "eaadhaar", "", false},
		{"an Aadhaar whose claims the e-Aadhaar bears out is VERIFIED",
			[]string{"access_token", "verified-t9", "doctype", "ADHAR", "document_number", "1234-5678-4321", "name", "Sunil Kumar", "dob", "31121970", "gender", "MALE"},
			bulkverify.CodeOK, "MATCH MATCH MATCH MATCH", "eaadhaar", "", false},
		{"an expired access token with a refresh token is refreshed and VERIFIED",
			[]string{"access_token", "expiredtoken-t10", "doctype", "PANCR", "document_number", "ABCDE1234F", "refresh_token", "refresh-verified-t10"},
			bulkverify.CodeOK, "MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", "certificate", "", true},
		{"a refresh token DigiLocker refuses is TOKEN_INVALID",
			[]string{"access_token", "expiredtoken-t11", "doctype", "PANCR", "refresh_token", "not-a-refresh-token"},
			bulkverify.CodeTokenInvalid, "NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", "", "", false},
		{"a document without XML is checked against its uri and the profile",
			[]string{"access_token", "noxml-t12", "doctype", "PANCR", "document_number", "ABCDE1234F", "name", "S. Kumar", "dob", "31121970"},
			bulkverify.CodeOK, "MATCH MATCH MATCH NOT_CLAIMED", "uri|profile", "", false},
		{"a claimed gender no source gives is CLAIM_UNVERIFIABLE",
			[]string{"access_token", "nogender-t13", "doctype", "PANCR", "gender", "M"},
			bulkverify.CodeClaimUnverifiable, "NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED UNAVAILABLE", "", "", false},
		{"an Aadhaar not linked to the account is AADHAAR_NOT_LINKED",
			[]string{"access_token", "notlinked-t14", "doctype", "ADHAR", "document_number", "123456784321"},
			bulkverify.CodeAadhaarNotLinked, "UNAVAILABLE NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", "", "", false},
		{"a holder whose documents write the name another way is VERIFIED",
			[]string{"access_token", "person-5-t15", "doctype", "PANCR", "document_number", "FGLPR6605B", "name", "Lakshmi Narayanan Ramesh", "dob", "25121988", "gender", "M"},
			bulkverify.CodeOK, "MATCH MATCH MATCH MATCH", "certificate", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newClaimsClient(t)
			row := providertest.Row(tt.row...)
			res, err := c.Verify(bulkverify.WithMemo(context.Background()), row)
			if err != nil || res.Code != tt.code {
				t.Fatalf("got %s/%s, %v (%s), want %s", res.Status, res.Code, err, res.Message, tt.code)
			}
			matches := strings.Join([]string{string(res.DocumentNumberMatch), string(res.NameMatch), string(res.DOBMatch), string(res.GenderMatch)}, " ")
			if matches != tt.matches {
				t.Errorf("got matches %s, want %s", matches, tt.matches)
			}
			if res.ClaimsSource != tt.source {
				t.Errorf("got claims_source %q, want %q", res.ClaimsSource, tt.source)
			}
			if tt.validity != "" && res.DocumentValidUntil != tt.validity {
				t.Errorf("got document_valid_until %q, want %q", res.DocumentValidUntil, tt.validity)
			}
			if res.TokenRefreshed != tt.refreshed {
				t.Errorf("got token_refreshed %v, want %v", res.TokenRefreshed, tt.refreshed)
			}
			for _, secret := range []string{row.Get("access_token"), row.Get("refresh_token"), "verified-refreshed"} {
				if secret != "" && strings.Contains(res.Message, secret) {
					t.Errorf("message %q shows the token %q", res.Message, secret)
				}
			}
			for _, personal := range []string{"Sunil", "Lakshmi", "31121970", "25121988"} {
				if strings.Contains(res.Message, personal) {
					t.Errorf("message %q shows the personal value %q", res.Message, personal)
				}
			}
		})
	}
}

func TestADrivingLicenceKeepsItsValidity(t *testing.T) {
	c, _ := newClaimsClient(t)
	res, err := c.Verify(context.Background(), providertest.Row("access_token", "verified-v1", "doctype", "DRVLC", "document_number", "DL0120230100001"))
	if err != nil || res.Code != bulkverify.CodeOK || res.DocumentValidUntil == "" {
		t.Errorf("got %s, %v, valid until %q, want OK with the certificate's expiry date", res.Code, err, res.DocumentValidUntil)
	}
}

// TestRequestsPerRow checks what claims cost: a row without claims makes
// the two requests it always made; one with claims on a document with
// certificate XML makes one more; the profile is asked once per access
// token in a chunk, however many rows share it.
func TestRequestsPerRow(t *testing.T) {
	t.Run("a row without claims lists and downloads", func(t *testing.T) {
		c, n := newClaimsClient(t)
		providertest.Verify(t, c, providertest.Row("access_token", "verified-r1", "doctype", "PANCR"))
		if got := n.total(); got != 2 {
			t.Errorf("got %d requests, want 2 (list, file)", got)
		}
	})
	t.Run("a row with every claim on a certificate adds the certificate", func(t *testing.T) {
		c, n := newClaimsClient(t)
		providertest.Verify(t, c, providertest.Row("access_token", "verified-r2", "doctype", "PANCR",
			"document_number", "ABCDE1234F", "name", "Sunil Kumar", "dob", "31121970", "gender", "M"))
		if got, xml := n.total(), n.count("/oauth2/1/xml/"); got != 3 || xml != 1 {
			t.Errorf("got %d requests (%d certificate), want 3 (list, file, certificate)", got, xml)
		}
	})
	t.Run("rows of one token in a chunk ask the profile once", func(t *testing.T) {
		c, n := newClaimsClient(t)
		ctx := bulkverify.WithMemo(context.Background())
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				row := providertest.Row("access_token", "noxml-shared", "doctype", "PANCR", "name", "Sunil Kumar")
				row.Number = i + 1
				if res, err := c.Verify(ctx, row); err != nil || res.Code != bulkverify.CodeOK {
					t.Errorf("row %d: got %s, %v (%s), want OK", i+1, res.Code, err, res.Message)
				}
			}()
		}
		wg.Wait()
		if got := n.count("/oauth2/1/user"); got != 1 {
			t.Errorf("got %d profile requests for 8 rows of one token, want 1", got)
		}
	})
	t.Run("rows of one refresh token in a chunk refresh once", func(t *testing.T) {
		c, n := newClaimsClient(t)
		ctx := bulkverify.WithMemo(context.Background())
		for i := range 3 {
			row := providertest.Row("access_token", "expiredtoken-shared", "doctype", "PANCR", "refresh_token", "refresh-verified-shared")
			row.Number = i + 1
			if res, err := c.Verify(ctx, row); err != nil || res.Code != bulkverify.CodeOK || !res.TokenRefreshed {
				t.Errorf("row %d: got %s, %v, refreshed %v, want OK refreshed", i+1, res.Code, err, res.TokenRefreshed)
			}
		}
		if got := n.count("/oauth2/1/token"); got != 1 {
			t.Errorf("got %d refresh grants for 3 rows of one refresh token, want 1", got)
		}
	})
}

func TestRefreshNeedsTheClientID(t *testing.T) {
	sim := NewSimulator(SimConfig{ClientSecret: testSecret, ClientID: "test-client-id"})
	c := newTestClient(t, sim) // no ClientID: the service may not refresh
	res, err := providertest.Verify(t, c, providertest.Row("access_token", "expiredtoken-n1", "doctype", "PANCR", "refresh_token", "refresh-verified-n1"))
	if err != nil || res.Code != bulkverify.CodeTokenInvalid || res.TokenRefreshed {
		t.Errorf("got %s, %v, refreshed %v, want TOKEN_INVALID without a refresh", res.Code, err, res.TokenRefreshed)
	}
}
