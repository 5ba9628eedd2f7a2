package provider

import (
	"errors"
	"net/http"
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestDefine(t *testing.T) {
	var called bool
	p := Define(Provider{
		Spec: bulkverify.Spec{Name: "test"},
		Vars: []Var{
			{Name: "TOKEN", Help: "the token", Secret: true, Required: true},
			{Name: "HANDLE", Help: "the handle", Required: true},
			{Name: "PURPOSE", Help: "the purpose"},
		},
		New: func(s Settings, hc *http.Client) (bulkverify.Verifier, error) {
			called = true
			return nil, errors.New("made")
		},
	})
	if p.Name != "test" {
		t.Errorf("got name %q, want the Spec's, test", p.Name)
	}
	tests := []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"settings without a required variable name it and its help", map[string]string{"TOKEN": "t", "PURPOSE": "p"},
			"set BV_TEST_HANDLE (the handle) to call test"},
		{"settings without any name every required one", map[string]string{"TOKEN": " "},
			"set BV_TEST_TOKEN (the token) and BV_TEST_HANDLE (the handle) to call test"},
		{"settings with every required one reach the provider's New", map[string]string{"TOKEN": "t", "HANDLE": "h"}, "made"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called = false
			_, err := p.New(Settings{Values: tt.values}, nil)
			if err == nil || err.Error() != tt.want || called != (tt.want == "made") {
				t.Errorf("got %v, provider's New called %t, want %q", err, called, tt.want)
			}
		})
	}
}
