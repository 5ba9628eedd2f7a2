package deepvue

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const maxRequestBytes = 1 << 20

// SimConfig configures a Simulator.
type SimConfig struct {
	// ClientID is the client-id the simulator accepts; "" accepts any.
	ClientID string
	// ClientSecret is the x-api-key the simulator accepts; "" accepts any.
	ClientSecret string
	// Faults adds latency, random errors and an own rate limit. Injected
	// answers carry FastAPI's {"detail": ...} body.
	Faults simulation.Faults
}

// Simulator answers POST /v1/kyc/digilocker/issued-files like Deepvue
// (seed 000) for the simulated transactions listed with TxnVerified. It is
// deterministic and safe for concurrent use.
type Simulator struct {
	simulation.Server
	clientID string
	secret   string
	answers  atomic.Int64       // answers given so far, numbering transaction_ids
	calls    simulation.Counter // requests so far of each TxnFlaky id
}

// NewSimulator returns a Simulator for cfg.
func NewSimulator(cfg SimConfig) *Simulator {
	s := &Simulator{clientID: cfg.ClientID, secret: cfg.ClientSecret}
	s.Server = simulation.NewServer(cfg.Faults, faultBody, simulation.Routes{
		"POST " + Path: s.handleIssuedFiles,
	})
	return s
}

// handleIssuedFiles answers a request that passes authorize and
// readRequest as its transaction's kind says.
func (s *Simulator) handleIssuedFiles(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.authorize(r); !ok {
		writeAnswer(w, a, "")
		return
	}
	req, errs := readRequest(w, r)
	if len(errs) > 0 {
		a := ansInvalidBody
		a.Body.Detail = Detail{Errors: errs}
		writeAnswer(w, a, "")
		return
	}
	b := kindOf(req.TransactionID)
	n := 0 // the requests so far of a flaky id; other ids are not counted
	if b.flaky {
		n = s.calls.Add(req.TransactionID)
	}
	txn := simTransactionID(req.TransactionID, s.answers.Add(1))
	switch {
	case n == 1:
		writeAnswer(w, ansBankFailure, txn)
	case n > 1 && n <= FlakyFailures:
		writeAnswer(w, ansUnavailable, "")
	case b.answer != nil:
		if b.retryAfter != "" {
			w.Header().Set("Retry-After", b.retryAfter)
		}
		writeAnswer(w, *b.answer, txn)
	default:
		code := http.StatusOK
		simulation.WriteJSON(w, code, Response{Code: &code, TransactionID: txn, SubCode: SubCodeSuccess, Message: MsgIssuedFiles, Data: b.data})
	}
}

// authorize checks the client-id and x-api-key headers. It returns the
// answer to a request that fails, and false.
func (s *Simulator) authorize(r *http.Request) (ErrorAnswer, bool) {
	id, key := r.Header.Get("client-id"), r.Header.Get("x-api-key")
	switch {
	case id == "" || key == "":
		return ansNotAuthenticated, false
	case !accepts(s.clientID, id) || !accepts(s.secret, key):
		return ansBadToken, false
	}
	return ErrorAnswer{}, true
}

// accepts reports whether got is want, in constant time; an empty want
// accepts anything.
func accepts(want, got string) bool {
	return want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// readRequest reads the body and returns it, or what is wrong with it in
// the words of FastAPI (pydantic 1), as the seed's 422 gives them.
func readRequest(w http.ResponseWriter, r *http.Request) (Request, []ValidationError) {
	var fields map[string]json.RawMessage
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil || json.Unmarshal(b, &fields) != nil || fields == nil {
		return Request{}, []ValidationError{{Loc: []any{"body"}, Msg: "value is not a valid dict", Type: "type_error.dict"}}
	}
	var req Request
	var errs []ValidationError
	for _, f := range []struct {
		name string
		dst  *string
	}{{"consent", &req.Consent}, {"purpose", &req.Purpose}, {"initial_deepvue_transaction_id", &req.TransactionID}} {
		raw, ok := fields[f.name]
		switch {
		case !ok || string(raw) == "null":
			errs = append(errs, ValidationError{Loc: []any{"body", f.name}, Msg: "field required", Type: "value_error.missing"})
		case json.Unmarshal(raw, f.dst) != nil:
			errs = append(errs, ValidationError{Loc: []any{"body", f.name}, Msg: "str type expected", Type: "type_error.str"})
		}
	}
	if len(errs) == 0 && !Consented(req.Consent) {
		errs = append(errs, ValidationError{Loc: []any{"body", "consent"}, Msg: "consent must be Y", Type: "value_error"})
	}
	return req, errs
}

// simTransactionID returns the transaction_id of the simulator's n-th
// answer, to a request for id: 32 hex digits, like Deepvue's, the same for
// the same id and n.
func simTransactionID(id string, n int64) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "deepvue-sim/%s/%d", id, n))
	return hex.EncodeToString(sum[:16])
}

// faultBody is the body of an answer injected by simulation.Faults.
func faultBody(w http.ResponseWriter, status int) {
	switch status {
	case http.StatusTooManyRequests:
		writeAnswer(w, ansTooMany, "")
	case http.StatusServiceUnavailable:
		writeAnswer(w, ansUnavailable, "")
	default:
		a := ansInternalError
		a.Status = status
		writeAnswer(w, a, "")
	}
}

// writeAnswer sends a: its envelope with transaction id txn, or its
// detail alone.
func writeAnswer(w http.ResponseWriter, a ErrorAnswer, txn string) {
	if !a.Body.envelope() {
		simulation.WriteJSON(w, a.Status, struct {
			Detail Detail `json:"detail"`
		}{a.Body.Detail})
		return
	}
	body := a.Body
	body.TransactionID = txn
	simulation.WriteJSON(w, a.Status, body)
}

// simulate is Provider.Simulate: a Simulator that accepts the settings s.
// Returning it as a provider.Simulator asserts that it is one.
func simulate(s provider.Settings, f simulation.Faults) provider.Simulator {
	return NewSimulator(SimConfig{ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"), Faults: f})
}
