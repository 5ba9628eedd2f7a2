package digilocker

import (
	"encoding/xml"
	"strings"
)

// xmlCertificate is a certificate in DigiLocker's generic structure ("XML
// certificate formats"), less its Signature.
type xmlCertificate struct {
	XMLName       xml.Name        `xml:"Certificate"`
	Language      string          `xml:"language,attr"`
	Name          string          `xml:"name,attr"`
	Type          string          `xml:"type,attr"`
	Number        string          `xml:"number,attr"`
	PrevNumber    string          `xml:"prevCertificateNumber,attr"`
	ExpiryDate    string          `xml:"expiryDate,attr"`
	ValidFromDate string          `xml:"validFromDate,attr"`
	IssuedAt      string          `xml:"issuedAt,attr"`
	IssueDate     string          `xml:"issueDate,attr"`
	Status        string          `xml:"status,attr"`
	IssuedBy      xmlOrganization `xml:"IssuedBy>Organization"`
	IssuedTo      xmlPerson       `xml:"IssuedTo>Person"`
	Data          string          `xml:"CertificateData"`
}

type xmlOrganization struct {
	Name    string     `xml:"name,attr"`
	Code    string     `xml:"code,attr"`
	TIN     string     `xml:"tin,attr"`
	UID     string     `xml:"uid,attr"`
	Type    string     `xml:"type,attr"`
	Address xmlAddress `xml:"Address"`
}

type xmlPerson struct {
	UID              string     `xml:"uid,attr"`
	Title            string     `xml:"title,attr"`
	Name             string     `xml:"name,attr"`
	DOB              string     `xml:"dob,attr"`
	Age              string     `xml:"age,attr"`
	SWD              string     `xml:"swd,attr"`
	SWDIndicator     string     `xml:"swdIndicator,attr"`
	MotherName       string     `xml:"motherName,attr"`
	Gender           string     `xml:"gender,attr"`
	MaritalStatus    string     `xml:"maritalStatus,attr"`
	RelationWithHead string     `xml:"relationWithHead,attr"`
	DisabilityStatus string     `xml:"disabilityStatus,attr"`
	Category         string     `xml:"category,attr"`
	Religion         string     `xml:"religion,attr"`
	Phone            string     `xml:"phone,attr"`
	Email            string     `xml:"email,attr"`
	Address          xmlAddress `xml:"Address"`
	Photo            xmlPhoto   `xml:"Photo"`
}

type xmlAddress struct {
	Type     string `xml:"type,attr"`
	Line1    string `xml:"line1,attr"`
	Line2    string `xml:"line2,attr"`
	House    string `xml:"house,attr"`
	Landmark string `xml:"landmark,attr"`
	Locality string `xml:"locality,attr"`
	VTC      string `xml:"vtc,attr"`
	District string `xml:"district,attr"`
	Pin      string `xml:"pin,attr"`
	State    string `xml:"state,attr"`
	Country  string `xml:"country,attr"`
}

type xmlPhoto struct {
	Format string `xml:"format,attr"`
	Data   string `xml:",chardata"`
}

// certKind is what a doctype's certificates share.
type certKind struct {
	issuedAt, issueDate, expiryDate string
	org                             xmlOrganization
}

var delhi = xmlAddress{Type: "permanent", Locality: "ITO", VTC: "New Delhi", District: "New Delhi", Pin: "110002", State: "Delhi", Country: "IN"}

// certKinds are the certificates of the simulated doctypes with XML.
var certKinds = map[string]certKind{
	"PANCR": {"Income Tax Department", "17-08-2021", "", xmlOrganization{Name: "Income Tax Department", Code: "ITD", Type: "CG",
		Address: xmlAddress{Type: "permanent", Line1: "Aayakar Bhawan", Locality: "Churchgate", VTC: "Mumbai", District: "Mumbai", Pin: "400020", State: "Maharashtra", Country: "IN"}}},
	"DRVLC": {"New Delhi", "09-01-2023", "08-01-2043", xmlOrganization{Name: "Transport Department, Government of NCT of Delhi", Code: "DL01", Type: "SG", Address: delhi}},
	"INCER": {"New Delhi", "12-05-2015", "", xmlOrganization{Name: "Revenue Department, Government of NCT of Delhi", Code: "REV", Type: "SG", Address: delhi}},
}

// certificateXML returns the unsigned certificate of doc, issued to h: its
// number is the document id part of the uri (issuerid-DOCTYPE-docid).
func certificateXML(doc simItem, h SimHolder, q xmlQuirks) ([]byte, error) {
	kind, ok := certKinds[doc.DocType]
	if !ok {
		kind = certKind{issuedAt: doc.Issuer, org: xmlOrganization{Name: doc.Issuer}}
	}
	_, number, _ := strings.Cut(strings.TrimSpace(doc.URI), "-"+doc.DocType+"-")
	c := xmlCertificate{
		Language: "99", Name: doc.Name, Type: doc.DocType, Number: number, ExpiryDate: kind.expiryDate,
		IssuedAt: kind.issuedAt, IssueDate: kind.issueDate, Status: "A", IssuedBy: kind.org,
		IssuedTo: xmlPerson{Name: h.Certificate, DOB: h.dashedDOB(), Gender: h.Gender, Address: delhi, Photo: xmlPhoto{Format: "jpg"}},
	}
	if q.revoked {
		c.Status = "R"
	}
	if q.expired && doc.DocType == "DRVLC" {
		c.ExpiryDate = "01-01-2020"
	}
	return marshalXML(c)
}
