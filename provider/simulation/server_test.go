package simulation

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

func TestServerAnswersFaultsWithTheSimulatorsBody(t *testing.T) {
	body := func(w http.ResponseWriter, status int) { WriteJSON(w, status, map[string]int{"own": status}) }
	tests := []struct {
		name   string
		faults Faults
		want   string
	}{
		{"an injected error gets the simulator's body", Faults{ErrorRate: 1}, `{"own":500}` + "\n"},
		{"a body of the faults' own wins", Faults{ErrorRate: 1, ErrorBody: func(w http.ResponseWriter, status int) { w.WriteHeader(status); w.Write([]byte("theirs")) }}, "theirs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(tt.faults, body, Routes{"GET /": okHandler})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if rec.Code != 500 || rec.Body.String() != tt.want {
				t.Errorf("got HTTP %d %q, want 500 %q", rec.Code, rec.Body, tt.want)
			}
			if got, want := s.Stats(), (Stats{Requests: 1, Errors: 1}); got != want {
				t.Errorf("got stats %+v, want %+v", got, want)
			}
		})
	}
}

func TestCounterCountsEachKey(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { c.Add("a") })
	}
	wg.Wait()
	if got, other := c.Add("a"), c.Add("b"); got != 51 || other != 1 {
		t.Errorf("got %d and %d, want 51 requests of a and the first of b", got, other)
	}
}

func TestBearer(t *testing.T) {
	tests := []struct{ header, want string }{
		{"Bearer abc", "abc"},
		{"bearer  abc ", "abc"},
		{"Basic abc", ""},
		{"", ""},
		{"Bearer", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", tt.header)
		if got := Bearer(r); got != tt.want {
			t.Errorf("Bearer(%q) got %q, want %q", tt.header, got, tt.want)
		}
	}
}
