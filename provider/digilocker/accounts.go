package digilocker

// The simulated accounts. An access token names its account by the part
// before its first '-': "verified-000123" is an access token of
// AccountVerified; every token is a different user of the same account
// kind. Unless said otherwise an account's user is "Sunil Kumar", born
// 31121970 (the spec's sample), and its locker holds the issued documents of
// AccountVerified.
//
//	account        behaviour                                         row outcome
//	verified       HSCER, INCER, PANCR, DRVLC, ADHAR, good hmac      VERIFIED/OK
//	missing        holds only HSCER                                  NOT_VERIFIED/DOCUMENT_NOT_FOUND (other doctypes)
//	tampered       hmac computed over other bytes                    NOT_VERIFIED/INTEGRITY_FAILED
//	invalid        every call 401 invalid_token                      FAILED/TOKEN_INVALID
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
//	userscope      user 403 insufficient_scope                       FAILED/CONSENT_REQUIRED with name/dob, else VERIFIED/OK
//	usererror      user 500 unexpected_error                         transient with name/dob, else VERIFIED/OK
//	listerror      list 500 unexpected_error                         transient
//
// An unknown account, or a request without a bearer token, gets 401
// invalid_token. A file URI the locker does not hold gets 404 invalid_uri.
const (
	AccountVerified     = "verified"
	AccountMissing      = "missing"
	AccountTampered     = "tampered"
	AccountInvalid      = "invalid"
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
)

// SimUser is the user of every simulated account: the spec's sample.
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

// simDocs are the issued documents of AccountVerified: the two items of the
// spec's sample response, then three more.
var simDocs = []simItem{
	{"Class XII Marksheet", "file", "", " 2015-05-12T15:50:38Z", "", "application/pdf",
		"in.gov.cbse-HSCER-201412345678", "HSCER", "Class XII Marksheet", "in.gov.cbse", "CBSE"},
	{"Income Certificate", "file", "", " 2015-05-12T15:50:38Z", "", []string{"application/pdf", "application/xml"},
		" in.gov.delhi-INCER-98765432", "INCER", "Income Certificate", "in.gov.delhi", "Delhi eDistrict"},
	{"PAN Verification Record", "file", "", " 2021-08-17T10:12:03Z", "", []string{"application/pdf", "application/xml"},
		"in.gov.pan-PANCR-ABCDE1234F", "PANCR", "PAN Verification Record", "in.gov.pan", "Income Tax Department"},
	{"Driving License", "file", "", " 2023-01-09T06:41:55Z", "", []string{"application/pdf", "application/xml"},
		"in.gov.transport-DRVLC-DL0120230100001", "DRVLC", "Driving License", "in.gov.transport", "Ministry of Road Transport and Highways"},
	{"Aadhaar Card", "file", "", " 2020-03-25T09:00:00Z", "", "application/pdf",
		"in.gov.uidai-ADHAR-7f3c9a1e5b2d4c60", "ADHAR", "Aadhaar Card", "in.gov.uidai", "Unique Identification Authority of India"},
}

// behaviour is how a simulated account answers: an error code per API
// ("" for a normal answer) and the file quirks.
type behaviour struct {
	docs      []simItem
	userError string
	listError string
	fileError string
	tampered  bool // the hmac header is computed over other bytes
	flaky     bool // the first file request of each token fails
}

var accounts = map[string]behaviour{
	AccountVerified:     {docs: simDocs},
	AccountMissing:      {docs: simDocs[:1]},
	AccountTampered:     {docs: simDocs, tampered: true},
	AccountInvalid:      {}, // refused by authorize on every call
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
}
