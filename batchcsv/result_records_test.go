package batchcsv

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/gocarina/gocsv"

	"github.com/bulkverify/bulkverify"
)

var sampleResults = []bulkverify.Result{
	{RowNumber: 1, ReferenceID: "ref-1", Status: bulkverify.StatusVerified, Code: bulkverify.CodeOK, Message: "all checks passed",
		DocumentType: "PANCR", DocumentID: "in.gov.pan-PANCR-1", Issuer: "Income Tax Department", SHA256: "ab12", Size: "1024", MIME: "application/pdf",
		Attempts: 2, VerifiedAt: "2026-01-02T03:04:05Z"},
	{RowNumber: 7, ReferenceID: "=HYPERLINK(\"x\")", Status: bulkverify.StatusFailed, Code: bulkverify.CodeUpstreamUnavailable,
		Message: "line one,\nline \"two\"", Retryable: true},
	{RowNumber: 9, ReferenceID: "dup"},
}

// The hand-written records are what gocsv writes for the same structs,
// header included, so the output schema follows the csv tags.
func TestRecordsMatchGocsv(t *testing.T) {
	got, err := EncodePart(sampleResults)
	if err != nil {
		t.Fatal(err)
	}
	safe := make([]bulkverify.Result, len(sampleResults))
	for i, r := range sampleResults {
		safe[i] = EscapeResult(r)
	}
	var want bytes.Buffer
	if err := gocsv.MarshalWithoutHeaders(safe, &want); err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Errorf("EncodePart wrote\n%s\ngocsv writes\n%s", got, want.String())
	}
	back, err := DecodePart(bytes.NewReader(got))
	if err != nil || !reflect.DeepEqual(back, safe) {
		t.Errorf("DecodePart read back %+v (%v), want %+v", back, err, safe)
	}
	for _, c := range []struct {
		header []string
		of     any
	}{{ResultHeader, []bulkverify.Result{}}, {ErrorHeader, []ErrorRow{}}} {
		s, err := gocsv.MarshalString(c.of)
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(s); strings.Join(c.header, ",") != want {
			t.Errorf("header %v, gocsv writes %s", c.header, want)
		}
	}
	var errs bytes.Buffer
	gocsv.MarshalWithoutHeaders([]ErrorRow{ToErrorRow(safe[1])}, &errs)
	rec := AppendErrorRow(nil, safe[1])
	var mine bytes.Buffer
	w := newTestWriter(&mine)
	w.Write(rec)
	w.Flush()
	if mine.String() != errs.String() {
		t.Errorf("error row %q, gocsv writes %q", mine.String(), errs.String())
	}
}

func TestDecodePartRejectsAShortRecord(t *testing.T) {
	if _, err := DecodePart(strings.NewReader("1,ref,VERIFIED\n")); err == nil {
		t.Error("a part line of 3 cells was accepted")
	}
}

func newTestWriter(b *bytes.Buffer) *csv.Writer { return csv.NewWriter(b) }
