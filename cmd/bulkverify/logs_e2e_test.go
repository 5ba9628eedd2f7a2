package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

// BV_LOG_FORMAT=json: every line is a JSON object, and every line about a
// batch carries its request_id and tenant.
func TestJSONLogsCarryRequestIDAndTenant(t *testing.T) {
	// Not parallel: captureStderr swaps the process's os.Stderr.
	logs := captureStderr(t)
	api := startProgram(t, []string{"dev"}, map[string]string{
		"BV_REDIS_URL": redistest.DB(t), "BV_HTTP_ADDR": "127.0.0.1:0", "BV_LOG_FORMAT": "json", "BV_LOG_LEVEL": "info",
		"BV_DATA_KEY": testDataKey, "BV_CHUNK_SIZE": "2",
	})
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00001", "missing-00002", "verified-00003"), uploadOptions{}))
	waitFor(t, api, id, time.Minute, "finished", finished)
	id2 := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00004"), uploadOptions{}))
	call(t, api, "demo", "POST", "/v1/verification/batch/"+id2+"/cancel")
	waitFor(t, api, id2, time.Minute, "finished", finished)
	text := logs()
	about := 0
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue // the test runner's own output
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("a log line is not JSON: %v: %s", err, line)
			continue
		}
		if !strings.Contains(line, id) && !strings.Contains(line, id2) {
			continue
		}
		about++
		rid, _ := rec["request_id"].(string)
		if (rid != id && rid != id2) || rec["tenant"] != "demo" {
			t.Errorf("a line about a batch has request_id %v, tenant %v: %s", rec["request_id"], rec["tenant"], line)
		}
	}
	if about < 3 {
		t.Errorf("got %d log lines about the batches, want at least accepted, finished and cancelled:\n%s", about, text)
	}
}
