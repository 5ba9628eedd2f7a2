package certxml

import (
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// Signer signs documents with an enveloped XML signature (RSA-SHA256,
// exclusive canonicalization, the certificate in KeyInfo), as DigiLocker
// signs its certificates. The simulator signs with it. It is safe for
// concurrent use.
type Signer struct {
	ctx *dsig.SigningContext
}

// NewSigner returns a Signer for an RSA private key and its certificate,
// both PEM.
func NewSigner(keyPEM, certPEM []byte) (*Signer, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("XML signing key and certificate: %w", err)
	}
	if _, ok := pair.PrivateKey.(*rsa.PrivateKey); !ok {
		return nil, errors.New("XML signing key: not an RSA key")
	}
	ctx := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(pair))
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	return &Signer{ctx: ctx}, nil
}

// Sign returns b with an enveloped signature of its root element appended
// to the root (as goxmldsig's SignEnveloped does, but leaving the
// document's attribute order as it was). It refuses what the package refuses (see the package doc).
func (s *Signer) Sign(b []byte) ([]byte, error) {
	if err := walk(b, nil); err != nil {
		return nil, fmt.Errorf("XML to sign: %w", err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return nil, fmt.Errorf("XML to sign: %w", err)
	}
	// Canonicalizing sorts a copy's attributes, not the document's.
	root := doc.Root()
	sig, err := s.ctx.ConstructSignature(root.Copy(), true)
	if err != nil {
		return nil, fmt.Errorf("sign XML: %w", err)
	}
	root.AddChild(sig)
	return doc.WriteToBytes()
}
