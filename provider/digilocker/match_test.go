package digilocker

import "testing"

func TestNameMatches(t *testing.T) {
	tests := []struct {
		given, held string
		want        bool
	}{
		{"Sunil Kumar", "Sunil Kumar", true},
		{"sunil kumar", "Sunil Kumar", true},
		{"  SUNIL   KUMAR ", "Sunil Kumar", true},
		{"S. Kumar", "Sunil Kumar", true},
		{"S Kumar", "Sunil Kumar", true},
		{"S.Kumar", "Sunil Kumar", true},
		{"Sunil K.", "Sunil Kumar", true},
		{"Kumar, Sunil", "Sunil Kumar", true},
		{"Sunil Kumar", "S. Kumar", true},
		{"S. K. Sharma", "Sunil Kumar Sharma", true},
		{"Ajit Kumar", "Sunil Kumar", false},
		{"A. Kumar", "Sunil Kumar", false},
		{"Sunil", "Sunil Kumar", false},
		{"Sunil Kumar Sharma", "Sunil Kumar", false},
		{"Su Kumar", "Sunil Kumar", false},
		{"K. K.", "Sunil Kumar", false},
		{"S. S.", "Sunil Sharma", true},
		{"...", "Sunil Kumar", false},
		{"", "", false},
		{"Ramesh Kumar", "Kumar Ramesh", true},
		{"José Núñez", "JOSÉ NÚÑEZ", true},
	}
	for _, tt := range tests {
		name := "given " + tt.given + " and held " + tt.held + " "
		if tt.want {
			name += "match"
		} else {
			name += "do not match"
		}
		t.Run(name, func(t *testing.T) {
			if got := NameMatches(tt.given, tt.held); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
