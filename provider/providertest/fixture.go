// Package providertest is the conformance suite of the upstream providers,
// and the test helpers they share. Each provider/<name> package runs Run
// from its own test with a Fixture: what its simulator and rows are, and
// what differs in how it reports an answer. The suite checks what every
// provider must do the same way (River's riverdrivertest is the model):
// the example CSV passes the Spec; a row that fails the Spec never reaches
// the upstream; a 429 is an error whose RetryAfter is its Retry-After; a
// 5xx, an unreadable answer and no answer are transient errors, not
// results; no secret shows in a result or an error; one client serves
// concurrent rows.
package providertest

import (
	"net/http"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
)

// Fixture is what the suite needs to know of one provider besides its
// registration.
type Fixture struct {
	// Settings are what the provider's New and Simulate get; the suite
	// sets BaseURL. The zero value means its DevSettings without an
	// environment.
	Settings provider.Settings

	// Verified is a row the simulator verifies at the first attempt.
	Verified bulkverify.Row
	// FirstOp is the Op of the first request Verified makes: the Op of
	// an error when that request gets no usable answer.
	FirstOp string
	// Evidence, when set, checks the evidence of a VERIFIED result of row
	// but its VerifiedAt, which the suite checks.
	Evidence func(t *testing.T, row bulkverify.Row, res bulkverify.Result)
	// Invalid are rows that fail the provider's Spec.
	Invalid []bulkverify.Row
	// Transient are rows the simulator itself answers with transient
	// errors (a flaky or a throttled account, a service that is down).
	Transient []TransientRow
	// Rows are rows of every kind the simulator knows: no answer to any
	// may show a secret.
	Rows []bulkverify.Row
	// Claims are rows that declare claims, with how they end; required
	// when the Spec checks claims (see testClaims).
	Claims []ClaimCase

	// Reasons are the Reasons of the transient errors of the answers the
	// suite makes an upstream give.
	Reasons Reasons
	// SecretColumns name the columns whose values are secrets, such as an
	// access token. Every Var with Secret is one too.
	SecretColumns []string
	// Echo writes the provider's error answer of HTTP status whose
	// message is text, for a request r: how its upstream would repeat
	// what it was sent.
	Echo func(w http.ResponseWriter, r *http.Request, status int, text string)

	// Example is what the provider's example CSV gives. Its header has
	// the Spec's required and optional columns; claim columns may be left
	// to ClaimsExample.
	Example Example
	// ClaimsExample is what examples/<name>-claims.csv gives: required
	// when the Spec checks claims, its header has every column.
	ClaimsExample Example

	p provider.Provider // the provider under test, as Run got it
}

// TransientRow is a row the simulator answers with transient errors.
type TransientRow struct {
	Row bulkverify.Row
	// Errors are what its first attempts give, in order: each a Want
	// made by Transient.
	Errors []Want
	// Then is the code of the attempt after them; "" means none is made.
	// A VERIFIED one has its evidence checked.
	Then bulkverify.Code
}

// Reasons are the Reason of the *bulkverify.UpstreamError the client
// returns for each kind of answer the suite makes an upstream give.
type Reasons struct {
	// TooMany is the simulator's 429, injected by simulation.Faults.
	TooMany string
	// ServerError is the simulator's 502, injected by simulation.Faults.
	ServerError string
	// Bare is a 429 with an empty body.
	Bare string
}

// Example is what the provider's example CSV gives, taken the way the
// service takes it: the intake splits it against the Spec, a row it
// refuses is INVALID_ROW, the others go to a client of the simulator.
type Example struct {
	// Path is the file's path from the repository root; "" means
	// examples/<name>.csv.
	Path string
	// Outcomes are the final codes of its rows by reference_id, after
	// Attempts attempts of a row whose errors are transient.
	Outcomes map[string]bulkverify.Code
	// Rejected are the reference_ids of the rows the intake refuses.
	Rejected []string
	// Attempts is how many attempts a row gets; 0 means 3, the worker's.
	Attempts int
	// After, when set, checks the simulator once every row has settled.
	After func(t *testing.T, sim provider.Simulator)
}

// Delays the suite uses.
const (
	injectedWait = 7 * time.Second
	hang         = time.Hour
	giveUp       = 50 * time.Millisecond
)

func (f Fixture) withDefaults() Fixture {
	if f.Settings.Values == nil {
		f.Settings = f.p.DevSettings(func(string) string { return "" })
	}
	if f.Example.Path == "" {
		f.Example.Path = "examples/" + f.p.Name + ".csv"
	}
	if f.Example.Attempts == 0 {
		f.Example.Attempts = 3
	}
	if f.ClaimsExample.Path == "" {
		f.ClaimsExample.Path = "examples/" + f.p.Name + "-claims.csv"
	}
	if f.ClaimsExample.Attempts == 0 {
		f.ClaimsExample.Attempts = 3
	}
	return f
}
