package certxml

import (
	"encoding/xml"
	"errors"
	"fmt"
)

// Person is a document's holder, as the document writes them: Name, DOB
// (DigiLocker writes DD-MM-YYYY) and Gender (M, F or T), untrimmed.
type Person struct{ Name, DOB, Gender string }

// Certificate is what the adapter reads of a certificate in DigiLocker's
// generic structure: the attributes type, number, status, expiryDate
// (DD-MM-YYYY, empty when it does not expire) and issueDate of the root
// <Certificate>, and its holder, IssuedTo/Person. Holder is zero when the
// certificate names no person.
type Certificate struct {
	Type, Number, Status, ExpiryDate, IssueDate string
	Holder                                      Person
}

// ParseCertificate reads a certificate XML. It refuses a document whose
// root is not <Certificate>, one with more than one IssuedTo/Person, and
// whatever the package refuses (see the package doc).
func ParseCertificate(b []byte) (Certificate, error) {
	var c Certificate
	people := 0
	err := walk(b, func(path []string, el xml.StartElement) error {
		switch {
		case len(path) == 1 && el.Name.Local != "Certificate":
			return fmt.Errorf("the root element is <%.40s>, want <Certificate>", el.Name.Local)
		case len(path) == 1:
			c.Type, c.Number, c.Status = attr(el, "type"), attr(el, "number"), attr(el, "status")
			c.ExpiryDate, c.IssueDate = attr(el, "expiryDate"), attr(el, "issueDate")
		case isPath(path, "Certificate", "IssuedTo", "Person"):
			if people++; people > 1 {
				return errors.New("the certificate has more than one IssuedTo/Person")
			}
			c.Holder = person(el)
		}
		return nil
	})
	if err != nil {
		return Certificate{}, fmt.Errorf("certificate XML: %w", err)
	}
	return c, nil
}
