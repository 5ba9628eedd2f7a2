package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// checkCompose loads the compose file as `docker compose config` does, with
// a deploy/.env as `make compose-env` writes it, and checks that:
//   - every file or directory it bind-mounts exists, since Docker would
//     otherwise create an empty directory in its place and the service
//     would start without its configuration;
//   - every published port is bound to 127.0.0.1 (or ::1), not to every
//     interface;
//   - no secret is written in the file: loaded with two different .env
//     files, every variable named like a secret differs (the simulators'
//     credentials excepted);
//   - no variable has a default (${NAME:-default}), which would start
//     the service with a known value when deploy/.env lacks it;
//   - Grafana has no anonymous access;
//   - every variable named like a provider's is one a provider of ps
//     reads (checkVarName), and the providers' credentials come from
//     deploy/.env like every secret.
func checkCompose(ctx context.Context, path string, ps []provider) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, m := range defaulted.FindAllStringSubmatch(string(raw), -1) {
		errs = append(errs, fmt.Errorf("%s has a default (%s...}): require it with ${%s:?...} and add it to make compose-env", m[1], m[0], m[1]))
	}
	envA, err := composeEnv(rand.Reader)
	if err != nil {
		return 0, err
	}
	envB, err := composeEnv(rand.Reader)
	if err != nil {
		return 0, err
	}
	p, err := loadCompose(ctx, path, envA)
	if err != nil {
		return 0, err
	}
	other, err := loadCompose(ctx, path, envB)
	if err != nil {
		return 0, err
	}
	for _, name := range p.ServiceNames() {
		s := p.Services[name]
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				errs = append(errs, fmt.Errorf("service %s mounts %s, which does not exist", name, v.Source))
			}
		}
		for _, port := range s.Ports {
			if port.Published != "" && !slices.Contains([]string{"127.0.0.1", "::1"}, port.HostIP) {
				errs = append(errs, fmt.Errorf("service %s publishes port %s on every interface: write it 127.0.0.1:%s:%d", name, port.Published, port.Published, port.Target))
			}
		}
		errs = append(errs, checkComposeSecrets(name, s, other.Services[name], ps)...)
		for _, k := range sortedKeys(s.Environment) {
			if err := checkVarName(ps, k); err != nil {
				errs = append(errs, fmt.Errorf("service %s: %v", name, err))
			}
		}
		if v := s.Environment["GF_AUTH_ANONYMOUS_ENABLED"]; v != nil && strings.EqualFold(*v, "true") {
			errs = append(errs, fmt.Errorf("service %s: GF_AUTH_ANONYMOUS_ENABLED is true: anyone who reaches Grafana sees the dashboards", name))
		}
	}
	return len(p.Services), errors.Join(errs...)
}

// loadCompose loads the compose file with env as its .env, and nothing
// from this process's environment.
func loadCompose(ctx context.Context, path string, env []string) (*types.Project, error) {
	opts, err := cli.NewProjectOptions([]string{path}, cli.WithWorkingDirectory(filepath.Dir(path)), cli.WithResolvedPaths(true), cli.WithEnv(env))
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(ctx)
}

// defaulted finds ${NAME:-default} and ${NAME-default}.
var defaulted = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*):?-`)

// secretName is a variable that holds a secret.
var secretName = regexp.MustCompile(`(?i)password|secret|_key($|_id$)|^bv_clients$`)

// checkComposeSecrets reports the secret-named variables of service s that
// (or that are a provider's credentials) have the same value whatever the
// .env: written in the file. The
// credentials of a provider served by the simulate service are the
// simulator's own, which guard nothing.
func checkComposeSecrets(name string, s, other types.ServiceConfig, ps []provider) []error {
	var errs []error
	for k, v := range s.Environment {
		w := other.Environment[k]
		if _, _, credential := providerVar(ps, k); !secretName.MatchString(k) && !credential || v == nil || w == nil || *v != *w || simulated(k, s.Environment) {
			continue
		}
		errs = append(errs, fmt.Errorf("service %s: %s is written in compose.yaml: take it from deploy/.env (${NAME:?...}) and add it to `make compose-env`", name, k))
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}

// simulated reports whether k is a variable of a provider whose base URL
// is the simulate service.
func simulated(k string, env types.MappingWithEquals) bool {
	for name, v := range env {
		pre, ok := strings.CutSuffix(name, "BASE_URL")
		if ok && v != nil && strings.HasPrefix(k, pre) && strings.Contains(*v, "//simulate:") {
			return true
		}
	}
	return false
}
