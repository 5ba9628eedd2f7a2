package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// provider is one provider of provider/providers (providers.All), as
// `go run ./tools/providers` prints it: this module does not import the
// service's, so it asks the service's own program for the list.
type provider struct {
	Name      string `json:"name"`
	EnvPrefix string `json:"env_prefix"`
	Vars      []struct {
		Env      string `json:"env"`
		Required bool   `json:"required"`
		Secret   bool   `json:"secret"`
		Shared   bool   `json:"shared"`
	} `json:"vars"`
}

// loadProviders runs tools/providers in the service's module at root.
func loadProviders(root string) ([]provider, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(goBin, "run", "./tools/providers")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			err = fmt.Errorf("%w: %s", err, ee.Stderr)
		}
		return nil, fmt.Errorf("list the providers (go run ./tools/providers): %v", err)
	}
	var ps []provider
	if err := json.Unmarshal(out, &ps); err != nil {
		return nil, fmt.Errorf("list the providers (go run ./tools/providers): %v", err)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("list the providers (go run ./tools/providers): none")
	}
	return ps, nil
}

// providerVar returns the provider whose own variable name is (its
// BV_<NAME>_ prefix), and whether name is one of its variables.
func providerVar(ps []provider, name string) (p *provider, known, secret bool) {
	for i := range ps {
		if !strings.HasPrefix(name, ps[i].EnvPrefix) {
			continue
		}
		p = &ps[i]
		for _, v := range p.Vars {
			if v.Env == name {
				return p, true, v.Secret
			}
		}
		return p, false, false
	}
	return nil, false, false
}

// checkVarName reports a variable that looks like a provider's but that
// the list does not know: BV_<NAME>_<X> with X no variable of provider
// <name> (a misspelling, or one it no longer reads), or an upstream
// BV_<X>_BASE_URL of no provider (one removed from the list, or never in
// it). Either would be ignored by the service without a word.
func checkVarName(ps []provider, name string) error {
	if !strings.HasPrefix(name, "BV_") {
		return nil
	}
	p, known, _ := providerVar(ps, name)
	switch {
	case p != nil && !known:
		var names []string
		for _, v := range p.Vars {
			if !v.Shared {
				names = append(names, v.Env)
			}
		}
		return fmt.Errorf("%s is no variable of provider %s, which reads %s", name, p.Name, strings.Join(names, ", "))
	case p == nil && strings.HasSuffix(name, "_BASE_URL"):
		var names []string
		for _, q := range ps {
			names = append(names, q.Name)
		}
		return fmt.Errorf("%s is the upstream of no provider in provider/providers (%s)", name, strings.Join(names, ", "))
	}
	return nil
}

// checkProviderEnv checks the environment of every container of the
// Deployments against the providers: every variable of a provider is one
// it reads (checkVarName), and its credentials come from a Secret, not a
// ConfigMap or a value written in the manifest.
func checkProviderEnv(objs []object, ps []provider) []error {
	var errs []error
	for _, o := range objs {
		switch t := o.typed.(type) {
		case *corev1.ConfigMap:
			p := &problems{o: o}
			for _, k := range sortedKeys(t.Data) {
				if q, _, secret := providerVar(ps, k); secret {
					p.add("%s is a credential of provider %s: put it in a Secret", k, q.Name)
				}
			}
			errs = append(errs, p.errs...)
		case *appsv1.Deployment:
			p := &problems{o: o}
			for _, c := range t.Spec.Template.Spec.Containers {
				for _, e := range c.Env {
					if q, _, secret := providerVar(ps, e.Name); secret && e.ValueFrom == nil {
						p.add("container %s: %s is a credential of provider %s: take it from a Secret (secretKeyRef)", c.Name, e.Name, q.Name)
					}
				}
				env, err := containerEnv(t, c, objs)
				if err != nil {
					continue // checkEgress reports it
				}
				for _, k := range sortedKeys(env) {
					if err := checkVarName(ps, k); err != nil {
						p.add("container %s: %v", c.Name, err)
					}
				}
			}
			errs = append(errs, p.errs...)
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func providerNames(ps []provider) string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}
