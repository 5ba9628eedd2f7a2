package sila

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// The simulated users. A user_handle names its user's kind by the part
// before its first '.' or '-': "complete-0001" and
// "complete.ann.silamoney.eth" are users of UserComplete, each a different
// user with documents of its own (ids and hashes derive from the handle).
// Document types are listed in the created order shown. Every document's
// user_handle is the listed user's, except where the table says another
// user's.
//
//	kind       documents or behaviour                             row outcome
//	user       the seed's sample: id_passport "passport_2017"     VERIFIED/OK for id_passport
//	complete   id_drivers_license, id_passport, doc_utility,      VERIFIED/OK for any of them, the
//	           doc_bank_statement, doc_ssn_card,                  renewed licence the evidence of
//	           id_drivers_license (renewed), doc_w2               id_drivers_license
//	many       249 doc_pay_stub, then one id_passport: 3 pages    VERIFIED/OK for doc_pay_stub|id_passport,
//	           at per_page 100, the id_passport on the last       after 3 requests
//	mixed      its id_passport (2019), another user's             VERIFIED/OK for id_passport, the 2024
//	           doc_utility (2021), its id_passport (2024),        one the evidence;
//	           another user's id_passport (2025); the other       NOT_VERIFIED/DOCUMENT_NOT_FOUND for
//	           user is ForeignHandle                              doc_utility
//	partial    only id_passport                                   NOT_VERIFIED/DOCUMENT_NOT_FOUND for other types
//	empty      no documents                                       NOT_VERIFIED/DOCUMENT_NOT_FOUND
//	unknown    404 "User handle not found"                        NOT_VERIFIED/USER_NOT_FOUND
//	failure    200 with success false                             FAILED/UPSTREAM_REJECTED
//	flaky      first request of each handle 503, then complete's  transient, then VERIFIED/OK
//	down       every request 503                                  transient (UPSTREAM_UNAVAILABLE)
//	throttled  every request 429 with Retry-After: 1              transient (UPSTREAM_UNAVAILABLE)
//
// A handle of any other kind is unknown too. SampleHandle is the seed's
// sample user and holds exactly the seed's sample document.
//
// Whatever the user, a bearer token other than SimConfig.AccessToken gets
// 401, SimForbiddenToken 403, an app_handle other than SimConfig.AppHandle
// 400 MsgAppHandle, a document type not in ValidDocTypes 400
// MsgInvalidDocTypes, and other bad input 400 MsgBadRequest.
const (
	UserSample    = "user"
	UserComplete  = "complete"
	UserMany      = "many"
	UserMixed     = "mixed"
	UserPartial   = "partial"
	UserEmpty     = "empty"
	UserUnknown   = "unknown"
	UserFailure   = "failure"
	UserFlaky     = "flaky"
	UserDown      = "down"
	UserThrottled = "throttled"
)

// SampleHandle is the seed's sample user handle.
const SampleHandle = "user.silamoney.eth"

// ForeignHandle is the user_handle of the documents of another user that
// the list of a UserMixed user holds.
const ForeignHandle = "someone.else.silamoney.eth"

// SimForbiddenToken is an access token of an app Sila knows but does not
// permit to list documents: the simulator answers it 403.
const SimForbiddenToken = "sim-forbidden-app-token"

// ValidDocTypes are the document types the simulator accepts in doc_types:
// the short names of Sila's supported document types.
var ValidDocTypes = []string{
	"id_drivers_license", "id_passport", "id_state", "id_military", "id_military_dependent", "id_nyc_id",
	"doc_green_card", "doc_ssn_card", "doc_lease", "doc_mortgage", "doc_utility", "doc_bank_statement",
	"doc_insurance", "doc_w2", "doc_1099", "doc_tax_return", "doc_pay_stub", "doc_name_change",
	"doc_marriage_license", "doc_divorce_decree", "doc_birth_certificate", "other_doc",
}

// SampleDocument is the document of the seed's sample response.
var SampleDocument = Document{
	UserHandle: SampleHandle,
	DocumentID: "279687a0-30c6-463d-85bc-eee9bf395e21",
	Name:       "passport_2017",
	Filename:   "img_201901022_034923",
	Hash:       "075f0956584cfa8d32beb384fcf51ce3ee30a7e5aeee6434acc222928a30db3e",
	Type:       "id_passport",
	Size:       "12345678",
	Created:    "2020-08-03T17:09:24.917939",
}

// docSpec is a simulated document before it is given to a handle.
type docSpec struct {
	typ, name, filename, created string
	owner                        string // its user_handle when not the listed user's
}

