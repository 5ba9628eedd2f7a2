package api

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify"
)

func TestWriteError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
	}{
		{"a known code answers its status", bulkverify.Errorf(bulkverify.EInvalidFile, "bad"), http.StatusBadRequest, bulkverify.EInvalidFile},
		{"a plain error answers 500", errors.New("boom"), http.StatusInternalServerError, bulkverify.EInternal},
		{"a code the edge does not know answers 500", bulkverify.Errorf("NOT_A_CODE", "odd"), http.StatusInternalServerError, "NOT_A_CODE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := prometheus.NewRegistry()
			s := &Server{Metrics: NewMetrics(reg, reg), Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			w := httptest.NewRecorder()
			s.writeError(w, httptest.NewRequest(http.MethodGet, "/", nil), tt.err)
			var env envelope
			if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
				t.Fatalf("decode envelope: %v", err)
			}
			if w.Code != tt.wantStatus || env.Code != tt.wantStatus || env.SubCode != tt.wantCode {
				t.Errorf("got HTTP %d, code %d, sub_code %s; want %d, %s", w.Code, env.Code, env.SubCode, tt.wantStatus, tt.wantCode)
			}
		})
	}
}
