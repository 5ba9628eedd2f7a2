package deepvue

import (
	"context"
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestRowsOfOneSessionShareOneRequestInAChunk(t *testing.T) {
	tests := []struct {
		name     string
		rows     []bulkverify.Row
		requests int64
	}{
		{"another doctype, consent written otherwise or a claim ask once", []bulkverify.Row{
			dvRow("verified-1", "PANCR", "Y"), dvRow("verified-1", "hscer", "y"),
			dvRow("verified-1", "PANCR", "Y", bulkverify.ClaimDocumentNumber, "ABCDE1234F"),
		}, 1},
		{"the default purpose given in the row asks once", []bulkverify.Row{
			dvRow("verified-1", "PANCR", "Y"), dvRow("verified-1", "PANCR", "Y", ColPurpose, DefaultPurpose),
		}, 1},
		{"a final refusal is shared", []bulkverify.Row{dvRow("expired-1", "PANCR", "Y"), dvRow("expired-1", "DRVLC", "Y")}, 1},
		{"another purpose asks again", []bulkverify.Row{
			dvRow("verified-1", "PANCR", "Y"), dvRow("verified-1", "PANCR", "Y", ColPurpose, "Loan onboarding"),
		}, 2},
		{"another transaction asks again", []bulkverify.Row{dvRow("verified-1", "PANCR", "Y"), dvRow("verified-2", "PANCR", "Y")}, 2},
		{"a transient answer is not kept: the next row asks again", []bulkverify.Row{
			dvRow("flaky-1", "PANCR", "Y"), dvRow("flaky-1", "PANCR", "Y"), dvRow("flaky-1", "PANCR", "Y"), dvRow("flaky-1", "DRVLC", "Y"),
		}, FlakyFailures + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, SimConfig{})
			ctx := bulkverify.WithMemo(context.Background())
			txns := map[string]string{} // the transaction_id of each request's rows
			for _, row := range tt.rows {
				res, err := e.c.Verify(ctx, row)
				if err != nil {
					continue
				}
				key := row.Get(ColTransactionID) + "/" + res.Purpose
				if got, ok := txns[key]; ok && got != res.TransactionID {
					t.Errorf("got transaction_id %q, want %q, the answer the row shares", res.TransactionID, got)
				}
				txns[key] = res.TransactionID
			}
			if got := e.sim.Stats().Requests; got != tt.requests {
				t.Errorf("got %d requests, want %d", got, tt.requests)
			}
		})
	}
	t.Run("without a chunk's memo every row asks", func(t *testing.T) {
		e := newEnv(t, SimConfig{})
		for _, row := range []bulkverify.Row{dvRow("verified-1", "PANCR", "Y"), dvRow("verified-1", "HSCER", "Y")} {
			if _, err := e.c.Verify(context.Background(), row); err != nil {
				t.Fatal(err)
			}
		}
		if got := e.sim.Stats().Requests; got != 2 {
			t.Errorf("got %d requests, want 2", got)
		}
	})
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, column, value, want string
	}{
		{"a consent y is Y", ColConsent, "y", "Y"},
		{"a consent Y is Y", ColConsent, "Y", "Y"},
		{"a consent that refuses is kept as written, its message quotes it", ColConsent, "n", "n"},
		{"an empty consent stays empty", ColConsent, "", ""},
		{"a doctype is upper-case", ColDocType, "pancr", "PANCR"},
		{"a transaction id is sent as written", ColTransactionID, "Verified-1", "Verified-1"},
		{"a purpose is sent as written", ColPurpose, "loan onboarding", "loan onboarding"},
		{"a document number is kept: the comparison reads it", bulkverify.ClaimDocumentNumber, "abcde 1234f", "abcde 1234f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Spec.CanonicalValue(tt.column, tt.value); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// dedupKey is what makes two rows duplicates: their upstream columns'
// canonical values.
func dedupKey(row bulkverify.Row) string {
	key := ""
	for _, c := range Spec.UpstreamColumns() {
		key += Spec.CanonicalValue(c, row.Get(c)) + "\x00"
	}
	return key
}

func TestRowsTheSpecCallsDuplicatesAskAndEndTheSame(t *testing.T) {
	tests := []struct {
		name string
		a, b bulkverify.Row
		dup  bool
	}{
		{"consent y and Y are duplicates", dvRow("verified-1", "PANCR", "Y"), dvRow("verified-1", "PANCR", "y"), true},
		{"doctypes in another case are duplicates", dvRow("verified-1", "PANCR", "Y"), dvRow("verified-1", "pancr", "Y"), true},
		{"so are those of a document not held", dvRow("verified-1", "PSPRT", "Y"), dvRow("verified-1", "psprt", "y"), true},
		{"consent n and N are not: each message quotes its own", dvRow("verified-1", "PANCR", "N"), dvRow("verified-1", "PANCR", "n"), false},
		{"an empty purpose and the default are not: only the workers know BV_DEEPVUE_PURPOSE", dvRow("verified-1", "PANCR", "Y"),
			dvRow("verified-1", "PANCR", "Y", ColPurpose, DefaultPurpose), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dedupKey(tt.a) == dedupKey(tt.b); got != tt.dup {
				t.Fatalf("got duplicates %v, want %v", got, tt.dup)
			}
			if !tt.dup {
				return
			}
			e := newEnv(t, SimConfig{})
			ra, errA := e.c.Verify(context.Background(), tt.a)
			rb, errB := e.c.Verify(context.Background(), tt.b)
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			calls := e.rec.Exchanges("/")
			if len(calls) != 2 || string(calls[0].Body) != string(calls[1].Body) {
				t.Fatalf("got requests %d, want 2 with the same body", len(calls))
			}
			ra.Consent, rb.Consent, ra.TransactionID, rb.TransactionID = "", "", "", ""
			if ra != rb {
				t.Errorf("got %+v and\n%+v, want the same result but for consent and transaction_id", ra, rb)
			}
		})
	}
}
