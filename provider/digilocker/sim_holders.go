package digilocker

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
)

// SimHolder is a simulated document holder: their name as the DigiLocker
// profile (GET /oauth2/1/user), the certificates (IssuedTo/Person@name) and
// the e-Aadhaar (UidData/Poi@name) write it, which differ the way real
// records of one person do; their date of birth (DDMMYYYY), gender (M, F or
// T), PAN, driving licence number and 12-digit Aadhaar number.
type SimHolder struct {
	Profile, Certificate, EAadhaar string
	DOB                            string
	Gender                         string
	PAN, Licence, Aadhaar          string
}

// SimUserHolder is the holder of every account but AccountPerson: SimUser,
// as his documents name him. His e-Aadhaar's uid is xxxxxxxx4321.
var SimUserHolder = SimHolder{
	Profile: "Sunil Kumar", Certificate: "SUNIL KUMAR", EAadhaar: "Sunil Kumar",
	DOB: "31121970", Gender: "M",
	PAN: "ABCDE1234F", Licence: "DL0120230100001", Aadhaar: "123456784321",
}

// SimHolders are the holders of AccountPerson: the token person-<k>-...
// is SimHolders[k % len(SimHolders)]. A careful matcher of Indian names
// says each one's three names are the same person: they differ by an
// honorific, case, token order, an initial or a common transliteration.
var SimHolders = []SimHolder{
	{"Rajesh Kumar", "Shri Rajesh Kumar", "Rajesh Kumar", "15081985", "M", "BNZPK4821L", "MH1220150012345", "234567891234"},
	{"Anil Kumar", "KUMAR ANIL", "Anil Kumar", "02031979", "M", "AFKPK7310Q", "UP3220090045678", "345678912345"},
	{"Mohammed Irfan", "MOHAMMAD IRFAN", "Mohammad Irfan", "21061992", "M", "CQJPI5527H", "KA0320140078901", "456789123456"},
	{"Lakshmi Devi", "Laxmi Devi", "Lakshmi Devi", "11111965", "F", "DHMPD9043K", "TN0920100023456", "567891234567"},
	{"Pooja Sharma", "Puja Sharma", "Pooja Sharma", "07041996", "F", "EYRPS2231M", "RJ1420180034567", "678912345678"},
	{"Lakshmi Narayanan Ramesh", "R. Lakshmi Narayanan", "Lakshmi Narayanan R", "25121988", "M", "FGLPR6605B", "TN0120120056789", "789123456789"},
	{"Kalki Subramaniam", "KALKI SUBRAMANIAM", "Kalki Subramaniam", "18081980", "T", "GKTPS3318D", "TN3720110067890", "891234567891"},
	{"Priya Venkatesh", "Smt. Priya Venkatesh", "Priya Venkatesh", "30091991", "F", "HBWPV8842E", "KA0520160089012", "912345678912"},
	{"Harpreet Kaur", "Kumari Harpreet Kaur", "HARPREET KAUR", "14021999", "F", "JCVPK1179G", "PB1020190090123", "298765432109"},
	{"Deepak Verma", "Dipak Verma", "Deepak Verma", "09101983", "M", "KDSPV4456J", "MP0920080012340", "387654321098"},
	{"Firoz Khan", "Phiroz Khan", "Firoz Khan", "01011975", "M", "LMNPK7789C", "GJ0120050023451", "476543210987"},
	{"Vishwanath Iyer", "VISHVANATH IYER", "Vishwanath Iyer", "12071968", "M", "MPQPI2214N", "MH0219990034562", "565432109876"},
}

// holderAt returns the holder of k, as AccountPerson picks it.
func holderAt(k uint64) SimHolder { return SimHolders[k%uint64(len(SimHolders))] }

// user returns the holder's DigiLocker profile; eaadhaar is its eaadhaar
// field, Y or N.
func (h SimHolder) user(eaadhaar string) User {
	if h == SimUserHolder {
		u := SimUser
		u.EAadhaar = eaadhaar
		return u
	}
	sum := h.digest("profile")
	id := hex.EncodeToString(sum[:16])
	return User{
		DigiLockerID: fmt.Sprintf("%s-%s-%s-%s-%s", id[:8], id[8:12], id[12:16], id[16:20], id[20:32]),
		Name:         h.Profile, DOB: h.DOB, Gender: h.Gender, EAadhaar: eaadhaar,
		ReferenceKey: hex.EncodeToString(sum[:]),
	}
}

// docs returns the issued documents of a person's locker: HSCER and ADHAR
// as PDF only, PANCR and DRVLC with certificate XML.
func (h SimHolder) docs() []simItem {
	adhar, roll := h.digest("ADHAR"), h.digest("HSCER")
	year, _ := strconv.Atoi(h.DOB[max(0, len(h.DOB)-4):])
	return []simItem{
		{"Class XII Marksheet", "file", "", " 2015-05-12T15:50:38Z", "", "application/pdf",
			fmt.Sprintf("in.gov.cbse-HSCER-%d%08d", year+18, binary.BigEndian.Uint32(roll[:])%100000000), "HSCER", "Class XII Marksheet", "in.gov.cbse", "CBSE"},
		{"PAN Verification Record", "file", "", " 2021-08-17T10:12:03Z", "", pdfAndXML,
			"in.gov.pan-PANCR-" + h.PAN, "PANCR", "PAN Verification Record", "in.gov.pan", "Income Tax Department"},
		{"Driving License", "file", "", " 2023-01-09T06:41:55Z", "", pdfAndXML,
			"in.gov.transport-DRVLC-" + h.Licence, "DRVLC", "Driving License", "in.gov.transport", "Ministry of Road Transport and Highways"},
		{"Aadhaar Card", "file", "", " 2020-03-25T09:00:00Z", "", "application/pdf",
			"in.gov.uidai-ADHAR-" + hex.EncodeToString(adhar[:8]), "ADHAR", "Aadhaar Card", "in.gov.uidai", "Unique Identification Authority of India"},
	}
}

// digest derives a holder's stable identifiers from their Aadhaar number.
func (h SimHolder) digest(what string) [32]byte {
	return sha256.Sum256([]byte(what + "/" + h.Aadhaar))
}

// maskedUID is the holder's Aadhaar number as the e-Aadhaar's uid masks it.
func (h SimHolder) maskedUID() string {
	if len(h.Aadhaar) < 4 {
		return h.Aadhaar
	}
	return "xxxxxxxx" + h.Aadhaar[len(h.Aadhaar)-4:]
}

// dashedDOB is the holder's date of birth as the XML writes it, DD-MM-YYYY.
func (h SimHolder) dashedDOB() string { return dashed(h.DOB) }

// dashed turns DDMMYYYY into DD-MM-YYYY; other values stay as they are.
func dashed(ddmmyyyy string) string {
	if len(ddmmyyyy) != 8 {
		return ddmmyyyy
	}
	return ddmmyyyy[:2] + "-" + ddmmyyyy[2:4] + "-" + ddmmyyyy[4:]
}
