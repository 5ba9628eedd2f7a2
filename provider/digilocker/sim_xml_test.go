package digilocker

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
)

// sunil is SimUserHolder as his certificates write him.
var sunil = certxml.Person{Name: "SUNIL KUMAR", DOB: "31-12-1970", Gender: "M"}

func TestSimCertificateXML(t *testing.T) {
	tests := []struct {
		name, token, uri string
		want             certxml.Certificate
	}{
		{"the PAN of verified", "verified-1", "in.gov.pan-PANCR-ABCDE1234F",
			certxml.Certificate{Type: "PANCR", Number: "ABCDE1234F", Status: "A", IssueDate: "17-08-2021", Holder: sunil}},
		{"the licence of verified expires in 2043", "verified-1", "in.gov.transport-DRVLC-DL0120230100001",
			certxml.Certificate{Type: "DRVLC", Number: "DL0120230100001", Status: "A", ExpiryDate: "08-01-2043", IssueDate: "09-01-2023", Holder: sunil}},
		{"the income certificate of verified", "verified-1", "in.gov.delhi-INCER-98765432",
			certxml.Certificate{Type: "INCER", Number: "98765432", Status: "A", IssueDate: "12-05-2015", Holder: sunil}},
		{"the licence of expired expired on 01-01-2020", "expired-1", "in.gov.transport-DRVLC-DL0120230100001",
			certxml.Certificate{Type: "DRVLC", Number: "DL0120230100001", Status: "A", ExpiryDate: "01-01-2020", IssueDate: "09-01-2023", Holder: sunil}},
		{"the PAN of expired does not expire", "expired-1", "in.gov.pan-PANCR-ABCDE1234F",
			certxml.Certificate{Type: "PANCR", Number: "ABCDE1234F", Status: "A", IssueDate: "17-08-2021", Holder: sunil}},
		{"the PAN of revoked is revoked", "revoked-1", "in.gov.pan-PANCR-ABCDE1234F",
			certxml.Certificate{Type: "PANCR", Number: "ABCDE1234F", Status: "R", IssueDate: "17-08-2021", Holder: sunil}},
		{"the licence of revoked is revoked", "revoked-1", "in.gov.transport-DRVLC-DL0120230100001",
			certxml.Certificate{Type: "DRVLC", Number: "DL0120230100001", Status: "R", ExpiryDate: "08-01-2043", IssueDate: "09-01-2023", Holder: sunil}},
		{"the PAN of a file-error account is served", "down-1", "in.gov.pan-PANCR-ABCDE1234F",
			certxml.Certificate{Type: "PANCR", Number: "ABCDE1234F", Status: "A", IssueDate: "17-08-2021", Holder: sunil}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is a signed certificate with a good hmac", func(t *testing.T) {
			b := setupSim(t)
			body := wantXML(t, b.get(t, xmlPath(tt.uri), tt.token), false)
			got, err := certxml.ParseCertificate(body)
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v, want %+v", got, err, tt.want)
			}
			if err := b.verifier.Verify(body); err != nil {
				t.Errorf("got signature error %v, want none", err)
			}
		})
	}
}

func TestSimXMLQuirks(t *testing.T) {
	const pan = "in.gov.pan-PANCR-ABCDE1234F"
	tests := []struct {
		name, path, token string
		tampered          bool
		wantSig           func(error) bool
	}{
		{"xmltampered's certificate has an hmac over other bytes", xmlPath(pan), "xmltampered-1", true, isNil},
		{"xmltampered's e-Aadhaar has an hmac over other bytes", eaadhaarPath, "xmltampered-1", true, isNil},
		{"unsigned's certificate has no signature", xmlPath(pan), "unsigned-1", false, isUnsigned},
		{"unsigned's e-Aadhaar has no signature", eaadhaarPath, "unsigned-1", false, isUnsigned},
		{"badsig's certificate was altered after signing", xmlPath(pan), "badsig-1", false, isBad},
		{"badsig's e-Aadhaar was altered after signing", eaadhaarPath, "badsig-1", false, isBad},
		{"verified's e-Aadhaar is signed", eaadhaarPath, "verified-1", false, isNil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := setupSim(t)
			body := wantXML(t, b.get(t, tt.path, tt.token), tt.tampered)
			if err := b.verifier.Verify(body); !tt.wantSig(err) {
				t.Errorf("got signature check %v, want otherwise", err)
			}
		})
	}
}

