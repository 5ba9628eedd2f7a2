package main

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

// The one Redis client that asynq, the batch state and the rate limiter
// share works on a Redis Cluster and behind Sentinel too: the DigiLocker
// example ends as documented on each.
func TestRedisClusterAndSentinel(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts several redis-server processes")
	}
	for _, tc := range []struct {
		mode string
		url  func(*testing.T) string
	}{
		{"cluster", redistest.ClusterURL},
		{"sentinel", redistest.SentinelURL},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			api := startProgram(t, []string{"dev"}, map[string]string{
				"BV_REDIS_MODE":      tc.mode,
				"BV_REDIS_URL":       tc.url(t),
				"BV_HTTP_ADDR":       "127.0.0.1:0",
				"BV_LOG_LEVEL":       "warn",
				"BV_MAX_ATTEMPTS":    "3",
				"BV_DIGILOCKER_RATE": "2000",
			})
			data, err := os.ReadFile("../../examples/digilocker.csv")
			if err != nil {
				t.Fatal(err)
			}
			code, env := uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{})
			if code != 202 {
				t.Fatalf("upload: HTTP %d %s", code, env.Message)
			}
			var acc struct {
				RequestID string `json:"request_id"`
			}
			json.Unmarshal(env.Data, &acc)
			st := waitCompleted(t, api, acc.RequestID, time.Minute)
			want := parseWant(exampleWant["digilocker"])
			out, _ := fetchCSV(t, *st.OutputURL)
			if len(out)-1 != len(want) {
				t.Fatalf("output has %d rows, want %d", len(out)-1, len(want))
			}
			for _, rec := range out[1:] {
				if got := rec[2] + " " + rec[3]; got != want[rec[1]] {
					t.Errorf("%s: got %s, want %s", rec[1], got, want[rec[1]])
				}
			}
		})
	}
}
