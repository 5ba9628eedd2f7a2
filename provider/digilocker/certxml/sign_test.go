package certxml

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// testSigner returns a Signer of testdata/<pair>_key.pem and _cert.pem.
// t may be nil in a table of readers, where a failure panics.
func testSigner(t testing.TB, pair string) *Signer {
	s, err := NewSigner(mustRead(t, pair+"_key.pem"), mustRead(t, pair+"_cert.pem"))
	if err != nil {
		fail(t, err)
	}
	return s
}

// testVerifier returns a Verifier trusting the testdata certificates named.
func testVerifier(t testing.TB, certs ...string) *Verifier {
	var pemData []byte
	for _, c := range certs {
		pemData = append(pemData, mustRead(t, c)...)
	}
	v, err := NewVerifier(pemData)
	if err != nil {
		fail(t, err)
	}
	return v
}

func mustRead(t testing.TB, name string) []byte {
	if t != nil {
		return readTestdata(t, name)
	}
	b, err := readTestdataFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

func fail(t testing.TB, err error) {
	if t == nil {
		panic(err)
	}
	t.Helper()
	t.Fatal(err)
}

// signed returns testdata/name signed by the issuer.
func signed(t *testing.T, name string) []byte {
	t.Helper()
	b, err := testSigner(t, "issuer").Sign(readTestdata(t, name))
	if err != nil {
		t.Fatalf("got error %v signing %s, want none", err, name)
	}
	return b
}

func TestSignedDocumentsVerify(t *testing.T) {
	for _, name := range []string{"pan_certificate.xml", "eaadhaar.xml"} {
		t.Run("the signed "+name+" verifies against the issuer's certificate", func(t *testing.T) {
			if err := testVerifier(t, "issuer_cert.pem").Verify(signed(t, name)); err != nil {
				t.Errorf("got error %v, want none", err)
			}
		})
		t.Run("the signed "+name+" verifies against a list that holds the issuer's certificate", func(t *testing.T) {
			if err := testVerifier(t, "other_cert.pem", "issuer_cert.pem").Verify(signed(t, name)); err != nil {
				t.Errorf("got error %v, want none", err)
			}
		})
	}
}

func TestSigningKeepsWhatTheReadersRead(t *testing.T) {
	want, err := ParseCertificate(readTestdata(t, "pan_certificate.xml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCertificate(signed(t, "pan_certificate.xml"))
	if err != nil || got != want {
		t.Errorf("got %+v, %v after signing, want %+v", got, err, want)
	}
	b := signed(t, "pan_certificate.xml")
	if i, j := bytes.LastIndex(b, []byte("<ds:Signature")), bytes.LastIndex(b, []byte("</Certificate>")); i < 0 || j < i {
		t.Errorf("got the signature at %d and the root's end at %d, want the signature appended to the root", i, j)
	}
}

func pan(t *testing.T) []byte { return signed(t, "pan_certificate.xml") }

// unverifiable are documents Verify refuses when it trusts trust (nil:
// the issuer's certificate); unsigned ones with ErrUnsigned.
var unverifiable = []struct {
	name     string
	doc      func(t *testing.T) []byte
	trust    []string
	unsigned bool
}{
	{"an unsigned document", func(t *testing.T) []byte { return readTestdata(t, "pan_certificate.xml") }, nil, true},
	{"a document whose holder was changed after signing", func(t *testing.T) []byte {
		return bytes.Replace(pan(t), []byte(`name="SUNIL KUMAR"`), []byte(`name="ANIL KUMAR"`), 1)
	}, nil, false},
	{"a document whose status was changed after signing", func(t *testing.T) []byte {
		return bytes.Replace(pan(t), []byte(`status="A"`), []byte(`status="R"`), 1)
	}, nil, false},
	{"a document with an element added after signing", func(t *testing.T) []byte {
		return bytes.Replace(pan(t), []byte(`<CertificateData>`), []byte(`<CertificateData><Note/>`), 1)
	}, nil, false},
	{"a signature value that was altered", func(t *testing.T) []byte {
		b := pan(t)
		i := bytes.Index(b, []byte("<ds:SignatureValue>")) + len("<ds:SignatureValue>")
		b[i] ^= 'A' ^ 'B'
		return b
	}, nil, false},
	{"a document signed by another key", func(t *testing.T) []byte {
		b, err := testSigner(t, "other").Sign(readTestdata(t, "pan_certificate.xml"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}, nil, false},
	{"a document signed by another key that names the trusted certificate", signedByOtherClaimingIssuer, nil, false},
	{"a signed document against another certificate only", pan, []string{"other_cert.pem"}, false},
	{"a signature copied onto another document", func(t *testing.T) []byte {
		b := pan(t)
		sig := b[bytes.Index(b, []byte("<ds:Signature")):bytes.LastIndex(b, []byte("</Certificate>"))]
		return []byte(`<Certificate type="PANCR" number="ZZZZZ9999Z" status="A">` + string(sig) + `</Certificate>`)
	}, nil, false},
	{"a signature moved below the root", func(t *testing.T) []byte {
		b := pan(t)
		i, j := bytes.Index(b, []byte("<ds:Signature")), bytes.LastIndex(b, []byte("</Certificate>"))
		sig := string(b[i:j])
		return []byte(strings.Replace(string(b[:i])+string(b[j:]), "</CertificateData>", sig+"</CertificateData>", 1))
	}, nil, false},
	{"a signature that references another element", func(t *testing.T) []byte {
		return bytes.Replace(pan(t), []byte(`URI=""`), []byte(`URI="#other"`), 1)
	}, nil, false},
	{"two signatures", func(t *testing.T) []byte {
		b := pan(t)
		i, j := bytes.Index(b, []byte("<ds:Signature")), bytes.LastIndex(b, []byte("</Certificate>"))
		return []byte(string(b[:j]) + string(b[i:j]) + string(b[j:]))
	}, nil, false},
}

func TestVerifyRefuses(t *testing.T) {
	for _, tt := range unverifiable {
		t.Run(tt.name+" does not verify", func(t *testing.T) {
			trust := tt.trust
			if trust == nil {
				trust = []string{"issuer_cert.pem"}
			}
			err := testVerifier(t, trust...).Verify(tt.doc(t))
			switch {
			case err == nil:
				t.Fatal("got no error, want one")
			case errors.Is(err, ErrUnsigned) != tt.unsigned:
				t.Errorf("got error %v, want ErrUnsigned %v", err, tt.unsigned)
			}
		})
	}
}

// signedByOtherClaimingIssuer signs with the other key, then puts the
// issuer's certificate in KeyInfo.
func signedByOtherClaimingIssuer(t *testing.T) []byte {
	b, err := testSigner(t, "other").Sign(readTestdata(t, "pan_certificate.xml"))
	if err != nil {
		t.Fatal(err)
	}
	issuer := signed(t, "pan_certificate.xml")
	return bytes.Replace(b, x509Text(t, b), x509Text(t, issuer), 1)
}

// x509Text returns the base64 certificate in a signed document's KeyInfo.
func x509Text(t *testing.T, b []byte) []byte {
	const open, end = "<ds:X509Certificate>", "</ds:X509Certificate>"
	i, j := bytes.Index(b, []byte(open)), bytes.Index(b, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("got no X509Certificate in %s", b)
	}
	return b[i+len(open) : j]
}

func TestNewVerifierRefuses(t *testing.T) {
	tests := []struct {
		name, pem, want string
	}{
		{"nothing", "", "no PEM CERTIFICATE block"},
		{"text that is not PEM", "not a certificate", "no PEM CERTIFICATE block"},
		{"a private key", string(readTestdata(t, "issuer_key.pem")), `PEM block 1 is a "PRIVATE KEY"`},
		{"a certificate then a key", string(readTestdata(t, "issuer_cert.pem")) + string(readTestdata(t, "other_key.pem")), `PEM block 2 is a "PRIVATE KEY"`},
		{"a CERTIFICATE block that is not one", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "PEM block 1:"},
	}
	for _, tt := range tests {
		t.Run("NewVerifier refuses "+tt.name, func(t *testing.T) {
			_, err := NewVerifier([]byte(tt.pem))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestNewSignerRefuses(t *testing.T) {
	tests := []struct {
		name      string
		key, cert string
	}{
		{"a key that is not the certificate's", "other_key.pem", "issuer_cert.pem"},
		{"a certificate in place of the key", "issuer_cert.pem", "issuer_cert.pem"},
	}
	for _, tt := range tests {
		t.Run("NewSigner refuses "+tt.name, func(t *testing.T) {
			if _, err := NewSigner(readTestdata(t, tt.key), readTestdata(t, tt.cert)); err == nil {
				t.Error("got no error, want one")
			}
		})
	}
}

func TestSignatureVariantsVerify(t *testing.T) {
	tests := []struct {
		name, xml string
		prefix    string // of the signature's elements
		wantURI   string
	}{
		{"a signature without a namespace prefix, as DigiLocker writes it", `<Certificate number="1"><IssuedTo><Person name="A"/></IssuedTo></Certificate>`, "", `URI=""`},
		{"a root in a default namespace", `<Certificate xmlns="urn:example:cert" number="1"><IssuedTo><Person name="A"/></IssuedTo></Certificate>`, "ds", `URI=""`},
		{"a root with an ID, signed by reference to it", `<Certificate ID="c-1" number="1"/>`, "ds", `URI="#c-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" verifies", func(t *testing.T) {
			s := testSigner(t, "issuer")
			s.ctx.Prefix = tt.prefix
			b, err := s.Sign([]byte(tt.xml))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte(tt.wantURI)) {
				t.Errorf("got %s, want a Reference %s", b, tt.wantURI)
			}
			if err := testVerifier(t, "issuer_cert.pem").Verify(b); err != nil {
				t.Errorf("got error %v, want none", err)
			}
		})
	}
}
