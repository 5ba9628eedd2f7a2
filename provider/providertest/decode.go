package providertest

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Decoding is a JSON text of an upstream's answer, and the value it
// decodes to, or that it is refused.
type Decoding[T any] struct {
	Name    string
	JSON    string
	Want    T
	WantErr bool
	// Text is what text gives of the value, when Decodes is given one.
	Text string
}

// Decodes checks that each case's JSON decodes into a T equal to its Want,
// or is refused, leaving it so; and, when text is not nil, that text of
// the value is its Text.
func Decodes[T any](t *testing.T, cases []Decoding[T], text func(T) string) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			var got T
			err := json.Unmarshal([]byte(c.JSON), &got)
			if (err != nil) != c.WantErr {
				t.Fatalf("got error %v, want an error: %t", err, c.WantErr)
			}
			if !reflect.DeepEqual(got, c.Want) {
				t.Errorf("got %#v, want %#v", got, c.Want)
			}
			if text != nil && text(got) != c.Text {
				t.Errorf("got text %q, want %q", text(got), c.Text)
			}
		})
	}
}
