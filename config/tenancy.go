package config

import (
	"maps"
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify/provider"
)

// TenantProviders maps a client_id to the providers it may upload to
// (BV_TENANT_PROVIDERS). Nil means every client may use every provider.
type TenantProviders map[string][]string

// String renders the setting as it is written, sorted: for the dump.
func (t TenantProviders) String() string {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(t)) {
		out = append(out, id+":"+strings.Join(t[id], "+"))
	}
	return strings.Join(out, ",")
}

// tenantProviders reads client_id:provider+provider,... entries. Each
// provider must be known, and each client one of clients when those are
// set: a typo would otherwise take every provider from a tenant.
func (l *loader) tenantProviders(key string, providers []provider.Provider, clients map[string]string) TenantProviders {
	v := l.str(key, "")
	if v == "" {
		return nil
	}
	known := make([]string, len(providers))
	for i, p := range providers {
		known[i] = p.Name
	}
	m := TenantProviders{}
	for i, entry := range strings.Split(v, ",") {
		id, list, ok := strings.Cut(strings.TrimSpace(entry), ":")
		id = strings.TrimSpace(id)
		if !ok || id == "" || strings.TrimSpace(list) == "" {
			l.fail("%s: entry %d is not client_id:provider+provider (e.g. acme:digilocker+sila)", key, i+1)
			continue
		}
		if _, dup := m[id]; dup {
			l.fail("%s: client_id %q appears twice", key, id)
		}
		if len(clients) > 0 && clients[id] == "" {
			l.fail("%s: client_id %q is not one of BV_CLIENTS", key, id)
		}
		var names []string
		for _, name := range strings.Split(list, "+") {
			name = strings.ToLower(strings.TrimSpace(name))
			if !slices.Contains(known, name) {
				l.fail("%s: client_id %q: provider %q is not known (known: %s)", key, id, name, strings.Join(known, ", "))
				continue
			}
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		m[id] = names
	}
	return m
}
