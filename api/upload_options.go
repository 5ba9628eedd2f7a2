package api

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/webhook"
)

// uploadOptions are the options of a batch upload, from query parameters
// or multipart fields beside the file.
type uploadOptions struct {
	DryRun         bool
	Metadata       map[string]string
	CallbackURL    string
	MaxFailureRate *float64
}

// optionNames are the upload options, as query parameters and form fields.
// webhook_url is Deepvue's name of callback_url.
var optionNames = []string{"dry_run", "metadata", "callback_url", "webhook_url", "max_failure_rate"}

const (
	maxMetadataKeys     = 16
	maxMetadataKeyLen   = 64
	maxMetadataValueLen = 512
)

// parseOptions reads the options in fields, reporting the first bad one
// by name.
func (s *Server) parseOptions(ctx context.Context, fields map[string]string) (uploadOptions, error) {
	var o uploadOptions
	if v, ok := fields["dry_run"]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, bulkverify.Errorf(bulkverify.EInvalidRequest, "dry_run=%q: want true or false", cut(v))
		}
		o.DryRun = b
	}
	if v := fields["metadata"]; v != "" {
		m, err := parseMetadata(v)
		if err != nil {
			return o, err
		}
		o.Metadata = m
	}
	if v := fields["max_failure_rate"]; v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			return o, bulkverify.Errorf(bulkverify.EInvalidRequest, "max_failure_rate=%q: want a number from 0 to 1 (0.3 stops the batch once more than 30%% of its processed rows FAILED)", cut(v))
		}
		o.MaxFailureRate = &f
	}
	cb, wh := fields["callback_url"], fields["webhook_url"]
	if cb != "" && wh != "" && cb != wh {
		return o, bulkverify.Errorf(bulkverify.EInvalidRequest, "callback_url and webhook_url differ: they are the same option, give one")
	}
	if cb == "" {
		cb = wh
	}
	if cb != "" {
		if err := s.checkCallbackURL(ctx, cb); err != nil {
			return o, err
		}
		o.CallbackURL = cb
	}
	return o, nil
}

func parseMetadata(v string) (map[string]string, error) {
	var raw map[string]any
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return nil, bulkverify.Errorf(bulkverify.EInvalidRequest, `metadata is not a JSON object (%v): send e.g. {"team":"ops","source":"crm"}`, err)
	}
	if len(raw) > maxMetadataKeys {
		return nil, bulkverify.Errorf(bulkverify.EInvalidRequest, "metadata has %d keys: at most %d are kept", len(raw), maxMetadataKeys)
	}
	m := make(map[string]string, len(raw))
	for k, val := range raw {
		sv, ok := val.(string)
		switch {
		case !ok:
			return nil, bulkverify.Errorf(bulkverify.EInvalidRequest, "metadata key %q: values must be strings", cut(k))
		case len(k) == 0 || len(k) > maxMetadataKeyLen:
			return nil, bulkverify.Errorf(bulkverify.EInvalidRequest, "metadata key %q: keys are 1 to %d characters", cut(k), maxMetadataKeyLen)
		case len(sv) > maxMetadataValueLen:
			return nil, bulkverify.Errorf(bulkverify.EInvalidRequest, "metadata key %q: its value has %d characters, at most %d are kept", cut(k), len(sv), maxMetadataValueLen)
		}
		m[k] = sv
	}
	return m, nil
}

// checkCallbackURL refuses a callback URL that cannot or must not receive
// webhooks: the caller has no signing secret, or the URL is refused by
// the webhook policy (not https; resolving to a loopback, link-local or
// private address, unless its host is in WebhookAllowHosts).
func (s *Server) checkCallbackURL(ctx context.Context, raw string) error {
	if tenant := tenantFrom(ctx); s.WebhookSecrets[tenant] == "" {
		return bulkverify.Errorf(bulkverify.EInvalidCallbackURL, "client %s has no webhook signing secret, and webhooks are always signed: ask the operator to add %s:whsec_... to BV_WEBHOOK_SECRETS", tenant, tenant)
	}
	return webhook.Policy{AllowHosts: s.WebhookAllowHosts, LookupHost: s.LookupHost}.Check(ctx, raw)
}

// cut shortens a value echoed in an error message.
func cut(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
