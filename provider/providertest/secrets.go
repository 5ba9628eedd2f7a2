package providertest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

func (f Fixture) secrets(row bulkverify.Row) []string {
	var out []string
	for _, v := range f.p.Vars {
		if s := f.Settings.Get(v.Name); v.Secret && s != "" {
			out = append(out, s)
		}
	}
	for _, c := range f.SecretColumns {
		if s := row.Get(c); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func NoSecret(t *testing.T, secrets []string, res bulkverify.Result, err error) string {
	t.Helper()
	text := fmt.Sprintf("%+v", res)
	if err != nil {
		text += " " + err.Error()
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("got %q, want it without the secret %q", text, s)
		}
	}
	return text
}

func (f Fixture) testSecrets(t *testing.T) {
	rows := append([]bulkverify.Row{f.Verified}, f.Invalid...)
	for _, tr := range f.Transient {
		rows = append(rows, tr.Row)
	}
	rows = append(rows, f.Rows...)
	for _, faults := range []simulation.Faults{{}, {TooManyRate: 1}, {ErrorRate: 1}} {
		e := f.start(t, faults)
		looked := 0
		for _, row := range rows {
			secrets := f.secrets(row)
			looked += len(secrets)
			res, err := Verify(t, e.v, row)
			NoSecret(t, secrets, res, err)
		}
		if looked == 0 {
			t.Fatal("got no secret to look for, want the fixture's settings or rows to hold some")
		}
	}
}

func (f Fixture) testEcho(t *testing.T) {
	secrets := f.secrets(f.Verified)
	for _, status := range []int{400, 401, 403, 409, 429, 500, 503} {
		t.Run(fmt.Sprintf("in an HTTP %d answer", status), func(t *testing.T) {
			e := f.serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				f.Echo(w, r, status, "echo "+strings.Join(secrets, " and "))
			}), 0)
			res, err := Verify(t, e.v, f.Verified)
			if text := NoSecret(t, secrets, res, err); !strings.Contains(text, "echo [redacted]") {
				t.Errorf("got %q, want the echo shown with its secrets [redacted]", text)
			}
		})
	}
}
