package batchcsv

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestErrorReader(t *testing.T) {
	t.Parallel()
	t.Run("it reads back the rows errors.csv holds, in order", func(t *testing.T) {
		t.Parallel()
		in := strings.Join(ErrorHeader, ",") + "\n" +
			"2,ref-a,DOCUMENT_NOT_FOUND,no such document,false\n" +
			"5,\"ref,b\",UPSTREAM_UNAVAILABLE,\"try \"\"later\"\"\",true\n"
		er, err := NewErrorReader(strings.NewReader(in))
		if err != nil {
			t.Fatalf("NewErrorReader: %v", err)
		}
		var got []ErrorRow
		for {
			row, err := er.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			got = append(got, row)
		}
		want := []ErrorRow{
			{RowNumber: 2, ReferenceID: "ref-a", Code: "DOCUMENT_NOT_FOUND", Message: "no such document"},
			{RowNumber: 5, ReferenceID: "ref,b", Code: "UPSTREAM_UNAVAILABLE", Message: `try "later"`, Retryable: true},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("it finds the columns by name, in any order", func(t *testing.T) {
		t.Parallel()
		er, err := NewErrorReader(strings.NewReader("retryable,code,message,reference_id,row_number\ntrue,X,m,r,7\n"))
		if err != nil {
			t.Fatalf("NewErrorReader: %v", err)
		}
		row, err := er.Next()
		if want := (ErrorRow{RowNumber: 7, ReferenceID: "r", Code: "X", Message: "m", Retryable: true}); err != nil || row != want {
			t.Errorf("got %+v, %v; want %+v", row, err, want)
		}
	})
	bad := []struct{ name, in string }{
		{"an empty file is refused", ""},
		{"a header without the retryable column is refused", "row_number,reference_id,code,message\n"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewErrorReader(strings.NewReader(tt.in)); err == nil {
				t.Errorf("got no error, want one")
			}
		})
	}
	t.Run("a row number that is not a number is an error", func(t *testing.T) {
		t.Parallel()
		er, err := NewErrorReader(strings.NewReader(strings.Join(ErrorHeader, ",") + "\nx,r,C,m,true\n"))
		if err != nil {
			t.Fatalf("NewErrorReader: %v", err)
		}
		if _, err := er.Next(); err == nil || errors.Is(err, io.EOF) {
			t.Errorf("got %v, want a row number error", err)
		}
	})
}
