package digilocker

// The simulated accounts. An access token names its account by the part
// before its first '-': "verified-000123" is an access token of
// AccountVerified; every token is a different user of the same account
// kind. Unless said otherwise an account's user is SimUser, "Sunil Kumar",
// born 31121970 (the spec's sample), whose documents name him as
// SimUserHolder does, and its locker holds the issued documents of
// AccountVerified: HSCER and ADHAR as PDF only, INCER, PANCR and DRVLC as
// PDF and certificate XML (GET /oauth2/1/xml/{uri}, signed with the key of
// SimXMLCertPEM). Every account but invalid, expiredtoken, notlinked and
// noaadhaar also has an e-Aadhaar (GET /oauth2/3/xml/eaadhaar). A row
// "with a claim" declares document_number, name, dob or gender.
//
//	account        behaviour                                         row outcome
//	verified       HSCER, INCER, PANCR, DRVLC, ADHAR, good hmac      VERIFIED/OK
//	person         token person-<k>-...: the user is SimHolders      VERIFIED/OK with the holder's claims;
//	               [k % len]; PANCR, DRVLC with XML, ADHAR, HSCER    NAME_MISMATCH etc. with another's
//	missing        holds only HSCER                                  NOT_VERIFIED/DOCUMENT_NOT_FOUND (other doctypes)
//	tampered       file's hmac computed over other bytes             NOT_VERIFIED/INTEGRITY_FAILED
//	invalid        every call 401 invalid_token                      FAILED/TOKEN_INVALID
//	expiredtoken   every call 401 invalid_token (the token expired); FAILED/TOKEN_INVALID; with refresh_token
//	               refresh token refresh-verified-x works            refresh-verified-x and CLIENT_ID set, VERIFIED/OK
//	noscope        file 403 insufficient_scope                       FAILED/CONSENT_REQUIRED
//	gone           file 404 invalid_uri                              NOT_VERIFIED/DOCUMENT_NOT_FOUND
//	flaky          first file call per token 500                     transient, then VERIFIED/OK
//	               repository_service_unresponsive
//	down           file 503 repository_service_inactive              transient (UPSTREAM_UNAVAILABLE)
//	partner        list 500 "partner_service_unresponsive "          transient
//	unpublished    file 503 repository_service_unpublished           transient
//	configerror    file 500 repository_service_configerror           transient
//	resperror      file 500 repository_service_resperror             transient
//	exception      file 500 repository_service_exception             transient
//	unresponsive   file 500 repository_service_unresponsive          transient
//	urimissing     file 400 uri_missing                              FAILED/UPSTREAM_REJECTED
//	userscope      user 403 insufficient_scope                       FAILED/CONSENT_REQUIRED with name/dob from the
//	                                                                 profile, else VERIFIED/OK
//	usererror      user 500 unexpected_error                         transient with name/dob from the profile,
//	                                                                 else VERIFIED/OK
//	listerror      list 500 unexpected_error                         transient
//	expired        DRVLC certificate's expiryDate 01-01-2020         DRVLC with a claim: NOT_VERIFIED/DOCUMENT_EXPIRED
//	revoked        every certificate's status "R"                    with a claim: NOT_VERIFIED/DOCUMENT_REVOKED
//	noxml          no item lists application/xml; /xml 404          with a claim: VERIFIED/OK, claims_source uri|profile
//	               invalid_uri
//	xmltampered    every XML answer's hmac over other bytes          with a claim: NOT_VERIFIED/INTEGRITY_FAILED
//	unsigned       every XML answer has no signature                 with a claim and XML_CERT set:
//	                                                                 NOT_VERIFIED/INTEGRITY_FAILED, else VERIFIED/OK
//	badsig         every XML answer's dob altered after signing      with a claim and XML_CERT set:
//	               (the hmac matches the altered bytes)              NOT_VERIFIED/INTEGRITY_FAILED
//	notlinked      e-Aadhaar 404 aadhaar_not_linked; profile         ADHAR with a claim: NOT_VERIFIED/AADHAAR_NOT_LINKED
//	               eaadhaar "N"
//	noaadhaar      e-Aadhaar 404 aadhaar_not_available; profile      ADHAR with a claim:
//	               eaadhaar "N"                                      NOT_VERIFIED/AADHAAR_NOT_AVAILABLE
//	nogender       no XML, no e-Aadhaar; the profile gives no        gender claimed: NOT_VERIFIED/CLAIM_UNVERIFIABLE
//	               gender                                            (gender_match UNAVAILABLE)
//
// An unknown account, a person token whose k is not a decimal number, or a
// request without a bearer token, gets 401 invalid_token. A file URI the
// locker does not hold gets 404 invalid_uri, and so does an XML URI whose
// item does not list application/xml.
//
// The refresh grant (POST /oauth2/1/token) takes HTTP Basic with the
// configured client id and secret, and a refresh token
// refresh-<account>-<anything> of a known account (for person,
// refresh-person-<k>-<anything>); it answers the new access token
// <account>-refreshed-<anything> (person-<k>-refreshed-<anything>), of the
// same account, and a new refresh token of the same form.
const (
	AccountVerified     = "verified"
	AccountPerson       = "person"
	AccountMissing      = "missing"
	AccountTampered     = "tampered"
	AccountInvalid      = "invalid"
	AccountExpiredToken = "expiredtoken"
	AccountNoScope      = "noscope"
	AccountGone         = "gone"
	AccountFlaky        = "flaky"
	AccountDown         = "down"
	AccountPartner      = "partner"
	AccountUnpublished  = "unpublished"
	AccountConfigError  = "configerror"
	AccountRespError    = "resperror"
	AccountException    = "exception"
	AccountUnresponsive = "unresponsive"
	AccountURIMissing   = "urimissing"
	AccountUserScope    = "userscope"
	AccountUserError    = "usererror"
	AccountListError    = "listerror"
	AccountExpired      = "expired"
	AccountRevoked      = "revoked"
	AccountNoXML        = "noxml"
	AccountXMLTampered  = "xmltampered"
	AccountUnsigned     = "unsigned"
	AccountBadSig       = "badsig"
	AccountNotLinked    = "notlinked"
	AccountNoAadhaar    = "noaadhaar"
	AccountNoGender     = "nogender"
)

