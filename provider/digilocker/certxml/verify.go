package certxml

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// ErrUnsigned is Verify's error for a document without an XML signature.
var ErrUnsigned = errors.New("the document has no XML signature")

// Verifier checks a document's enveloped XML signature against trusted
// certificates. It is safe for concurrent use.
type Verifier struct {
	certs []*x509.Certificate
}

// NewVerifier returns a Verifier that trusts the certificates of certPEM:
// one or more PEM CERTIFICATE blocks. Its error names what is wrong.
func NewVerifier(certPEM []byte) (*Verifier, error) {
	var certs []*x509.Certificate
	for rest := certPEM; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		c, err := parseCertBlock(block, len(certs)+1)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("XML signing certificate: no PEM CERTIFICATE block found")
	}
	return &Verifier{certs: certs}, nil
}

func parseCertBlock(block *pem.Block, n int) (*x509.Certificate, error) {
	if block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("XML signing certificate: PEM block %d is a %q, want a CERTIFICATE", n, block.Type)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("XML signing certificate: PEM block %d: %w", n, err)
	}
	return c, nil
}

// Verify checks that b carries an enveloped XML signature of its root
// element (a single Signature, child of the root, whose every Reference is
// "" or the root's ID) that verifies against one of v's certificates, each
// valid now. It returns ErrUnsigned when b has no Signature, and another
// error when b is refused (see the package doc) or its signature does not
// verify.
func (v *Verifier) Verify(b []byte) error {
	if err := walk(b, nil); err != nil {
		return fmt.Errorf("signed XML: %w", err)
	}
	return v.VerifyRead(b)
}

// VerifyRead is Verify for a document that ParseCertificate or
// ParseEAadhaar has read without error: it has passed the size, depth and
// declaration checks, so they are not made again. Given other bytes it is
// not safe.
func (v *Verifier) VerifyRead(b []byte) error {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return fmt.Errorf("signed XML: %w", err)
	}
	root := doc.Root()
	if err := checkEnveloped(root); err != nil {
		return err
	}
	var last error
	for _, c := range v.certs {
		ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{c}})
		if _, last = ctx.Validate(root); last == nil {
			return nil
		}
	}
	return fmt.Errorf("the XML signature does not verify against the configured certificate: %w", last)
}

// checkEnveloped returns ErrUnsigned when root holds no XML signature, and
// an error unless it holds exactly one, as a child of root, that signs root
// as a whole: so the verified element is the one the readers read.
func checkEnveloped(root *etree.Element) error {
	sigs := signatures(root, nil)
	switch {
	case len(sigs) == 0:
		return ErrUnsigned
	case len(sigs) > 1:
		return fmt.Errorf("the document has %d XML signatures, want one", len(sigs))
	case sigs[0].Parent() != root:
		return errors.New("the XML signature is not a child of the root element")
	}
	id := root.SelectAttrValue(dsig.DefaultIdAttr, "")
	for _, ref := range children(sigs[0], dsig.SignedInfoTag, dsig.ReferenceTag) {
		uri := ref.SelectAttrValue(dsig.URIAttr, "")
		if uri != "" && (id == "" || uri != "#"+id) {
			return errors.New("the XML signature signs another element than the whole document")
		}
	}
	return nil
}

// signatures appends to found every element under el (el included) that is
// a Signature in the XML-DSig namespace.
func signatures(el *etree.Element, found []*etree.Element) []*etree.Element {
	if el.Tag == dsig.SignatureTag && el.NamespaceURI() == dsig.Namespace {
		found = append(found, el)
	}
	for _, c := range el.ChildElements() {
		found = signatures(c, found)
	}
	return found
}

// children returns the elements at the path of tags below el, whatever
// their namespace prefix.
func children(el *etree.Element, tags ...string) []*etree.Element {
	level := []*etree.Element{el}
	for _, tag := range tags {
		var next []*etree.Element
		for _, e := range level {
			for _, c := range e.ChildElements() {
				if c.Tag == tag {
					next = append(next, c)
				}
			}
		}
		level = next
	}
	return level
}
