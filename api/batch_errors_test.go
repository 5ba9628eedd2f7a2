package api

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestReadErrorRows(t *testing.T) {
	t.Parallel()
	const file = "row_number,reference_id,code,message,retryable\n" +
		"3,ref-3,TOKEN_INVALID,\"bad, token\",false\n" +
		"7,'=cmd,UPSTREAM_UNAVAILABLE,down,true\n" +
		"9,,CANCELLED,cancelled,true\n"
	tests := []struct {
		name          string
		limit         int
		wantRows      []int
		wantTruncated bool
	}{
		{"a limit above the rows returns them all", 10, []int{3, 7, 9}, false},
		{"a limit equal to the rows is not truncated", 3, []int{3, 7, 9}, false},
		{"a limit below the rows says more follow", 2, []int{3, 7}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readErrorRows(strings.NewReader(file), tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var rows []int
			for _, r := range got.Rows {
				rows = append(rows, r.RowNumber)
			}
			if fmt.Sprint(rows) != fmt.Sprint(tt.wantRows) || got.Truncated != tt.wantTruncated {
				t.Errorf("got rows %v truncated %v, want %v %v", rows, got.Truncated, tt.wantRows, tt.wantTruncated)
			}
		})
	}
	got, _ := readErrorRows(strings.NewReader(file), 10)
	if r := got.Rows[0]; r.ReferenceID != "ref-3" || r.Code != "TOKEN_INVALID" || r.Message != "bad, token" || r.Retryable {
		t.Errorf("got first row %+v, want ref-3 TOKEN_INVALID \"bad, token\" not retryable", r)
	}
	if r := got.Rows[1]; r.ReferenceID != "'=cmd" || !r.Retryable {
		t.Errorf("got second row %+v, want the guarded reference as in the file, retryable", r)
	}
	if _, err := readErrorRows(bytes.NewReader([]byte("a,b\n1,2\n")), 10); err == nil {
		t.Errorf("a file without errors.csv's header: got no error, want one")
	}
}
