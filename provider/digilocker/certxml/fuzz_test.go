package certxml

import (
	"os"
	"path/filepath"
	"testing"
)

func readTestdataFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", name))
}

// FuzzParseCertificate feeds the readers arbitrary documents: they never
// panic, and never accept one over MaxBytes.
func FuzzParseCertificate(f *testing.F) {
	for _, name := range []string{"pan_certificate.xml", "eaadhaar.xml"} {
		f.Add(readTestdata(f, name))
	}
	for _, tt := range hostile {
		if len(tt.xml) <= 4096 {
			f.Add([]byte(tt.xml))
		}
	}
	f.Add([]byte(`<Certificate><Signature><IssuedTo><Person name="x"/></IssuedTo></Signature></Certificate>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, errC := ParseCertificate(b)
		_, errE := ParseEAadhaar(b)
		if len(b) > MaxBytes && (errC == nil || errE == nil) {
			t.Fatalf("got a document of %d bytes accepted, want it refused", len(b))
		}
		if errC != nil && c != (Certificate{}) {
			t.Errorf("got %+v with error %v, want the zero Certificate", c, errC)
		}
	})
}