func isNil(err error) bool      { return err == nil }
func isUnsigned(err error) bool { return errors.Is(err, certxml.ErrUnsigned) }
func isBad(err error) bool      { return err != nil && !errors.Is(err, certxml.ErrUnsigned) }

func TestSimBadSigAltersTheDOB(t *testing.T) {
	b := setupSim(t)
	body := wantXML(t, b.get(t, xmlPath("in.gov.pan-PANCR-ABCDE1234F"), "badsig-1"), false)
	got, err := certxml.ParseCertificate(body)
	if err != nil || got.Holder.DOB != "31-12-1971" {
		t.Errorf("got holder %+v, %v, want the dob forged to 31-12-1971", got.Holder, err)
	}
}

func TestSimXMLErrors(t *testing.T) {
	tests := []struct {
		name, path, token string
		status            int
		code, desc        string
	}{
		{"a request without a token", xmlPath("in.gov.pan-PANCR-ABCDE1234F"), "", 401, "invalid_token", "The access token is invalid"},
		{"an unknown account", xmlPath("in.gov.pan-PANCR-ABCDE1234F"), "nobody-1", 401, "invalid_token", ""},
		{"a person token without a number", xmlPath("in.gov.pan-PANCR-ABCDE1234F"), "person-x-1", 401, "invalid_token", ""},
		{"an empty uri", "/oauth2/1/xml/", "verified-1", 400, "uri_missing", "URI parameter missing"},
		{"a uri the locker does not hold", xmlPath("in.gov.pan-PANCR-ZZZZZ9999Z"), "verified-1", 404, "invalid_uri", "No file found for given URI"},
		{"a PDF-only item (HSCER)", xmlPath("in.gov.cbse-HSCER-201412345678"), "verified-1", 404, "invalid_uri", ""},
		{"a PDF-only item (ADHAR)", xmlPath("in.gov.uidai-ADHAR-7f3c9a1e5b2d4c60"), "verified-1", 404, "invalid_uri", ""},
		{"noxml's PAN", xmlPath("in.gov.pan-PANCR-ABCDE1234F"), "noxml-1", 404, "invalid_uri", ""},
		{"missing's PAN", xmlPath("in.gov.pan-PANCR-ABCDE1234F"), "missing-1", 404, "invalid_uri", ""},
		{"expiredtoken's certificate", xmlPath("in.gov.pan-PANCR-ABCDE1234F"), "expiredtoken-1", 401, "invalid_token", ""},
		{"expiredtoken's e-Aadhaar", eaadhaarPath, "expiredtoken-1", 401, "invalid_token", ""},
		{"invalid's e-Aadhaar", eaadhaarPath, "invalid-1", 401, "invalid_token", ""},
		{"notlinked's e-Aadhaar", eaadhaarPath, "notlinked-1", 404, "aadhaar_not_linked", "Aadhaar is not linked to the account"},
		{"noaadhaar's e-Aadhaar", eaadhaarPath, "noaadhaar-1", 404, "aadhaar_not_available",
			"Aadhaar data is not available for this user. Please perform Aadhaar eKYC again."},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is answered "+tt.code, func(t *testing.T) {
			wantAPIError(t, setupSim(t).get(t, tt.path, tt.token), tt.status, tt.code, tt.desc)
		})
	}
}

func TestSimExpiredTokenRefusesEveryCall(t *testing.T) {
	b := setupSim(t)
	for _, path := range []string{"/oauth2/1/user", "/oauth2/2/files/issued", "/oauth2/1/file/in.gov.pan-PANCR-ABCDE1234F"} {
		wantAPIError(t, b.get(t, path, "expiredtoken-1"), 401, "invalid_token", "The access token is invalid")
	}
}

func TestSimEAadhaarOfVerified(t *testing.T) {
	b := setupSim(t)
	got, err := certxml.ParseEAadhaar(wantXML(t, b.get(t, eaadhaarPath, "verified-1"), false))
	want := certxml.EAadhaar{UID: "xxxxxxxx4321", Holder: certxml.Person{Name: "Sunil Kumar", DOB: "31-12-1970", Gender: "M"}}
	if err != nil || got != want {
		t.Errorf("got %+v, %v, want %+v", got, err, want)
	}
}

func TestSimNoXMLListsNoXML(t *testing.T) {
	var list struct{ Items []IssuedFile }
	decode(t, setupSim(t).get(t, "/oauth2/2/files/issued", "noxml-1"), &list)
	if len(list.Items) != len(simDocs) {
		t.Fatalf("got %d items, want %d", len(list.Items), len(simDocs))
	}
	for _, it := range list.Items {
		if slices.Contains(it.MIME, "application/xml") {
			t.Errorf("got %s listing %v, want no application/xml", it.DocType, it.MIME)
		}
	}
}

