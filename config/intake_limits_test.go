package config

import (
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify/provider/providers"
)

func TestIntakeLimits(t *testing.T) {
	tests := []struct {
		name                   string
		env                    map[string]string
		columns, line, rows    int
		wantProblem, wantNamed string
	}{
		{"unset, they are 256 columns, 64 KB lines and 5,000,000 rows", nil, 256, 65536, 5_000_000, "", ""},
		{"set, they are read", map[string]string{"BV_MAX_COLUMNS": "20", "BV_MAX_LINE_BYTES": "4096", "BV_MAX_ROWS": "1000"}, 20, 4096, 1000, "", ""},
		{"more columns than a 64 KB header holds are refused", map[string]string{"BV_MAX_COLUMNS": "40000"}, 0, 0, 0, "from 2 to 32768", "BV_MAX_COLUMNS"},
		{"a line bound under 1 KB is refused", map[string]string{"BV_MAX_LINE_BYTES": "100"}, 0, 0, 0, "from 1024", "BV_MAX_LINE_BYTES"},
		{"no rows at all is refused", map[string]string{"BV_MAX_ROWS": "0"}, 0, 0, 0, "from 1", "BV_MAX_ROWS"},
		{"a bound that is not a number is refused", map[string]string{"BV_MAX_ROWS": "5M"}, 0, 0, 0, "whole number", "BV_MAX_ROWS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env), providers.All)
			if tt.wantProblem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantProblem) || !strings.Contains(err.Error(), tt.wantNamed) {
					t.Fatalf("got %v, want a problem naming %s and saying %q", err, tt.wantNamed, tt.wantProblem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.MaxColumns != tt.columns || c.MaxLineBytes != tt.line || c.MaxRows != tt.rows {
				t.Errorf("got %d columns, %d bytes a line, %d rows; want %d, %d, %d", c.MaxColumns, c.MaxLineBytes, c.MaxRows, tt.columns, tt.line, tt.rows)
			}
		})
	}
}
