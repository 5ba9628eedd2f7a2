package jobs

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify/batchcsv"
)

// A chunk's payload no longer carries the header (it is stored once per
// batch), and a payload queued before the upgrade, which does, still
// decodes with it.
func TestVerifyChunkPayloads(t *testing.T) {
	chunk := batchcsv.Chunk{Index: 2, Offset: 40, Length: 30, FirstRow: 5, Rows: 3, Dups: map[int]int{7: 5}}
	encoded := EncodeVerifyChunk(VerifyChunk{BatchID: "b1", Provider: "digilocker", Chunk: chunk})
	if strings.Contains(string(encoded), "header") {
		t.Errorf("got payload %s, want no header in it", encoded)
	}
	tests := []struct {
		name       string
		payload    string
		wantHeader []string
		wantErr    bool
	}{
		{"a payload without a header decodes", string(encoded), nil, false},
		{"a payload queued with its header decodes with it", `{"batch_id":"b1","provider":"digilocker","header":["access_token","doctype"],"chunk":0,"offset":21,"length":9,"first_row":1,"rows":1}`, []string{"access_token", "doctype"}, false},
		{"a payload without a batch is refused", `{"provider":"digilocker","chunk":0,"offset":21,"length":9,"first_row":1,"rows":1}`, nil, true},
		{"a payload of no bytes is refused", `{"batch_id":"b1","provider":"digilocker","chunk":0,"offset":21,"length":0,"first_row":1,"rows":1}`, nil, true},
		{"a payload that is not JSON is refused", `chunk`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodeVerifyChunk([]byte(tt.payload))
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (p.BatchID != "b1" || !slices.Equal(p.Header, tt.wantHeader)) {
				t.Errorf("got batch %q header %v, want b1 and %v", p.BatchID, p.Header, tt.wantHeader)
			}
		})
	}
	p, _ := DecodeVerifyChunk(encoded)
	if p.Index != 2 || p.Offset != 40 || p.Rows != 3 || p.Dups[7] != 5 {
		t.Errorf("got chunk %+v back, want %+v", p.Chunk, chunk)
	}
}