func TestSimAadhaarlessProfilesSayN(t *testing.T) {
	for _, token := range []string{"notlinked-1", "noaadhaar-1"} {
		var u User
		decode(t, setupSim(t).get(t, "/oauth2/1/user", token), &u)
		if want := (User{SimUser.DigiLockerID, SimUser.Name, SimUser.DOB, SimUser.Gender, "N", SimUser.ReferenceKey}); u != want {
			t.Errorf("got %+v for %s, want %+v", u, token, want)
		}
	}
}

func TestSimServesTheSameSignedBytes(t *testing.T) {
	b := setupSim(t)
	path := xmlPath("in.gov.pan-PANCR-ABCDE1234F")
	first := b.get(t, path, "verified-1").Body.Bytes()
	second := b.get(t, path, "verified-2").Body.Bytes()
	other := NewSimulator(SimConfig{ClientSecret: simTestSecret})
	third := simBundle{sim: other}.get(t, path, "verified-3").Body.Bytes()
	if !bytes.Equal(first, second) || !bytes.Equal(first, third) {
		t.Errorf("got different certificates for the same uri and holder, want the same bytes:\n%s\n%s", first, third)
	}
}

func TestSimCertificateEscapesAnyName(t *testing.T) {
	for _, name := range []string{`D'Souza & "Sons" <Ltd>`, "Tab\there", "Line\nbreak", "श्री राम", "]]> --> <!-- &amp;"} {
		t.Run(fmt.Sprintf("the name %q survives signing", name), func(t *testing.T) {
			h := SimUserHolder
			h.Certificate = name
			unsigned, err := certificateXML(simDocs[2], h, xmlQuirks{})
			if err != nil {
				t.Fatal(err)
			}
			body, err := seal(unsigned, h, xmlQuirks{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := certxml.ParseCertificate(body)
			if err != nil || got.Holder.Name != name {
				t.Errorf("got name %q, %v, want %q", got.Holder.Name, err, name)
			}
			if err := setupSim(t).verifier.Verify(body); err != nil {
				t.Errorf("got signature error %v, want none", err)
			}
		})
	}
}

func TestSimXMLCertIsLongLived(t *testing.T) {
	block, _ := pem.Decode([]byte(SimXMLCertPEM))
	if block == nil {
		t.Fatal("got no PEM block in SimXMLCertPEM")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if now := time.Now(); now.Before(c.NotBefore) || c.NotAfter.Before(now.AddDate(25, 0, 0)) {
		t.Errorf("got a certificate valid %s to %s, want one valid now and for 25 years more", c.NotBefore, c.NotAfter)
	}
}

func TestSimCountsTheNewRoutes(t *testing.T) {
	b := setupSim(t)
	b.get(t, xmlPath("in.gov.pan-PANCR-ABCDE1234F"), "verified-1")
	b.get(t, eaadhaarPath, "verified-1")
	b.get(t, eaadhaarPath, "notlinked-1")
	b.refresh(t, simTestClientID, simTestSecret, refreshForm("refresh-verified-1"))
	b.refresh(t, "wrong", simTestSecret, refreshForm("refresh-verified-1"))
	got := b.sim.Stats()
	if got.Requests != 5 || got.OK != 3 || got.Rejected != 2 {
		t.Errorf("got %+v, want 5 requests, 3 OK, 2 rejected", got)
	}
}

func TestSimXMLRoutesAnswerOnlyGET(t *testing.T) {
	b := setupSim(t)
	r, _ := http.NewRequest(http.MethodPost, eaadhaarPath, strings.NewReader(""))
	r.Header.Set("Authorization", "Bearer verified-1")
	w := newRecorder()
	b.sim.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("got HTTP %d for POST, want 405", w.Code)
	}
}

func BenchmarkSimCertificateXML(b *testing.B) {
	sim := NewSimulator(SimConfig{ClientSecret: simTestSecret})
	r := httptest.NewRequest(http.MethodGet, xmlPath("in.gov.pan-PANCR-ABCDE1234F"), nil)
	r.Header.Set("Authorization", "Bearer verified-1")
	for b.Loop() {
		w := httptest.NewRecorder()
		sim.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("got HTTP %d", w.Code)
		}
	}
}
