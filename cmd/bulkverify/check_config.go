package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify/config"
	"github.com/bulkverify/bulkverify/provider/providers"
	"github.com/bulkverify/bulkverify/webhook"
)

// minSecretBytes is the shortest secret check-config accepts: a client's
// x-api-key, BV_JWT_SECRET, a provider's secret variable.
const minSecretBytes = 16

// placeholder finds a value left as shipped: CHANGE-ME, changeme,
// change_me, <your-secret>.
var placeholder = regexp.MustCompile(`(?i)change[-_.]?me|<[^<>]*>`)

// runCheckConfig is `bulkverify check-config serve|work|dev`: it loads the
// configuration as that command would, checks every value, connects to
// nothing, and prints every problem at once. It fails when there is one.
func runCheckConfig(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 || !slices.Contains([]string{"serve", "work", "dev"}, args[0]) {
		return fmt.Errorf("usage: bulkverify check-config serve|work|dev")
	}
	cmd := args[0]
	problems := checkConfig(cmd, getenv)
	if len(problems) == 0 {
		fmt.Fprintf(stdout, "check-config %s: no problem found\n", cmd)
		return nil
	}
	fmt.Fprintf(stdout, "check-config %s: %s\n", cmd, problemCount(len(problems)))
	for _, p := range problems {
		fmt.Fprintf(stdout, "  - %s\n", p)
	}
	return fmt.Errorf("the configuration of %s has %s (listed above)", cmd, problemCount(len(problems)))
}

func problemCount(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}

// configCheck collects the problems of one command's configuration.
type configCheck struct {
	cmd string
	// env is the environment as the command sees it: for dev, with the
	// values dev gives what is unset.
	env func(string) string
	// builtIn are the variables dev sets itself (the demo tenant, the
	// simulators' credentials): known values, but not the operator's.
	builtIn  map[string]bool
	problems []string
}

// checkConfig returns every problem of the configuration that `bulkverify
// cmd` would load from getenv, in the order found.
func checkConfig(cmd string, getenv func(string) string) []string {
	c := &configCheck{cmd: cmd, env: getenv}
	if cmd == "dev" {
		c.env, c.builtIn = devCheckEnv(getenv)
	}
	cfg, err := config.Load(c.env, providers.All)
	c.addErr(err)
	if cmd != "dev" {
		c.addErr(cfg.NeedRedis())
	}
	if cmd == "serve" && len(cfg.Clients) == 0 {
		c.addErr(errNoClients)
	}
	c.redis(cfg)
	_, err = cfg.Keyring()
	c.addErr(err)
	c.addErr(checkPprof(cfg))
	c.listenAddrs(cfg)
	if cmd != "serve" {
		c.worker(cfg)
	}
	c.placeholders(cfg)
	c.secrets(cfg)
	return c.problems
}

// add records a problem once.
func (c *configCheck) add(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	if !slices.Contains(c.problems, p) {
		c.problems = append(c.problems, p)
	}
}

// addErr records err, one problem a line (config.Load lists them so).
func (c *configCheck) addErr(err error) {
	if err == nil {
		return
	}
	msg := strings.TrimPrefix(err.Error(), "invalid configuration:\n")
	for _, line := range strings.Split(msg, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.add("%s", line)
		}
	}
}

// redis parses BV_REDIS_URL as the command would, without connecting:
// openRedis only builds the client, which dials on its first command.
func (c *configCheck) redis(cfg config.Config) {
	if cfg.RedisURL == "" || !strings.Contains(cfg.RedisURL, "://") {
		return // config.Load or NeedRedis said what is wrong
	}
	rdb, _, err := openRedis(cfg.RedisMode, cfg.RedisURL)
	if err != nil {
		c.addErr(err)
		return
	}
	rdb.Close()
}

