package claims

import (
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestDocumentNumber(t *testing.T) {
	tests := []struct {
		name          string
		claimed, held string
		want          bulkverify.Match
	}{
		{"equal numbers match", "ABCPS1234K", "ABCPS1234K", bulkverify.MatchOK},
		{"case does not count", "abcps1234k", "ABCPS1234K", bulkverify.MatchOK},
		{"spaces, dashes, slashes and dots do not count", "DL-01 2023/0100.001", "DL0120230100001", bulkverify.MatchOK},
		{"another number is a mismatch", "ABCPS9999K", "ABCPS1234K", bulkverify.MatchMismatch},
		{"a masked document number matches on its last four digits", "1234 5678 4321", "xxxxxxxx4321", bulkverify.MatchOK},
		{"a masked document number with other last digits mismatches", "1234 5678 5555", "xxxxxxxx4321", bulkverify.MatchMismatch},
		{"a masked claim matches the document's trailing digits", "XXXX XXXX 4321", "123456784321", bulkverify.MatchOK},
		{"asterisks mask too", "********4321", "123456784321", bulkverify.MatchOK},
		{"fewer than four visible digits cannot be compared", "123456784321", "xxxxxxxxx321", bulkverify.MatchUnavailable},
		{"two masked numbers compare on their common tail", "xxxxxx54321", "xxxxxxxx4321", bulkverify.MatchOK},
		{"no document value is unavailable", "ABCPS1234K", "", bulkverify.MatchUnavailable},
		{"a number that is all mask is unavailable", "123456784321", "xxxxxxxxxxxx", bulkverify.MatchUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DocumentNumber(tt.claimed, tt.held); got != tt.want {
				t.Errorf("DocumentNumber(%q, %q) = %s, want %s", tt.claimed, tt.held, got, tt.want)
			}
		})
	}
}

func TestDOB(t *testing.T) {
	tests := []struct {
		name          string
		claimed, held string
		want          bulkverify.Match
	}{
		{"DD-MM-YYYY on the document", "31121970", "31-12-1970", bulkverify.MatchOK},
		{"DD/MM/YYYY on the document", "31121970", "31/12/1970", bulkverify.MatchOK},
		{"DDMMYYYY on the document", "31121970", "31121970", bulkverify.MatchOK},
		{"YYYY-MM-DD on the document", "31121970", "1970-12-31", bulkverify.MatchOK},
		{"another day mismatches", "30121970", "31-12-1970", bulkverify.MatchMismatch},
		{"day and month swapped mismatch", "12011970", "01-12-1970", bulkverify.MatchMismatch},
		{"a year alone matches the year", "31121970", "1970", bulkverify.MatchOK},
		{"a year alone mismatches another year", "31121971", "1970", bulkverify.MatchMismatch},
		{"an unreadable document date is unavailable", "31121970", "the 31st", bulkverify.MatchUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DOB(tt.claimed, tt.held); got != tt.want {
				t.Errorf("DOB(%q, %q) = %s, want %s", tt.claimed, tt.held, got, tt.want)
			}
		})
	}
}

func TestGenderMatch(t *testing.T) {
	tests := []struct {
		claimed, held string
		want          bulkverify.Match
	}{
		{"M", "M", bulkverify.MatchOK},
		{"male", "M", bulkverify.MatchOK},
		{"F", "Female", bulkverify.MatchOK},
		{"TRANSGENDER", "t", bulkverify.MatchOK},
		{"F", "M", bulkverify.MatchMismatch},
		{"M", "", bulkverify.MatchUnavailable},
		{"M", "U", bulkverify.MatchUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.claimed+" against "+tt.held, func(t *testing.T) {
			if got := GenderMatch(tt.claimed, tt.held); got != tt.want {
				t.Errorf("GenderMatch(%q, %q) = %s, want %s", tt.claimed, tt.held, got, tt.want)
			}
		})
	}
}

func TestCheckRow(t *testing.T) {
	tests := []struct {
		name   string
		fields map[string]string
		bad    bool
	}{
		{"no claims pass", map[string]string{}, false},
		{"a DDMMYYYY dob passes", map[string]string{"dob": "31121970"}, false},
		{"a dob that is no date fails", map[string]string{"dob": "1970"}, true},
		{"the 31st of February fails", map[string]string{"dob": "31021970"}, true},
		{"a long gender passes", map[string]string{"gender": "Female"}, false},
		{"an unknown gender fails", map[string]string{"gender": "X"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckRow(bulkverify.Row{Number: 1, Fields: tt.fields})
			if (got != "") != tt.bad {
				t.Errorf("CheckRow(%v) = %q, want a problem: %v", tt.fields, got, tt.bad)
			}
		})
	}
}