var completeDocs = []docSpec{
	{"id_drivers_license", "my_CA_drivers_license", "img_20200731_101500", "2020-07-31T10:15:00.000000", ""},
	{"id_passport", "passport_2017", "img_20200803_170924", "2020-08-03T17:09:24.917939", ""},
	{"doc_utility", "utility_bill_2021_07", "scan_20210715_090012", "2021-07-15T09:00:12.120000", ""},
	{"doc_bank_statement", "bank_statement_2021_q3", "stmt_20211001", "2021-10-01T14:30:00.500000", ""},
	{"doc_ssn_card", "ssn_card", "img_20220110_081122", "2022-01-10T08:11:22.000001", ""},
	{"id_drivers_license", "drivers_license_renewed", "img_20230220_120000", "2023-02-20T12:00:00.000000", ""},
	{"doc_w2", "w2_2022", "w2_2022_final", "2023-03-01T16:45:09.333333", ""},
}

// mixedDocs are a UserMixed user's list: two passports of its own, and
// two documents of ForeignHandle, one of them the newest passport.
var mixedDocs = []docSpec{
	{"id_passport", "passport_2019", "img_20190502_110000", "2019-05-02T11:00:00.000000", ""},
	{"doc_utility", "utility_bill_2021_06", "scan_20210601_080000", "2021-06-01T08:00:00.000000", ForeignHandle},
	{"id_passport", "passport_2024", "img_20240210_093000", "2024-02-10T09:30:00.000000", ""},
	{"id_passport", "passport_2025", "img_20250315_141500", "2025-03-15T14:15:00.000000", ForeignHandle},
}

// ManyDocuments is how many documents a user of UserMany holds.
const ManyDocuments = 250

// manyDocs are 249 fortnightly pay stubs from 2014, then a passport.
func manyDocs() []docSpec {
	docs := make([]docSpec, 0, ManyDocuments)
	day := time.Date(2014, 1, 3, 9, 30, 0, 0, time.UTC)
	for i := range ManyDocuments - 1 {
		d := day.AddDate(0, 0, 14*i)
		docs = append(docs, docSpec{typ: "doc_pay_stub", name: fmt.Sprintf("pay_stub_%03d", i+1), filename: "paystub_" + d.Format("20060102"), created: d.Format("2006-01-02T15:04:05.000000")})
	}
	return append(docs, docSpec{typ: "id_passport", name: "passport_2024", filename: "img_20240115_101010", created: "2024-01-15T10:10:10.101010"})
}

// behaviour is how a simulated user answers.
type behaviour struct {
	docs      []docSpec
	sample    bool // holds SampleDocument
	notFound  bool // 404 MsgUserNotFound
	failure   bool // 200 with success false
	flaky     bool // the first request of each handle is 503
	down      bool // every request is 503
	throttled bool // every request is 429
}

var users = map[string]behaviour{
	UserSample:    {sample: true},
	UserComplete:  {docs: completeDocs},
	UserMany:      {docs: manyDocs()},
	UserMixed:     {docs: mixedDocs},
	UserPartial:   {docs: completeDocs[1:2]},
	UserEmpty:     {},
	UserUnknown:   {notFound: true},
	UserFailure:   {failure: true},
	UserFlaky:     {docs: completeDocs, flaky: true},
	UserDown:      {down: true},
	UserThrottled: {throttled: true},
}

// userOf returns the behaviour of handle's kind; an unknown kind is
// UserUnknown's.
func userOf(handle string) behaviour {
	kind := handle
	if i := strings.IndexAny(handle, ".-"); i >= 0 {
		kind = handle[:i]
	}
	if b, ok := users[strings.ToLower(kind)]; ok {
		return b
	}
	return users[UserUnknown]
}

// documents returns b's documents as held by handle.
func (b behaviour) documents(handle string) []Document {
	if b.sample {
		d := SampleDocument
		d.UserHandle = handle
		return []Document{d}
	}
	out := make([]Document, len(b.docs))
	for i, s := range b.docs {
		out[i] = simDocument(handle, i, s)
	}
	return out
}

// simDocument gives s to handle, or to its owner when it has one: a
// uuid4-shaped id, a hash and a size that are the same for the same
// handle and position.
func simDocument(handle string, i int, s docSpec) Document {
	seed := sha256.Sum256(fmt.Appendf(nil, "sila-sim/%s/%d", handle, i))
	var id [16]byte
	copy(id[:], seed[:16])
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(id[:])
	content := sha256.Sum256(append(seed[:], s.name...))
	owner := handle
	if s.owner != "" {
		owner = s.owner
	}
	return Document{
		UserHandle: owner,
		DocumentID: h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:],
		Name:       s.name,
		Filename:   s.filename,
		Hash:       hex.EncodeToString(content[:]),
		Type:       s.typ,
		Size:       textOf(int64(20_000 + binary.BigEndian.Uint32(seed[16:20])%5_000_000)),
		Created:    s.created,
	}
}