// SimUser is the user of every simulated account but AccountPerson: the
// spec's sample.
var SimUser = User{
	DigiLockerID: "123e4567-e89b-12d3-a456-426655440000",
	Name:         "Sunil Kumar",
	DOB:          "31121970",
	Gender:       "M",
	EAadhaar:     "Y",
	ReferenceKey: "2a33349e7e606a8ad2e30e3c84521f9377450cf09083e162e0a9b1480ce0f972",
}

// simItem is an issued document as the simulator sends it: mime is a string
// or a list, and some values keep the sample's leading spaces.
type simItem struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Size        string `json:"size"`
	Date        string `json:"date"`
	Parent      string `json:"parent"`
	MIME        any    `json:"mime"`
	URI         string `json:"uri"`
	DocType     string `json:"doctype"`
	Description string `json:"description"`
	IssuerID    string `json:"issuerid"`
	Issuer      string `json:"issuer"`
}

// pdfAndXML is the mime of an item that has certificate XML.
var pdfAndXML = []string{"application/pdf", "application/xml"}

// simDocs are the issued documents of AccountVerified: the two items of the
// spec's sample response, then three more.
var simDocs = []simItem{
	{"Class XII Marksheet", "file", "", " 2015-05-12T15:50:38Z", "", "application/pdf",
		"in.gov.cbse-HSCER-201412345678", "HSCER", "Class XII Marksheet", "in.gov.cbse", "CBSE"},
	{"Income Certificate", "file", "", " 2015-05-12T15:50:38Z", "", pdfAndXML,
		" in.gov.delhi-INCER-98765432", "INCER", "Income Certificate", "in.gov.delhi", "Delhi eDistrict"},
	{"PAN Verification Record", "file", "", " 2021-08-17T10:12:03Z", "", pdfAndXML,
		"in.gov.pan-PANCR-ABCDE1234F", "PANCR", "PAN Verification Record", "in.gov.pan", "Income Tax Department"},
	{"Driving License", "file", "", " 2023-01-09T06:41:55Z", "", pdfAndXML,
		"in.gov.transport-DRVLC-DL0120230100001", "DRVLC", "Driving License", "in.gov.transport", "Ministry of Road Transport and Highways"},
	{"Aadhaar Card", "file", "", " 2020-03-25T09:00:00Z", "", "application/pdf",
		"in.gov.uidai-ADHAR-7f3c9a1e5b2d4c60", "ADHAR", "Aadhaar Card", "in.gov.uidai", "Unique Identification Authority of India"},
}

