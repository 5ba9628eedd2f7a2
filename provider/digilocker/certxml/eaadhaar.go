package certxml

import (
	"encoding/xml"
	"errors"
	"fmt"
)

// EAadhaar is what the adapter reads of an e-Aadhaar XML: UidData@uid, the
// Aadhaar number as DigiLocker masks it (e.g. xxxxxxxx4321), and the holder
// of UidData/Poi (Holder is zero when there is no Poi).
type EAadhaar struct {
	UID    string
	Holder Person
}

// ParseEAadhaar reads an e-Aadhaar XML. UidData may be anywhere in the
// document (DigiLocker wraps it in Certificate/CertificateData/KycRes),
// but only once; Poi must be its child, at most once. It refuses a document
// without UidData and whatever the package refuses (see the package doc).
func ParseEAadhaar(b []byte) (EAadhaar, error) {
	var e EAadhaar
	uidData, poi := 0, 0
	err := walk(b, func(path []string, el xml.StartElement) error {
		switch {
		case el.Name.Local == "UidData":
			if uidData++; uidData > 1 {
				return errors.New("the document has more than one UidData")
			}
			e.UID = attr(el, "uid")
		case el.Name.Local == "Poi" && len(path) > 1 && path[len(path)-2] == "UidData":
			if poi++; poi > 1 {
				return errors.New("the UidData has more than one Poi")
			}
			e.Holder = person(el)
		}
		return nil
	})
	if err == nil && uidData == 0 {
		err = errors.New("the document has no UidData element")
	}
	if err != nil {
		return EAadhaar{}, fmt.Errorf("e-Aadhaar XML: %w", err)
	}
	return e, nil
}
