package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
)

// buildBulkverify builds the service's program, whose check-config loads
// the configuration exactly as serve and work do. This module does not
// import the service's, so the test runs the program.
func buildBulkverify(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "bulkverify")
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/bulkverify")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build bulkverify: %v\n%s", err, out)
	}
	return bin
}

// checkConfig runs `bulkverify check-config cmd` with exactly env and
// returns whether it passed and what it printed.
func checkConfig(t *testing.T, bin, cmd string, env map[string]string) (bool, string) {
	t.Helper()
	c := exec.Command(bin, "check-config", cmd)
	c.Env = []string{}
	for k, v := range env {
		c.Env = append(c.Env, k+"="+v)
	}
	slices.Sort(c.Env)
	out, err := c.CombinedOutput()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("run check-config: %v", err)
	}
	return err == nil, string(out)
}

// commands are the programs check-config knows.
var commands = []string{"serve", "work", "dev"}

// fillPlaceholders replaces every CHANGE-ME as the comments beside it say:
// BV_DATA_KEY by 32 random bytes in Base64, whsec_CHANGE-ME by a webhook
// secret, any other by 32 random bytes in hex (safe in a URL).
func fillPlaceholders(env map[string]string) map[string]string {
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	out := map[string]string{}
	for k, v := range env {
		switch {
		case strings.HasPrefix(k, "BV_DATA_KEY") && v == "CHANGE-ME":
			v = base64.StdEncoding.EncodeToString(random(32))
		case strings.Contains(v, "whsec_CHANGE-ME"):
			v = strings.ReplaceAll(v, "whsec_CHANGE-ME", "whsec_"+base64.StdEncoding.EncodeToString(random(32)))
		}
		for strings.Contains(v, "CHANGE-ME") {
			v = strings.Replace(v, "CHANGE-ME", hex.EncodeToString(random(32)), 1)
		}
		out[k] = v
	}
	return out
}

// Every serve and work that deploy/ ships starts once its secrets are
// filled in: compose's services with a .env from `make compose-env`, the
// Kubernetes containers with each CHANGE-ME replaced. check-config, which
// loads the configuration as they do, says so; as shipped, the Kubernetes
// Secret's placeholders fail it.
func TestEveryShippedEnvironmentPassesCheckConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bulkverify")
	}
	bin := buildBulkverify(t)

	envFile := filepath.Join(t.TempDir(), ".env")
	if err := writeComposeEnv(envFile); err != nil {
		t.Fatal(err)
	}
	p := loadWithEnvFile(t, envFile)
	var checked []string
	for _, name := range p.ServiceNames() {
		s := p.Services[name]
		if len(s.Command) == 0 || !slices.Contains(commands, s.Command[0]) {
			continue
		}
		env := map[string]string{}
		for k, v := range s.Environment {
			if v != nil {
				env[k] = *v
			}
		}
		if ok, out := checkConfig(t, bin, s.Command[0], env); !ok {
			t.Errorf("compose service %s (%s) would not start:\n%s", name, s.Command[0], out)
		}
		checked = append(checked, "compose "+name)
	}

	schemas, err := loadCRDSchemas()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../k8s/*.yaml")
	var objs []object
	for _, f := range files {
		o, err := decodeManifests(f, schemas)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o...)
	}
	for _, o := range objs {
		d, ok := o.typed.(*appsv1.Deployment)
		if !ok {
			continue
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			if len(c.Args) == 0 || !slices.Contains(commands, c.Args[0]) {
				continue
			}
			shipped, err := containerEnv(d, c, objs)
			if err != nil {
				t.Fatal(err)
			}
			filled := fillPlaceholders(shipped)
			if ok, out := checkConfig(t, bin, c.Args[0], filled); !ok {
				t.Errorf("%s container %s (%s), its CHANGE-ME filled in, would not start:\n%s", o, c.Name, c.Args[0], out)
			}
			if ok, out := checkConfig(t, bin, c.Args[0], shipped); ok || !strings.Contains(out, "holds the placeholder CHANGE-ME") {
				t.Errorf("%s container %s as shipped: check-config passed or did not name the placeholders:\n%s", o, c.Name, out)
			}
			checked = append(checked, o.String()+" "+c.Name)
		}
	}
	// What it would have said of compose's API as it was before make
	// compose-env: no BV_DATA_KEY, a placeholder for BV_JWT_SECRET.
	env := map[string]string{}
	for k, v := range p.Services["api"].Environment {
		env[k] = *v
	}
	delete(env, "BV_DATA_KEY")
	env["BV_JWT_SECRET"] = "change-me-to-a-long-random-string"
	if ok, out := checkConfig(t, bin, "serve", env); ok || !strings.Contains(out, "BV_DATA_KEY is not set") || !strings.Contains(out, "BV_JWT_SECRET holds the placeholder change-me") {
		t.Errorf("compose's API without BV_DATA_KEY: check-config passed or missed a problem:\n%s", out)
	}
	if len(checked) < 4 {
		t.Errorf("checked %q, want compose's api and worker and both Deployments", checked)
	}
	t.Logf("checked %q", checked)
}
