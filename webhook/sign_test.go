package webhook

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The example of the Standard Webhooks specification.
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specBody      = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecificationsExample(t *testing.T) {
	t.Parallel()
	key, err := ParseSecret(specSecret)
	if err != nil {
		t.Fatal(err)
	}
	if got := Sign(key, specID, specTimestamp, []byte(specBody)); got != specSignature {
		t.Errorf("got %s, want %s", got, specSignature)
	}
}

func TestParseSecretRefusesWhatIsNotAWhsecKey(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ="} {
		t.Run(s, func(t *testing.T) {
			_, err := ParseSecret(s)
			if err == nil {
				t.Fatalf("got no error for %q", s)
			}
			if enc := strings.TrimPrefix(s, SecretPrefix); len(enc) > 4 && strings.Contains(err.Error(), enc) {
				t.Errorf("the error %q quotes the secret", err)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	key, other := mustKey(t, specSecret), mustKey(t, "whsec_b3RoZXItdGVuYW50cy1zZWNyZXQta2V5LTMyYnl0ZXM=")
	at := time.Unix(specTimestamp, 0)
	headers := func(id string, ts int64, sig string) http.Header {
		h := http.Header{}
		h.Set(HeaderID, id)
		h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(HeaderSignature, sig)
		return h
	}
	tests := []struct {
		name string
		key  []byte
		h    http.Header
		body string
		now  time.Time
		want error
	}{
		{"the specification's example verifies", key, headers(specID, specTimestamp, specSignature), specBody, at, nil},
		{"one of several signatures is enough", key, headers(specID, specTimestamp, "v1,bm90IGl0 v2,whatever "+specSignature), specBody, at, nil},
		{"4 minutes late is on time", key, headers(specID, specTimestamp, specSignature), specBody, at.Add(4 * time.Minute), nil},
		{"another tenant's key does not verify", other, headers(specID, specTimestamp, specSignature), specBody, at, ErrSignature},
		{"a changed body does not verify", key, headers(specID, specTimestamp, specSignature), `{"test": 2432232315}`, at, ErrSignature},
		{"a changed id does not verify", key, headers("msg_other", specTimestamp, specSignature), specBody, at, ErrSignature},
		{"a changed timestamp does not verify", key, headers(specID, specTimestamp+1, specSignature), specBody, at, ErrSignature},
		{"6 minutes late is stale", key, headers(specID, specTimestamp, specSignature), specBody, at.Add(6 * time.Minute), ErrStale},
		{"6 minutes early is stale", key, headers(specID, specTimestamp, specSignature), specBody, at.Add(-6 * time.Minute), ErrStale},
		{"no signature is refused", key, headers(specID, specTimestamp, ""), specBody, at, ErrMissingHeaders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.key, tt.h, []byte(tt.body), tt.now); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func mustKey(t *testing.T, secret string) []byte {
	t.Helper()
	key, err := ParseSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	return key
}
