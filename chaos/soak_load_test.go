//go:build chaos

package chaos

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// tenant is one API client of the soak.
type tenant struct{ id, key string }

// soakTenants are the four tenants of the soak (BV_CLIENTS).
var soakTenants = []tenant{{"acme", "acme-secret"}, {"globex", "globex-secret"}, {"initech", "initech-secret"}, {"umbrella", "umbrella-secret"}}

// kind is a kind of simulated account of a provider and the status and
// code each of its rows must end with.
type kind struct{ prefix, status, code string }

// soakProvider is a provider the soak submits to: its CSV header, a row for
// an account id, and its kinds of accounts, one row in four of the second
// kind and the rest of the first.
type soakProvider struct {
	name   string
	header string
	row    func(ref, account string) string
	kinds  [2]kind
}

// soakProviders builds rows as examples/<provider>.csv does, with the
// simulators' account kinds (see each simulator's account table).
var soakProviders = []soakProvider{
	{"digilocker", "reference_id,access_token,doctype",
		func(ref, acc string) string { return ref + "," + acc + ",PANCR" },
		[2]kind{{"verified", "VERIFIED", "OK"}, {"missing", "NOT_VERIFIED", "DOCUMENT_NOT_FOUND"}}},
	{"sila", "reference_id,user_handle,doc_types,start_date,end_date,search",
		func(ref, acc string) string { return ref + "," + acc + ",id_passport,,," },
		[2]kind{{"complete", "VERIFIED", "OK"}, {"unknown", "NOT_VERIFIED", "USER_NOT_FOUND"}}},
	{"flexfactor", "reference_id,application_id,document_types",
		func(ref, acc string) string { return ref + "," + acc + ",ID" },
		[2]kind{{"complete", "VERIFIED", "OK"}, {"unknown", "NOT_VERIFIED", "APPLICATION_NOT_FOUND"}}},
	{"deepvue", "reference_id,initial_deepvue_transaction_id,doctype,consent,purpose,document_number",
		func(ref, acc string) string { return ref + "," + acc + ",PANCR,Y,," },
		[2]kind{{"verified", "VERIFIED", "OK"}, {"nodocument", "NOT_VERIFIED", "DOCUMENT_NOT_FOUND"}}},
}

// kindOf is the account kind of row n (1-based).
func (p soakProvider) kindOf(n int) kind {
	if n%4 == 0 {
		return p.kinds[1]
	}
	return p.kinds[0]
}

// expect is what row n must end with.
func (p soakProvider) expect(n int) (string, string) {
	k := p.kindOf(n)
	return k.status, k.code
}

// csv is a batch of rows with a distinct account each.
func (p soakProvider) csv(rows int, tag string) []byte {
	var b bytes.Buffer
	b.WriteString(p.header + "\n")
	for n := 1; n <= rows; n++ {
		b.WriteString(p.row(fmt.Sprintf("%s-%d", tag, n), fmt.Sprintf("%s-%s%07d", p.kindOf(n).prefix, tag, n)))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// planned is one batch of the soak: who submits what, and when.
type planned struct {
	at       time.Duration
	tenant   tenant
	provider soakProvider
	rows     int
	tag      string
}

// loadShape is what the plan draws from.
type loadShape struct {
	length  time.Duration // batches are submitted in the first 90% of it
	meanGap time.Duration // each tenant's mean time between two batches
	budget  int           // rows, besides the one biggest batch
	biggest int           // rows of the one biggest batch
}

// plan draws each tenant's batches at random moments (exponential gaps):
// mostly 10 rows, some up to 1,000, a few up to 10,000 and rarely more,
// downsized to 10 rows when the rows submitted so far would run ahead of
// the budget (spread evenly over the run, with one more big batch's worth
// of slack); and one batch of the biggest size, by a random tenant, at a
// random moment between 5% and 15% of the run (3 to 9 minutes of an hour),
// so that every process has met its largest load before the flatness
// window opens at the end of the warm-up.
func plan(rng *rand.Rand, s loadShape) []planned {
	var out []planned
	for _, tn := range soakTenants {
		for at := expGap(rng, s.meanGap); at < s.length*9/10; at += expGap(rng, s.meanGap) {
			out = append(out, planned{at: at, tenant: tn, provider: soakProviders[rng.IntN(len(soakProviders))], rows: drawRows(rng, s.biggest)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at < out[j].at })
	slack := s.budget / 10
	sum := 0
	for i := range out {
		allowed := int(float64(s.budget)*float64(out[i].at)/float64(s.length)) + slack
		if out[i].rows > 10 && sum+out[i].rows > allowed {
			out[i].rows = 10
		}
		sum += out[i].rows
	}
	big := planned{
		at:       s.length/20 + time.Duration(rng.Float64()*float64(s.length/10)),
		tenant:   soakTenants[rng.IntN(len(soakTenants))],
		provider: soakProviders[rng.IntN(len(soakProviders))],
		rows:     s.biggest,
	}
	out = append(out, big)
	sort.SliceStable(out, func(i, j int) bool { return out[i].at < out[j].at })
	for i := range out {
		out[i].tag = fmt.Sprintf("b%d", i+1)
	}
	return out
}

func expGap(rng *rand.Rand, mean time.Duration) time.Duration {
	return time.Duration(rng.ExpFloat64() * float64(mean))
}

// drawRows: 80% 10 rows, 13% 11–1,000, 6% 1,000–10,000, 1% 10,000–biggest,
// log-uniform within each range.
func drawRows(rng *rand.Rand, biggest int) int {
	logUniform := func(lo, hi int) int {
		if hi <= lo {
			return lo
		}
		return int(math.Round(float64(lo) * math.Pow(float64(hi)/float64(lo), rng.Float64())))
	}
	switch u := rng.Float64(); {
	case u < 0.80:
		return 10
	case u < 0.93:
		return logUniform(11, min(1000, biggest))
	case u < 0.99:
		return logUniform(min(1000, biggest), min(10000, biggest))
	default:
		return logUniform(min(10000, biggest), biggest)
	}
}
