package config

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/providers"
)

func TestTenancyAndAuthenticationLimitsHaveTheirDefaults(t *testing.T) {
	c, err := Load(env(nil), providers.All)
	if err != nil {
		t.Fatal(err)
	}
	if c.UploadMinBytesPerSecond != 16384 || c.BodyReadTimeout != 10*time.Second || c.AuthFailuresPerMinute != 10 || c.TenantProviders != nil {
		t.Errorf("got min rate %d, body timeout %v, auth failures %d, tenant providers %v; want 16384, 10s, 10, unset",
			c.UploadMinBytesPerSecond, c.BodyReadTimeout, c.AuthFailuresPerMinute, c.TenantProviders)
	}
}

func TestTenantProvidersAreRead(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		clients string
		want    TenantProviders
		wantErr []string
	}{
		{"each client gets its providers", "acme:digilocker+Sila, beta:flexfactor", "acme:a,beta:b",
			TenantProviders{"acme": {"digilocker", "sila"}, "beta": {"flexfactor"}}, nil},
		{"a provider named twice is listed once", "acme:digilocker+digilocker", "",
			TenantProviders{"acme": {"digilocker"}}, nil},
		{"an unknown provider is refused", "acme:digilocker+nope", "",
			nil, []string{`provider "nope" is not known`}},
		{"a client not in BV_CLIENTS is refused", "acme:digilocker,acmee:sila", "acme:a",
			nil, []string{`client_id "acmee" is not one of BV_CLIENTS`}},
		{"an entry without providers is refused", "acme:,beta", "",
			nil, []string{"entry 1 is not client_id:provider+provider", "entry 2 is not"}},
		{"a client named twice is refused", "acme:digilocker,acme:sila", "",
			nil, []string{`client_id "acme" appears twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(map[string]string{"BV_TENANT_PROVIDERS": tt.value, "BV_CLIENTS": tt.clients}), providers.All)
			for _, want := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "BV_TENANT_PROVIDERS") || !strings.Contains(err.Error(), want) {
					t.Errorf("got error %v, want BV_TENANT_PROVIDERS: ...%s", err, want)
				}
			}
			if tt.wantErr != nil {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.TenantProviders; len(got) != len(tt.want) || got.String() != tt.want.String() {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if !slices.Contains(c.Dump(), "BV_TENANT_PROVIDERS="+tt.want.String()) {
				t.Errorf("got no BV_TENANT_PROVIDERS=%s in the dump", tt.want)
			}
		})
	}
}