// listenAddrs checks the addresses the command would listen on are
// host:port.
func (c *configCheck) listenAddrs(cfg config.Config) {
	addrs := map[string]string{}
	if c.cmd != "work" {
		addrs["BV_HTTP_ADDR"] = cfg.HTTPAddr
	}
	if (c.cmd == "work" && cfg.MetricsAddr != "off") || (c.cmd == "serve" && cfg.MetricsApart) {
		addrs["BV_METRICS_ADDR"] = cfg.MetricsAddr
	}
	for _, k := range []string{"BV_HTTP_ADDR", "BV_METRICS_ADDR"} {
		if a, ok := addrs[k]; ok {
			if _, _, err := net.SplitHostPort(a); err != nil {
				c.add("%s=%q is not host:port (such as :8080 or 127.0.0.1:8080)", k, a)
			}
		}
	}
}

// worker checks what a worker builds at start: a client of every
// configured provider, at least one of them, and the webhook keys.
func (c *configCheck) worker(cfg config.Config) {
	n := 0
	for _, p := range cfg.Providers {
		if !p.Enabled() {
			continue
		}
		n++
		if _, err := p.New(p.Settings, &http.Client{}); err != nil {
			c.add("provider %s: %v", p.Name, err)
		}
	}
	if n == 0 {
		var vars []string
		for _, p := range cfg.Providers {
			vars = append(vars, p.EnvPrefix()+"BASE_URL")
		}
		c.add("no provider is configured: set one of %s and its credentials", strings.Join(vars, ", "))
	}
	if _, err := webhook.KeysOf(cfg.WebhookSecrets); err != nil {
		c.addErr(err)
	}
}

// placeholders finds every variable of the configuration whose value was
// left as shipped. It never prints a value.
func (c *configCheck) placeholders(cfg config.Config) {
	for _, line := range cfg.Dump() {
		k, _, _ := strings.Cut(line, "=")
		if c.builtIn[k] {
			continue
		}
		if m := placeholder.FindString(c.env(k)); m != "" {
			if strings.HasPrefix(m, "<") {
				m = "<...>"
			}
			c.add("%s holds the placeholder %s: replace it with the real value", k, m)
		}
	}
}

// secrets finds secrets shorter than minSecretBytes: the clients'
// x-api-keys, BV_JWT_SECRET and the providers' secret variables.
// (BV_DATA_KEY and the webhook secrets have their lengths checked by
// config.Load.)
func (c *configCheck) secrets(cfg config.Config) {
	short := func(what string, n int) {
		c.add("%s is %d bytes: use at least %d random bytes (openssl rand -hex 32)", what, n, minSecretBytes)
	}
	if !c.builtIn["BV_CLIENTS"] {
		for _, id := range cfg.ClientIDs() {
			if n := len(cfg.Clients[id]); n < minSecretBytes {
				short(fmt.Sprintf("BV_CLIENTS: the secret of client %q", id), n)
			}
		}
	}
	if n := len(cfg.JWTSecret); n > 0 && n < minSecretBytes {
		short("BV_JWT_SECRET", n)
	}
	for _, p := range cfg.Providers {
		if !p.Enabled() {
			continue
		}
		for _, v := range p.Vars {
			k := p.VarEnv(v)
			if n := len(p.Get(v.Name)); v.Secret && n > 0 && n < minSecretBytes && !c.builtIn[k] {
				short(k, n)
			}
		}
	}
}

// devCheckEnv is the environment dev would run with, the URLs of the parts
// it embeds standing in for the parts themselves, and the variables it
// sets itself.
func devCheckEnv(getenv func(string) string) (func(string) string, map[string]bool) {
	env := devDefaults(getenv)
	if getenv("BV_REDIS_URL") == "" {
		env["BV_REDIS_URL"] = "redis://127.0.0.1:6379/0"
	}
	if getenv("BV_S3_ENDPOINT") == "" {
		env["BV_S3_ENDPOINT"] = "http://127.0.0.1:9000"
	}
	for _, p := range devSimulated(getenv) {
		env[p.EnvPrefix()+"BASE_URL"] = "http://127.0.0.1:9000/" + p.Name
	}
	builtIn := map[string]bool{}
	for k := range env {
		builtIn[k] = getenv(k) == ""
	}
	return overlay(getenv, env), builtIn
}
