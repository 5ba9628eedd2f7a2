// Package certxml reads DigiLocker's certificate XML (the generic "XML
// certificate formats" structure) and e-Aadhaar XML safely, and checks
// their enveloped XML signature.
//
// Every reader refuses a document over MaxBytes, one nested deeper than
// MaxDepth and one with a DOCTYPE or ENTITY declaration: entities are never
// resolved. Errors say what is wrong with the document's structure and
// never repeat its values.
package certxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxBytes bounds a document: a certificate larger than this is refused.
const MaxBytes = 1 << 20

// MaxDepth bounds how deeply a document's elements may nest.
const MaxDepth = 32

// signatureTag is the element name of an XML signature. Whatever is inside
// one is not signed (the enveloped-signature transform removes it), so the
// readers never look there.
const signatureTag = "Signature"

// visitor is called for each start element outside any Signature, with the
// names of the open elements from the root down to it. It must not keep
// path.
type visitor func(path []string, el xml.StartElement) error

// walker is the state of one walk over a document.
type walker struct {
	visit    visitor
	path     []string
	sigDepth int // len(path) of the open Signature element, 0 outside one
	roots    int
}

// walk reads b token by token with encoding/xml in strict mode and no
// entity map, refusing what the package refuses, and calls visit (when not
// nil) for each start element outside a Signature.
func walk(b []byte, visit visitor) error {
	if len(b) > MaxBytes {
		return fmt.Errorf("the document is %d bytes, more than the %d-byte limit", len(b), MaxBytes)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	w := &walker{visit: visit}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return w.end()
		}
		if err != nil {
			return malformed(err)
		}
		if err := w.token(tok); err != nil {
			return err
		}
	}
}

func (w *walker) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.Directive:
		return errors.New("the document has a DOCTYPE or ENTITY declaration, which is never accepted")
	case xml.StartElement:
		return w.start(t)
	case xml.EndElement:
		if w.sigDepth == len(w.path) {
			w.sigDepth = 0
		}
		w.path = w.path[:len(w.path)-1]
	case xml.CharData:
		if len(w.path) == 0 && len(bytes.TrimSpace(t)) > 0 {
			return errors.New("the document has text outside its root element")
		}
	}
	return nil
}

func (w *walker) start(el xml.StartElement) error {
	if len(w.path) == 0 {
		if w.roots++; w.roots > 1 {
			return errors.New("the document has more than one root element")
		}
	}
	if len(w.path) >= MaxDepth {
		return fmt.Errorf("the document nests elements more than %d deep", MaxDepth)
	}
	w.path = append(w.path, el.Name.Local)
	if w.sigDepth == 0 && el.Name.Local == signatureTag {
		w.sigDepth = len(w.path)
	}
	if w.sigDepth != 0 || w.visit == nil {
		return nil
	}
	return w.visit(w.path, el)
}

func (w *walker) end() error {
	if w.roots == 0 {
		return errors.New("the document has no root element")
	}
	return nil
}

// malformed describes a decoding error without the document's text: a
// message about an entity reference would quote it.
func malformed(err error) error {
	var se *xml.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("the document is not well-formed XML: %w", err)
	}
	msg := se.Msg
	if strings.Contains(msg, "entity") {
		msg = "an undefined or malformed entity reference"
	}
	if len(msg) > 80 {
		msg = msg[:80] + "..."
	}
	return fmt.Errorf("the document is not well-formed XML at line %d: %s", se.Line, msg)
}

// attr returns the value of el's attribute named name (case-sensitive, in
// no namespace or any), or "" when it has none.
func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// isPath reports whether path is exactly names.
func isPath(path []string, names ...string) bool {
	if len(path) != len(names) {
		return false
	}
	for i, n := range names {
		if path[i] != n {
			return false
		}
	}
	return true
}

// person reads a Person or Poi element's name, dob and gender.
func person(el xml.StartElement) Person {
	return Person{Name: attr(el, "name"), DOB: attr(el, "dob"), Gender: attr(el, "gender")}
}
