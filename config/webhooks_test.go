package config

import (
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/providers"
)

const testWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func TestWebhookSettings(t *testing.T) {
	t.Run("defaults are 8 attempts from 30s, progress every 30s", func(t *testing.T) {
		c, err := Load(env(nil), providers.All)
		if err != nil {
			t.Fatal(err)
		}
		if c.WebhookMaxAttempts != 8 || c.WebhookBackoff != 30*time.Second || c.WebhookProgressInterval != 30*time.Second || len(c.WebhookSecrets) != 0 {
			t.Errorf("got %d attempts, backoff %v, progress %v, secrets %v; want 8, 30s, 30s, none",
				c.WebhookMaxAttempts, c.WebhookBackoff, c.WebhookProgressInterval, c.WebhookSecrets)
		}
	})
	t.Run("a progress interval of 0 turns progress events off", func(t *testing.T) {
		c, err := Load(env(map[string]string{"BV_WEBHOOK_PROGRESS_INTERVAL": "0"}), providers.All)
		if err != nil || c.WebhookProgressInterval != 0 {
			t.Errorf("got %v, %v; want 0 and no error", c.WebhookProgressInterval, err)
		}
	})
	t.Run("secrets are read by client and redacted in the dump", func(t *testing.T) {
		c, err := Load(env(map[string]string{"BV_WEBHOOK_SECRETS": "acme:" + testWebhookSecret + ", other:" + testWebhookSecret}), providers.All)
		if err != nil {
			t.Fatal(err)
		}
		if c.WebhookSecrets["acme"] != testWebhookSecret || c.WebhookSecrets["other"] != testWebhookSecret {
			t.Errorf("got secrets %v, want acme's and other's", c.WebhookSecrets)
		}
		dump := strings.Join(c.Dump(), "\n")
		if strings.Contains(dump, "MfKQ9r8") || !strings.Contains(dump, "BV_WEBHOOK_SECRETS=acme:<redacted>,other:<redacted>") {
			t.Errorf("got dump\n%s\nwant the client ids with their secrets redacted", dump)
		}
	})
	t.Run("bad values are reported without quoting a secret", func(t *testing.T) {
		_, err := Load(env(map[string]string{
			"BV_WEBHOOK_SECRETS":           "acme:sk_not-a-whsec-secret,short:whsec_c2hvcnQ=,nocolon",
			"BV_WEBHOOK_MAX_ATTEMPTS":      "0",
			"BV_WEBHOOK_BACKOFF":           "soon",
			"BV_WEBHOOK_PROGRESS_INTERVAL": "-1s",
		}), providers.All)
		if err == nil {
			t.Fatal("got no error")
		}
		for _, want := range []string{`client "acme"`, `client "short"`, "entry 3", "BV_WEBHOOK_MAX_ATTEMPTS", "BV_WEBHOOK_BACKOFF", "BV_WEBHOOK_PROGRESS_INTERVAL"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error does not name %s:\n%v", want, err)
			}
		}
		if strings.Contains(err.Error(), "not-a-whsec") || strings.Contains(err.Error(), "c2hvcnQ") {
			t.Errorf("error quotes a secret:\n%v", err)
		}
	})
}
