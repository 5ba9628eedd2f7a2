package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// chunkedBody hides a reader's length, so that the upload is sent chunked,
// without a Content-Length.
type chunkedBody struct{ r io.Reader }

func (c chunkedBody) Read(p []byte) (int, error) { return c.r.Read(p) }

// rawUpload posts body as a bare CSV and returns the answer and how long
// it took to come.
func rawUpload(t *testing.T, api string, body io.Reader) (int, apiResponse, time.Duration) {
	t.Helper()
	start := time.Now()
	code, env := answer(t)(tenantAPI(api, "demo").send(context.Background(), http.MethodPost, "/v1/verification/batch?provider=digilocker", body, "text/csv", nil))
	return code, env, time.Since(start)
}

// csvOf returns a header of the given columns and rows copies of row.
func csvOf(columns []string, rows int, row func(i int) string) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(columns, ",") + "\n")
	for i := range rows {
		b.WriteString(row(i) + "\n")
	}
	return b.Bytes()
}

// junkColumns returns the two DigiLocker columns and n more.
func junkColumns(n int) []string {
	cols := []string{"access_token", "doctype"}
	for i := range n {
		cols = append(cols, fmt.Sprintf("column_%05d", i))
	}
	return cols
}

// batchBytes sums the memory Redis gives every key of batch id: its state
// and plan, and its chunks' tasks (their ids carry the batch's).
func batchBytes(t *testing.T, rdb *redis.Client, id string) (int64, int) {
	t.Helper()
	ctx := context.Background()
	var total int64
	keys, err := rdb.Keys(ctx, "*"+id+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		n, err := rdb.MemoryUsage(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	return total, len(keys)
}

// Issue 18's intake probes against the real program on a real
// redis-server: a header too wide, an endless field and too many rows are
// refused before they cost memory; a chunked upload keeps to
// BV_MAX_CHUNKS; a wide header is stored once per batch, not per chunk.
func TestIntakeLimitsEndToEnd(t *testing.T) {
	// Not parallel: it times an answer to a second, which a CPU shared
	// with other tests' programs cannot promise.
	env := prodEnv(t)
	env["BV_MAX_CHUNKS"] = "500"
	env["BV_CHUNK_SIZE"] = "10"
	env["BV_MAX_COLUMNS"] = "2100"
	env["BV_MAX_ROWS"] = "300000"
	api := startProgram(t, []string{"serve"}, env)
	rdb := redistest.Connect(t, env["BV_REDIS_URL"])
	token := func(i int) string { return fmt.Sprintf("verified-%06d,PANCR", i) }

	t.Run("a header of 20,001 columns over 200,000 rows, sent chunked, is 400 TOO_MANY_COLUMNS naming line 1", func(t *testing.T) {
		data := csvOf(junkColumns(19_999), 200_000, func(int) string { return "x" })
		code, e, _ := rawUpload(t, api, chunkedBody{bytes.NewReader(data)})
		if code != http.StatusBadRequest || e.SubCode != "TOO_MANY_COLUMNS" || !strings.Contains(e.Message, "line 1") {
			t.Errorf("got HTTP %d %s %q, want 400 TOO_MANY_COLUMNS naming line 1", code, e.SubCode, e.Message)
		}
	})

	t.Run("a header of 2,101 short columns is 400 TOO_MANY_COLUMNS counting them", func(t *testing.T) {
		cols := []string{"access_token", "doctype"}
		for i := range 2_099 {
			cols = append(cols, fmt.Sprint(i))
		}
		code, e, _ := rawUpload(t, api, bytes.NewReader(csvOf(cols, 1, func(int) string { return "t,PANCR" })))
		if code != http.StatusBadRequest || e.SubCode != "TOO_MANY_COLUMNS" || !strings.Contains(e.Message, "2101 columns, more than the 2100") {
			t.Errorf("got HTTP %d %s %q, want 400 TOO_MANY_COLUMNS counting 2101 columns against 2100", code, e.SubCode, e.Message)
		}
	})

	t.Run("a header line over 64 KB is 400 TOO_MANY_COLUMNS", func(t *testing.T) {
		cols := append(junkColumns(0), strings.Repeat("a", 70<<10))
		code, e, _ := rawUpload(t, api, bytes.NewReader(csvOf(cols, 1, func(int) string { return "t,PANCR,x" })))
		if code != http.StatusBadRequest || e.SubCode != "TOO_MANY_COLUMNS" || !strings.Contains(e.Message, "64 KB") {
			t.Errorf("got HTTP %d %s %q, want 400 TOO_MANY_COLUMNS saying 64 KB", code, e.SubCode, e.Message)
		}
	})

	t.Run("a 40 MB field is 400 LINE_TOO_LONG naming its line within a second", func(t *testing.T) {
		data := []byte("access_token,doctype\nverified-1,PANCR\n" + strings.Repeat("a", 40<<20) + ",PANCR\n")
		for _, body := range []struct {
			name string
			r    io.Reader
		}{{"with its length", bytes.NewReader(data)}, {"chunked", chunkedBody{bytes.NewReader(data)}}} {
			code, e, took := rawUpload(t, api, body.r)
			if code != http.StatusBadRequest || e.SubCode != "LINE_TOO_LONG" || !strings.Contains(e.Message, "line 3") {
				t.Errorf("%s: got HTTP %d %s %q, want 400 LINE_TOO_LONG naming line 3", body.name, code, e.SubCode, e.Message)
			}
			if took > time.Second {
				t.Errorf("%s: answered after %v, want under a second", body.name, took)
			}
		}
	})

	t.Run("one row more than BV_MAX_ROWS is 413 TOO_MANY_ROWS", func(t *testing.T) {
		data := csvOf(junkColumns(0), 300_001, token)
		code, e, _ := rawUpload(t, api, chunkedBody{bytes.NewReader(data)})
		if code != http.StatusRequestEntityTooLarge || e.SubCode != "TOO_MANY_ROWS" || !strings.Contains(e.Message, "line 300002") {
			t.Errorf("got HTTP %d %s %q, want 413 TOO_MANY_ROWS naming line 300002", code, e.SubCode, e.Message)
		}
	})

	if keys, _ := rdb.Keys(context.Background(), storage.KeyPrefix+"batch:*").Result(); len(keys) != 0 {
		t.Errorf("refused uploads left batch state %v", keys)
	}

	t.Run("a narrow chunked upload of 200,000 rows gets at most BV_MAX_CHUNKS chunks", func(t *testing.T) {
		data := csvOf(junkColumns(0), 200_000, token)
		code, e, _ := rawUpload(t, api, chunkedBody{bytes.NewReader(data)})
		var d struct {
			TotalRows int `json:"total_rows"`
			Chunks    int `json:"chunks"`
		}
		json.Unmarshal(e.Data, &d)
		if code != http.StatusAccepted || d.TotalRows != 200_000 || d.Chunks > 500 || d.Chunks < 250 {
			t.Errorf("got HTTP %d %s, %d rows in %d chunks; want 202, 200000 rows in 250 to 500 chunks (20,000 of BV_CHUNK_SIZE)", code, e.SubCode, d.TotalRows, d.Chunks)
		}
	})

	t.Run("a 2,000-column header over 200 chunks is stored once, not once per chunk", func(t *testing.T) {
		cols := junkColumns(1_998)
		headerBytes := len(strings.Join(cols, ","))
		data := csvOf(cols, 2_000, func(i int) string { return token(i) + strings.Repeat(",", 1_998) })
		id := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{}))
		used, keys := batchBytes(t, rdb, id)
		t.Logf("the batch takes %d KB of Redis in %d keys; its header is %d KB", used>>10, keys, headerBytes>>10)
		if used > int64(4*headerBytes) || keys == 0 {
			t.Errorf("the batch takes %d KB of Redis in %d keys, want under %d KB: about one %d KB header, not one per each of 200 chunks (%d KB)",
				used>>10, keys, 4*headerBytes>>10, headerBytes>>10, 200*headerBytes>>10)
		}
	})
}
