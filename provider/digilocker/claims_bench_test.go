package digilocker

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// BenchmarkVerifyWithClaims is one row with all four claims on a PAN with
// a signed certificate, against the simulator: list, file, certificate.
func BenchmarkVerifyWithClaims(b *testing.B) {
	srv := httptest.NewServer(NewSimulator(SimConfig{ClientSecret: testSecret}))
	defer srv.Close()
	v, _ := certxml.NewVerifier([]byte(SimXMLCertPEM))
	c := New(Config{Endpoint: upstream.Endpoint{BaseURL: srv.URL}, ClientSecret: testSecret, XMLCert: v})
	row := providertest.Row("access_token", "verified-b1", "doctype", "PANCR", "document_number", "ABCDE1234F", "name", "Sunil Kumar", "dob", "31121970", "gender", "M")
	for b.Loop() {
		if res, err := c.Verify(context.Background(), row); err != nil || res.Code != bulkverify.CodeOK {
			b.Fatal(res.Code, err)
		}
	}
}
