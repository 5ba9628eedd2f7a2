package digilocker

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
)

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func TestSimPersonAnswersAsTheirHolder(t *testing.T) {
	for k, h := range SimHolders {
		t.Run(fmt.Sprintf("person %d is %s everywhere", k, h.Profile), func(t *testing.T) {
			b := setupSim(t)
			token := fmt.Sprintf("person-%d-abc", k)
			wantPersonProfile(t, b, token, h)
			items := wantPersonLocker(t, b, token, h)
			wantPersonCertificates(t, b, token, h, items)
			e, err := certxml.ParseEAadhaar(wantXML(t, b.get(t, eaadhaarPath, token), false))
			want := certxml.EAadhaar{UID: "xxxxxxxx" + h.Aadhaar[8:], Holder: certxml.Person{Name: h.EAadhaar, DOB: dashed(h.DOB), Gender: h.Gender}}
			if err != nil || e != want {
				t.Errorf("got e-Aadhaar %+v, %v, want %+v", e, err, want)
			}
		})
	}
}

func wantPersonProfile(t *testing.T, b simBundle, token string, h SimHolder) {
	t.Helper()
	var u User
	decode(t, b.get(t, "/oauth2/1/user", token), &u)
	if u.Name != h.Profile || u.DOB != h.DOB || u.Gender != h.Gender || u.EAadhaar != "Y" || len(u.DigiLockerID) != 36 {
		t.Errorf("got profile %+v, want %s %s %s with eaadhaar Y and a 36-character id", u, h.Profile, h.DOB, h.Gender)
	}
}

func wantPersonLocker(t *testing.T, b simBundle, token string, h SimHolder) []IssuedFile {
	t.Helper()
	var list IssuedFiles
	decode(t, b.get(t, "/oauth2/2/files/issued", token), &list)
	var got []string
	for _, it := range list.Items {
		got = append(got, it.DocType+" "+strings.Join(it.MIME, "+"))
	}
	want := []string{"HSCER application/pdf", "PANCR application/pdf+application/xml", "DRVLC application/pdf+application/xml", "ADHAR application/pdf"}
	if !slices.Equal(got, want) || list.Items[1].URI != "in.gov.pan-PANCR-"+h.PAN || list.Items[2].URI != "in.gov.transport-DRVLC-"+h.Licence {
		t.Errorf("got items %v, want %v with the holder's PAN and licence", list.Items, want)
	}
	if strings.Contains(list.Items[3].URI, h.Aadhaar) || !regexp.MustCompile(`^in\.gov\.uidai-ADHAR-[0-9a-f]{16}$`).MatchString(list.Items[3].URI) {
		t.Errorf("got ADHAR uri %q, want in.gov.uidai-ADHAR-<16 hex digits> without the Aadhaar number", list.Items[3].URI)
	}
	return list.Items
}

func wantPersonCertificates(t *testing.T, b simBundle, token string, h SimHolder, items []IssuedFile) {
	t.Helper()
	for _, it := range items[1:3] {
		body := wantXML(t, b.get(t, xmlPath(it.URI), token), false)
		c, err := certxml.ParseCertificate(body)
		want := certxml.Person{Name: h.Certificate, DOB: dashed(h.DOB), Gender: h.Gender}
		if err != nil || c.Holder != want || c.Status != "A" || !strings.HasSuffix(it.URI, "-"+c.Number) {
			t.Errorf("got %s certificate %+v, %v, want holder %+v, status A and the uri's number", it.DocType, c, err, want)
		}
		if c.ExpiryDate != "" && c.ExpiryDate[6:] <= "2026" {
			t.Errorf("got %s expiring %s, want a date in the future", it.DocType, c.ExpiryDate)
		}
		if err := b.verifier.Verify(body); err != nil {
			t.Errorf("got signature error %v on the %s, want none", err, it.DocType)
		}
	}
}

func TestSimPersonNumberWrapsAround(t *testing.T) {
	b := setupSim(t)
	var first, wrapped User
	decode(t, b.get(t, "/oauth2/1/user", "person-0001-x"), &first)
	decode(t, b.get(t, "/oauth2/1/user", fmt.Sprintf("person-%d", 1+len(SimHolders))), &wrapped)
	if first != wrapped || first.Name != SimHolders[1].Profile {
		t.Errorf("got %+v and %+v, want both %s", first, wrapped, SimHolders[1].Profile)
	}
}

func TestSimHoldersAreVaried(t *testing.T) {
	genders := map[string]int{}
	for _, h := range SimHolders {
		genders[h.Gender]++
		if h.Certificate == h.Profile {
			t.Errorf("got %q on both profile and certificate, want the certificate to write it differently", h.Profile)
		}
		if !regexp.MustCompile(`^[2-9][0-9]{11}$`).MatchString(h.Aadhaar) || !regexp.MustCompile(`^[A-Z]{3}P[A-Z][0-9]{4}[A-Z]$`).MatchString(h.PAN) ||
			!regexp.MustCompile(`^[0-3][0-9][01][0-9](19|20)[0-9]{2}$`).MatchString(h.DOB) {
			t.Errorf("got holder %+v, want a 12-digit Aadhaar, a personal PAN and a DDMMYYYY dob", h)
		}
	}
	if len(SimHolders) < 8 || genders["F"] < 2 || genders["T"] < 1 {
		t.Errorf("got %d holders with genders %v, want at least 8, two F and one T", len(SimHolders), genders)
	}
}
