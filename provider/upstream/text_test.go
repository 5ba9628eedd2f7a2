package upstream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestClip(t *testing.T) {
	long := strings.Repeat("é", 250)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"short text is kept", "Invalid application ID.", "Invalid application ID."},
		{"surrounding space is trimmed", "  busy \n", "busy"},
		{"control characters become spaces", "bad\r\nrequest\tnow", "bad  request now"},
		{"past 200 runes it is cut", long, strings.Repeat("é", 200) + "..."},
		{"200 runes are kept whole", long[:400], long[:400]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clip(tt.in); got != tt.want {
				t.Errorf("Clip(%q) got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"every occurrence is replaced", "token abcdefgh and abcdefgh", []string{"abcdefgh"}, "token [redacted] and [redacted]"},
		{"every secret is replaced", "id secret-one token token-two", []string{"secret-one", "token-two"}, "id [redacted] token [redacted]"},
		{"a value under 8 characters is left alone", "the code is short", []string{"short"}, "the code is short"},
		{"an empty value is left alone", "nothing to hide", []string{""}, "nothing to hide"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in, tt.secrets...); got != tt.want {
				t.Errorf("Redact(%q) got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactAnswer(t *testing.T) {
	const secret = "s3cret-value"
	ue := &bulkverify.UpstreamError{Reason: "echo " + secret}
	res, err := RedactAnswer(bulkverify.Result{Message: "said " + secret}, fmt.Errorf("list: %w", ue), secret)
	if res.Message != "said [redacted]" {
		t.Errorf("got message %q, want %q", res.Message, "said [redacted]")
	}
	if ue.Reason != "echo [redacted]" {
		t.Errorf("got reason %q, want %q", ue.Reason, "echo [redacted]")
	}
	if err == nil {
		t.Error("got no error, want the error passed through")
	}
}

func TestRedactRemovesTheWholeUpstreamText(t *testing.T) {
	const secret = "tok-9f8e7d6c5b4a3210"
	tests := []struct {
		name, in, want string
	}{
		{"a secret anywhere is redacted", "bad token " + secret + " here", "bad token [redacted] here"},
		{"a secret cut by Clip is redacted", "echo " + secret[:10] + "...", "echo [redacted]..."},
		{"a secret cut at the end is redacted", "echo " + secret[:6], "echo [redacted]"},
		{"a text without the secret stays", "Internal server error", "Internal server error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in, secret); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRedactAnswerRedactsTheWrappedError(t *testing.T) {
	const secret = "tok-9f8e7d6c5b4a3210"
	cause := fmt.Errorf("json: cannot unmarshal %q: %w", secret, context.DeadlineExceeded)
	err := &bulkverify.UpstreamError{Provider: "p", Op: "list", Reason: "unreadable answer", Err: cause}
	_, got := RedactAnswer(bulkverify.Result{}, err, secret)
	if strings.Contains(got.Error(), secret) || !errors.Is(got, context.DeadlineExceeded) {
		t.Errorf("got %q (is deadline: %v), want the secret gone and the cause kept", got, errors.Is(got, context.DeadlineExceeded))
	}
}
