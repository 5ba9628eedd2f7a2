package digilocker

import (
	"encoding/hex"
	"encoding/xml"
	"net/http"
)

// handleEAadhaar serves GET /oauth2/3/xml/eaadhaar ("Get e-Aadhaar Data in
// XML Format"): the holder's e-Aadhaar, signed, or the account's
// aadhaar_not_linked or aadhaar_not_available.
func (s *Simulator) handleEAadhaar(w http.ResponseWriter, r *http.Request) {
	c, ok := authorize(w, r)
	if !ok {
		return
	}
	if c.eaadhaarError != "" {
		writeError(w, c.eaadhaarError)
		return
	}
	key := xmlKey{eaadhaar: true, holder: c.holder, quirks: c.xml}
	body, err := s.cachedXML(key, func() ([]byte, error) { return eAadhaarXML(c.holder) })
	s.writeXML(w, c.xml, body, err)
}

// xmlEAadhaar is an e-Aadhaar as DigiLocker wraps it:
// Certificate/CertificateData/KycRes/UidData, less its Signature.
type xmlEAadhaar struct {
	XMLName xml.Name  `xml:"Certificate"`
	KycRes  xmlKycRes `xml:"CertificateData>KycRes"`
}

type xmlKycRes struct {
	Code    string     `xml:"code,attr"`
	Ret     string     `xml:"ret,attr"`
	TS      string     `xml:"ts,attr"`
	TTL     string     `xml:"ttl,attr"`
	Txn     string     `xml:"txn,attr"`
	UidData xmlUidData `xml:"UidData"`
}

type xmlUidData struct {
	Tkn string `xml:"tkn,attr"`
	UID string `xml:"uid,attr"`
	Poi xmlPoi `xml:"Poi"`
	Poa xmlPoa `xml:"Poa"`
	Pht string `xml:"Pht"`
}

type xmlPoi struct {
	DOB    string `xml:"dob,attr"`
	Gender string `xml:"gender,attr"`
	Name   string `xml:"name,attr"`
	Phone  string `xml:"phone,attr"`
	Email  string `xml:"email,attr"`
}

type xmlPoa struct {
	CO      string `xml:"co,attr"`
	Country string `xml:"country,attr"`
	Dist    string `xml:"dist,attr"`
	House   string `xml:"house,attr"`
	LM      string `xml:"lm,attr"`
	Loc     string `xml:"loc,attr"`
	PC      string `xml:"pc,attr"`
	PO      string `xml:"po,attr"`
	State   string `xml:"state,attr"`
	Street  string `xml:"street,attr"`
	Subdist string `xml:"subdist,attr"`
	VTC     string `xml:"vtc,attr"`
}

// eAadhaarXML returns the unsigned e-Aadhaar of h, its Aadhaar number
// masked but for the last four digits.
func eAadhaarXML(h SimHolder) ([]byte, error) {
	sum := h.digest("kyc")
	return marshalXML(xmlEAadhaar{KycRes: xmlKycRes{
		Code: hex.EncodeToString(sum[:16]), Ret: "Y",
		TS: "2024-03-11T10:32:17.532+05:30", TTL: "2025-03-11T10:32:17", Txn: "UKC:" + hex.EncodeToString(sum[16:22]),
		UidData: xmlUidData{
			UID: h.maskedUID(),
			Poi: xmlPoi{DOB: h.dashedDOB(), Gender: h.Gender, Name: h.EAadhaar},
			Poa: xmlPoa{Country: "India", Dist: "New Delhi", Loc: "ITO", PC: "110002", PO: "Indraprastha", State: "Delhi", VTC: "New Delhi"},
		},
	}})
}
