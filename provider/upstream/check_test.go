package upstream

import (
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestChecks(t *testing.T) {
	odd := func(row bulkverify.Row) string {
		if row.Get("n") == "1" {
			return "n is odd"
		}
		return ""
	}
	check := Checks(ListsSome("types", "type"), odd)
	tests := []struct {
		name, types, n, want string
	}{
		{"a row both checks pass is accepted", "a|b", "2", ""},
		{"a list of separators alone lists no item", " | ", "2", "types lists no type: give one or more, separated by |"},
		{"the first refusal is given", "", "1", "types lists no type: give one or more, separated by |"},
		{"a later check refuses when the first passes", "a", "1", "n is odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := bulkverify.Row{Fields: map[string]string{"types": tt.types, "n": tt.n}}
			if got := check(row); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
