package api

import (
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// providerAllowed refuses, with 403 PROVIDER_NOT_ENABLED, a provider that
// tenant may not upload to (BV_TENANT_PROVIDERS). Without the setting
// every tenant may use every provider. A retry is an upload to its
// parent's provider, so it is refused too once that provider is taken
// from the tenant.
func (s *Server) providerAllowed(tenant, provider string) error {
	if s.TenantProviders == nil {
		return nil
	}
	allowed := s.TenantProviders[tenant]
	if slices.Contains(allowed, provider) {
		return nil
	}
	if len(allowed) == 0 {
		return bulkverify.Errorf(bulkverify.EProviderNotEnabled,
			"client %s may not upload to any provider of this service: ask the operator to list the providers it may use in BV_TENANT_PROVIDERS (%s:%s)", tenant, tenant, provider)
	}
	return bulkverify.Errorf(bulkverify.EProviderNotEnabled,
		"client %s may not upload to provider %s: it may use %s; ask the operator to add %s to its providers in BV_TENANT_PROVIDERS", tenant, provider, strings.Join(allowed, ", "), provider)
}
