package deepvue

import (
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

// readSeed returns the body of testdata/name.
func readSeed(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeSeed decodes testdata/name into a Response.
func decodeSeed(t *testing.T, name string) Response {
	t.Helper()
	var r Response
	if err := json.Unmarshal(readSeed(t, name), &r); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return r
}

func TestSeedSampleDecodes(t *testing.T) {
	r := decodeSeed(t, "issued_files_200.json")
	if r.Code == nil || *r.Code != 200 || r.SubCode != SubCodeSuccess || r.Message != MsgIssuedFiles || r.TransactionID != "string" || string(r.Timestamp) != "null" {
		t.Errorf("got envelope %+v, want code 200, SUCCESS, %q, transaction_id string, timestamp null", r, MsgIssuedFiles)
	}
	if !r.succeeded() {
		t.Error("got the sample not taken for a success, want it taken")
	}
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	want := []File{{Name: "string", Type: "string", Size: "string", Date: "string", Parent: "string", MIME: []string{"string"},
		URI: "string", DocType: "string", Description: "string", IssuerID: "string", Issuer: "string"}}
	if !reflect.DeepEqual(files, want) {
		t.Errorf("got files %+v, want %+v", files, want)
	}
}

func TestDigiLockerItemsDecodeWithTheirOddValues(t *testing.T) {
	files, err := decodeSeed(t, "issued_files_digilocker_items.json").Files()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("got %d files, want 2", len(files))
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"a mime that is a string is one type", []string(files[0].MIME), []string{"application/pdf"}},
		{"a mime that is a list is those types", []string(files[1].MIME), []string{"application/pdf", "application/xml"}},
		{"a date's leading space is trimmed", files[0].Date, "2015-05-12T15:50:38Z"},
		{"a uri's leading space is trimmed", files[1].URI, "in.gov.delhi-INCER-98765432"},
		{"the doctype is kept", files[1].DocType, "INCER"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
}

func TestSeedErrorsDecodeAndClassify(t *testing.T) {
	failed := func(c bulkverify.Code) Outcome { return Outcome{Status: bulkverify.StatusFailed, Code: c} }
	tests := []struct {
		file   string
		status int
		text   string
		want   Outcome
	}{
		{"error_400_duplicate_request.json", 400, "DUPLICATE_REQUEST: Invalid Initial Deepvue Transaction id.", failed(bulkverify.CodeInvalidRow)},
		{"error_401_session_expired.json", 401, "SESSION_EXPIRED: Digilocker session expired.", failed(CodeSessionExpired)},
		{"error_not_a_valid_token.json", 401, "Not a valid token", failed(bulkverify.CodeTokenInvalid)},
		{"error_not_a_valid_token.json", 403, "Not a valid token", failed(bulkverify.CodeTokenInvalid)},
		{"error_not_a_valid_token.json", 400, "Not a valid token", failed(bulkverify.CodeTokenInvalid)},
		{"error_422_validation.json", 422, "string: string", failed(bulkverify.CodeInvalidRow)},
		{"error_failed_at_bank.json", 500, "Failed at bank", Outcome{Transient: true}},
		{"error_failed_at_bank.json", 200, "Failed at bank", Outcome{Transient: true}},
		{"error_failed_at_bank.json", 400, "Failed at bank", Outcome{Transient: true}},
	}
	for _, tt := range tests {
		t.Run("the seed's "+tt.file+" with HTTP "+http.StatusText(tt.status)+" is "+outcomeName(tt.want), func(t *testing.T) {
			r := decodeSeed(t, tt.file)
			if got := r.text(); got != tt.text {
				t.Errorf("got text %q, want %q", got, tt.text)
			}
			if got := Classify(tt.status, r); got != tt.want {
				t.Errorf("Classify(%d) got %+v, want %+v", tt.status, got, tt.want)
			}
		})
	}
}

func outcomeName(o Outcome) string {
	if o.Transient {
		return "transient"
	}
	return string(o.Status) + "/" + string(o.Code)
}

func TestFailedAtBankKeepsItsNullCode(t *testing.T) {
	r := decodeSeed(t, "error_failed_at_bank.json")
	if r.Code != nil || r.SubCode != "" || !r.bankFailure() || r.succeeded() {
		t.Errorf("got code %v sub_code %q bankFailure %v, want a null code, no sub_code, a bank failure", r.Code, r.SubCode, r.bankFailure())
	}
}

func TestDetailDecodes(t *testing.T) {
	providertest.Decodes(t, []providertest.Decoding[Detail]{
		{Name: "a string is a message", JSON: `"Not a valid token"`, Want: Detail{Message: "Not a valid token"}, Text: "Not a valid token"},
		{Name: "a list is validation errors", JSON: `[{"loc": ["body", "consent"], "msg": "field required", "type": "value_error.missing"}, {"loc": ["body", "purpose"], "msg": "str type expected", "type": "type_error.str"}]`,
			Want: Detail{Errors: []ValidationError{{Loc: []any{"body", "consent"}, Msg: "field required", Type: "value_error.missing"}, {Loc: []any{"body", "purpose"}, Msg: "str type expected", Type: "type_error.str"}}},
			Text: "consent: field required; purpose: str type expected"},
		{Name: "an index in loc is a number", JSON: `[{"loc": ["body", "items", 0], "msg": "bad"}]`,
			Want: Detail{Errors: []ValidationError{{Loc: []any{"body", "items", 0.0}, Msg: "bad"}}}, Text: "items.0: bad"},
		{Name: "a loc of body alone stays", JSON: `[{"loc": ["body"], "msg": "value is not a valid dict"}]`,
			Want: Detail{Errors: []ValidationError{{Loc: []any{"body"}, Msg: "value is not a valid dict"}}}, Text: "body: value is not a valid dict"},
		{Name: "null is nothing", JSON: `null`},
		{Name: "an object is kept as text", JSON: `{"reason": "x"}`, Want: Detail{Message: `{"reason": "x"}`}, Text: `{"reason": "x"}`},
	}, Detail.String)
}

func TestResponseEncodesTheSeedsShapes(t *testing.T) {
	tests := []struct {
		name string
		r    Response
		want string
	}{
		{"an envelope has every field but data and detail", envelope(400, SubCodeDuplicateRequest, MsgDuplicate),
			`{"code":400,"timestamp":null,"transaction_id":"","sub_code":"DUPLICATE_REQUEST","message":"Invalid Initial Deepvue Transaction id."}`},
		{"a bank failure has a null code and no sub_code", Response{Message: MsgFailedAtBank},
			`{"code":null,"timestamp":null,"transaction_id":"","message":"Failed at bank"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFilesOfAResponseWithoutData(t *testing.T) {
	for _, body := range []string{`{"code": 200}`, `{"code": 200, "data": null}`, `{"code": 200, "data": []}`} {
		var r Response
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if files, err := r.Files(); err != nil || len(files) != 0 {
			t.Errorf("%s: got %v, %v, want no files and no error", body, files, err)
		}
	}
	var r Response
	json.Unmarshal([]byte(`{"code": 200, "data": {"items": []}}`), &r)
	if _, err := r.Files(); err == nil || !strings.Contains(err.Error(), "data") {
		t.Errorf("got error %v for data that is not a list, want one naming data", err)
	}
}
