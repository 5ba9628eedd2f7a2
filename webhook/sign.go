package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts every signing secret: "whsec_" and the Base64 key.
const SecretPrefix = "whsec_"

// MinKeyBytes is the shortest signing key accepted, as Standard Webhooks
// recommends.
const MinKeyBytes = 24

// Tolerance is how far a webhook-timestamp may be from the receiver's
// clock before the message is refused as stale (or replayed).
const Tolerance = 5 * time.Minute

// ParseSecret returns the signing key of a "whsec_<Base64>" secret. Its
// errors never quote the secret.
func ParseSecret(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(strings.TrimSpace(secret), SecretPrefix)
	if !ok {
		return nil, errors.New("a webhook secret starts with " + SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, errors.New("a webhook secret is " + SecretPrefix + " followed by standard Base64")
	}
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("a webhook secret's key has at least %d bytes (e.g. %s$(openssl rand -base64 32))", MinKeyBytes, SecretPrefix)
	}
	return key, nil
}

// Sign returns the webhook-signature of a message: "v1," and the Base64
// HMAC-SHA256, under key, of id.timestamp.body.
func Sign(key []byte, id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SetHeaders sets the Standard Webhooks headers of a message sent at ts.
func SetHeaders(h http.Header, key []byte, id string, ts time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, Sign(key, id, ts.Unix(), body))
}

// Errors of Verify.
var (
	ErrMissingHeaders = errors.New("missing webhook-id, webhook-timestamp or webhook-signature")
	ErrStale          = errors.New("webhook-timestamp is more than 5 minutes from now")
	ErrSignature      = errors.New("no webhook-signature matches")
)

// Verify checks a received message as Standard Webhooks says: the
// timestamp within Tolerance of now, and one of the space-separated v1
// signatures equal (in constant time) to the expected one.
func Verify(key []byte, h http.Header, body []byte, now time.Time) error {
	id, tsRaw, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsRaw == "" || sigs == "" {
		return ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		return ErrStale
	}
	if d := now.Sub(time.Unix(ts, 0)); d > Tolerance || d < -Tolerance {
		return ErrStale
	}
	want := []byte(Sign(key, id, ts, body))
	for _, sig := range strings.Fields(sigs) {
		if hmac.Equal([]byte(sig), want) {
			return nil
		}
	}
	return ErrSignature
}