// simNoGenderHolder is SimUserHolder whose records give no gender.
var simNoGenderHolder = func() SimHolder { h := SimUserHolder; h.Gender = ""; return h }()

// simDocsNoXML are simDocs with no certificate XML listed.
var simDocsNoXML = pdfOnly(simDocs)

func pdfOnly(docs []simItem) []simItem {
	out := make([]simItem, len(docs))
	for i, d := range docs {
		d.MIME = "application/pdf"
		out[i] = d
	}
	return out
}

// behaviour is how a simulated account answers: an error code per API
// ("" for a normal answer) and the file and XML quirks.
type behaviour struct {
	docs          []simItem
	person        bool       // the holder is SimHolders[k] of the token person-<k>-...
	holder        *SimHolder // the holder, when not SimUserHolder
	refused       bool       // every call 401 invalid_token
	userError     string
	listError     string
	fileError     string
	eaadhaarError string
	tampered      bool // the file's hmac header is computed over other bytes
	flaky         bool // the first file request of each token fails
	xml           xmlQuirks
}

// xmlQuirks are how an account's certificate and e-Aadhaar XML differ from
// good ones.
type xmlQuirks struct {
	tampered bool // the hmac header is computed over other bytes
	unsigned bool // no signature
	badSig   bool // the holder's dob altered after signing
	revoked  bool // every certificate's status is R
	expired  bool // the DRVLC certificate expired on 01-01-2020
}

var accounts = map[string]behaviour{
	AccountVerified:     {docs: simDocs},
	AccountPerson:       {person: true},
	AccountMissing:      {docs: simDocs[:1]},
	AccountTampered:     {docs: simDocs, tampered: true},
	AccountInvalid:      {refused: true},
	AccountExpiredToken: {refused: true},
	AccountNoScope:      {docs: simDocs, fileError: "insufficient_scope"},
	AccountGone:         {docs: simDocs, fileError: "invalid_uri"},
	AccountFlaky:        {docs: simDocs, flaky: true},
	AccountDown:         {docs: simDocs, fileError: "repository_service_inactive"},
	AccountPartner:      {docs: simDocs, listError: "partner_service_unresponsive"},
	AccountUnpublished:  {docs: simDocs, fileError: "repository_service_unpublished"},
	AccountConfigError:  {docs: simDocs, fileError: "repository_service_configerror"},
	AccountRespError:    {docs: simDocs, fileError: "repository_service_resperror"},
	AccountException:    {docs: simDocs, fileError: "repository_service_exception"},
	AccountUnresponsive: {docs: simDocs, fileError: "repository_service_unresponsive"},
	AccountURIMissing:   {docs: simDocs, fileError: "uri_missing"},
	AccountUserScope:    {docs: simDocs, userError: "insufficient_scope"},
	AccountUserError:    {docs: simDocs, userError: "unexpected_error"},
	AccountListError:    {docs: simDocs, listError: "unexpected_error"},
	AccountExpired:      {docs: simDocs, xml: xmlQuirks{expired: true}},
	AccountNoGender:     {docs: simDocsNoXML, holder: &simNoGenderHolder, eaadhaarError: "aadhaar_not_linked"},
	AccountRevoked:      {docs: simDocs, xml: xmlQuirks{revoked: true}},
	AccountNoXML:        {docs: simDocsNoXML},
	AccountXMLTampered:  {docs: simDocs, xml: xmlQuirks{tampered: true}},
	AccountUnsigned:     {docs: simDocs, xml: xmlQuirks{unsigned: true}},
	AccountBadSig:       {docs: simDocs, xml: xmlQuirks{badSig: true}},
	AccountNotLinked:    {docs: simDocs, eaadhaarError: "aadhaar_not_linked"},
	AccountNoAadhaar:    {docs: simDocs, eaadhaarError: "aadhaar_not_available"},
}
