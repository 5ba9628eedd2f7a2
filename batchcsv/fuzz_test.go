package batchcsv

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulkverify/bulkverify"
)

// FuzzSplit feeds intake arbitrary files: it must not panic; a file it
// accepts must read back chunk by chunk to the same number of rows, in
// order; a file it rejects gets a user error with a short message.
func FuzzSplit(f *testing.F) {
	examples, _ := filepath.Glob("../examples/*.csv")
	for _, name := range examples {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, uint8(3))
		}
	}
	for _, s := range []string{
		"\ufeff\ufeffaccess_token,doctype\rverified-1,PANCR\r",
		"access_token,doctype\n\"t\n1\",PANCR\nt2,\"PA\"\"N\"\n",
		"access_token,doctype,access_token\nx,y,z\n",
		"access_token\n",
		"\x00\xff",
		"reference_id,access_token,doctype\nr,t,PANCR\nr,t,PANCR\nr2,t,PANCR\n",
	} {
		f.Add([]byte(s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		normalized, _ := io.ReadAll(NormalizeNewlines(bytes.NewReader(data)))
		plan, err := Split(bytes.NewReader(normalized), digilockerSpec, Options{ChunkSize: int(size%7) + 1, MaxProblems: 5})
		if err != nil {
			if code := bulkverify.ErrorCode(err); code == bulkverify.EInternal {
				t.Fatalf("got an internal error for a bad file: %v", err)
			}
			return
		}
		next, rows := 1, 0
		for _, c := range plan.Chunks {
			got, _, err := ReadRows(io.NewSectionReader(bytes.NewReader(normalized), c.Offset, c.Length), plan.Header, c, digilockerSpec)
			if err != nil || len(got) != c.Rows {
				t.Fatalf("chunk %d: read %d rows (%v), planned %d", c.Index, len(got), err, c.Rows)
			}
			for _, r := range got {
				if r.Number != next {
					t.Fatalf("chunk %d: row %d where %d was expected", c.Index, r.Number, next)
				}
				next++
			}
			rows += len(got)
		}
		if rows != plan.TotalRows || plan.Duplicates+plan.RejectedRows > plan.TotalRows {
			t.Fatalf("read %d rows back, planned %d (%d rejected, %d duplicates)", rows, plan.TotalRows, plan.RejectedRows, plan.Duplicates)
		}
	})
}
