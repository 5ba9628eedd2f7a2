package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
)

// goodEnv is a serve and work environment check-config finds nothing
// wrong with.
func goodEnv() map[string]string {
	return map[string]string{
		"BV_REDIS_URL":         "redis://:0c1f6e0d9a4b7e2f5a8c3d6b@redis.internal:6379/0",
		"BV_CLIENTS":           "acme:9f3b1c7e5a2d4f6b8e0a1c3d5f7b9e2a,globex:4e6a8c0b2d4f6e8a0c2e4a6c8e0b2d4f",
		"BV_DATA_KEY":          testDataKey,
		"BV_JWT_SECRET":        "6d1f8b3a5c7e9f0b2d4a6c8e0f1b3d5a",
		"BV_WEBHOOK_SECRETS":   "acme:" + demoWebhookSecret,
		"BV_SILA_BASE_URL":     "https://sandbox.silamoney.com",
		"BV_SILA_ACCESS_TOKEN": "sila-0b7e4c1a9d3f6b2e8a5c0d7f",
		"BV_SILA_APP_HANDLE":   "acme.silamoney.eth",
	}
}

// checkWith runs `bulkverify check-config cmd` on goodEnv changed by set
// (an empty value unsets a variable) and returns its error and output.
func checkWith(cmd string, set map[string]string) (error, string) {
	env := goodEnv()
	if cmd == "dev" {
		env = map[string]string{}
	}
	for k, v := range set {
		env[k] = v
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"check-config", cmd}, func(k string) string { return env[k] }, &out)
	return err, out.String()
}

func TestCheckConfigPassesAGoodConfiguration(t *testing.T) {
	for _, cmd := range []string{"serve", "work", "dev"} {
		t.Run(cmd, func(t *testing.T) {
			err, out := checkWith(cmd, nil)
			if err != nil || !strings.Contains(out, "no problem found") {
				t.Errorf("got %v and output:\n%s\nwant no problem", err, out)
			}
		})
	}
}

func TestCheckConfigFindsEachProblem(t *testing.T) {
	tests := []struct {
		name string
		cmd  string
		set  map[string]string
		want string
	}{
		{"a missing data key", "serve", map[string]string{"BV_DATA_KEY": ""}, "BV_DATA_KEY is not set"},
		{"a missing data key on a worker", "work", map[string]string{"BV_DATA_KEY": ""}, "BV_DATA_KEY is not set"},
		{"a data key that is not 32 bytes", "serve", map[string]string{"BV_DATA_KEY": "c2hvcnQ="}, "BV_DATA_KEY:"},
		{"no tenants on serve", "serve", map[string]string{"BV_CLIENTS": ""}, "BV_CLIENTS is not set"},
		{"no Redis", "work", map[string]string{"BV_REDIS_URL": ""}, "BV_REDIS_URL is not set"},
		{"a sentinel URL without its master", "serve", map[string]string{"BV_REDIS_MODE": "sentinel"}, "master_name"},
		{"CHANGE-ME in a client secret", "serve", map[string]string{"BV_CLIENTS": "acme:CHANGE-ME-0123456789abcdef"}, "BV_CLIENTS holds the placeholder CHANGE-ME"},
		{"changeme in the Redis password", "work", map[string]string{"BV_REDIS_URL": "redis://:changeme@redis:6379/0"}, "BV_REDIS_URL holds the placeholder changeme"},
		{"an angle-bracket placeholder in a provider token", "work", map[string]string{"BV_SILA_ACCESS_TOKEN": "<your-sila-access-token>"}, "BV_SILA_ACCESS_TOKEN holds the placeholder <...>"},
		{"a placeholder in a URL", "work", map[string]string{"BV_SILA_BASE_URL": "https://change-me.example.com"}, "BV_SILA_BASE_URL holds the placeholder change-me"},
		{"a short client secret", "serve", map[string]string{"BV_CLIENTS": "acme:s3cret"}, `BV_CLIENTS: the secret of client "acme" is 6 bytes`},
		{"a short JWT secret", "serve", map[string]string{"BV_JWT_SECRET": "jwt-secret"}, "BV_JWT_SECRET is 10 bytes"},
		{"a short provider secret", "work", map[string]string{"BV_SILA_ACCESS_TOKEN": "token"}, "BV_SILA_ACCESS_TOKEN is 5 bytes"},
		{"a short webhook secret", "work", map[string]string{"BV_WEBHOOK_SECRETS": "acme:whsec_c2hvcnQ="}, `the secret of client "acme" is not whsec_`},
		{"pprof on every interface", "serve", map[string]string{"BV_PPROF_ADDR": ":6060"}, `BV_PPROF_ADDR=":6060" is not a loopback address`},
		{"pprof on a private interface", "work", map[string]string{"BV_PPROF_ADDR": "10.0.0.5:6060"}, `BV_PPROF_ADDR="10.0.0.5:6060" is not a loopback address`},
		{"pprof on a public interface in dev", "dev", map[string]string{"BV_PPROF_ADDR": "0.0.0.0:6060"}, "is not a loopback address"},
		{"a worker without providers", "work", map[string]string{"BV_SILA_BASE_URL": ""}, "no provider is configured"},
		{"a provider without its credentials", "work", map[string]string{"BV_SILA_APP_HANDLE": ""}, "set BV_SILA_APP_HANDLE"},
		{"a listen address without a port", "serve", map[string]string{"BV_HTTP_ADDR": "0.0.0.0"}, `BV_HTTP_ADDR="0.0.0.0" is not host:port`},
		{"a bad number", "work", map[string]string{"BV_CHUNK_SIZE": "many"}, `BV_CHUNK_SIZE="many"`},
		{"a short client secret given to dev", "dev", map[string]string{"BV_CLIENTS": "acme:abc"}, `the secret of client "acme" is 3 bytes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err, out := checkWith(tt.cmd, tt.set)
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("got %v and output:\n%s\nwant a problem saying %q", err, out, tt.want)
			}
		})
	}
}

// check-config does not stop at the first problem, and a secret is never
// printed, even when it holds a placeholder.
func TestCheckConfigListsEveryProblemWithoutSecrets(t *testing.T) {
	err, out := checkWith("serve", map[string]string{
		"BV_DATA_KEY":   "",
		"BV_CLIENTS":    "acme:CHANGE-ME-sup3rs3cr3tvalue,globex:tiny",
		"BV_JWT_SECRET": "Zq9-short",
		"BV_PPROF_ADDR": ":6060",
	})
	if err == nil || !strings.Contains(err.Error(), "5 problems") {
		t.Errorf("got error %v, want 5 problems", err)
	}
	for _, want := range []string{"BV_DATA_KEY is not set", "BV_CLIENTS holds the placeholder CHANGE-ME", `client "globex" is 4 bytes`, "BV_JWT_SECRET is 9 bytes", "BV_PPROF_ADDR"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"sup3rs3cr3tvalue", "tiny", "Zq9-short"} {
		if strings.Contains(out, secret) || strings.Contains(err.Error(), secret) {
			t.Errorf("the output shows the secret %q:\n%s", secret, out)
		}
	}
}

// dev's own demo credentials are known by design; check-config dev does
// not count them, only what the operator set.
func TestCheckConfigDevIgnoresItsOwnDemoValues(t *testing.T) {
	if got := checkConfig("dev", func(string) string { return "" }); len(got) != 0 {
		t.Errorf("got problems %q for dev's defaults, want none", got)
	}
}

func TestPprofAddresses(t *testing.T) {
	tests := []struct {
		addr   string
		remote string
		ok     bool
	}{
		{"", "", true},
		{"127.0.0.1:6060", "", true},
		{"127.0.0.2:6060", "", true},
		{"[::1]:6060", "", true},
		{"localhost:6060", "", true},
		{":6060", "", false},
		{"0.0.0.0:6060", "", false},
		{"[::]:6060", "", false},
		{"10.0.0.5:6060", "", false},
		{"pprof.internal:6060", "", false},
		{"127.0.0.1", "", false},
		{":6060", "true", true},
		{"10.0.0.5:6060", "true", true},
	}
	for _, tt := range tests {
		t.Run(tt.addr+" remote="+tt.remote, func(t *testing.T) {
			err, out := checkWith("serve", map[string]string{"BV_PPROF_ADDR": tt.addr, "BV_PPROF_ALLOW_REMOTE": tt.remote})
			if (err == nil) != tt.ok {
				t.Errorf("got %v and output:\n%s\nwant ok=%v", err, out, tt.ok)
			}
		})
	}
}

// serve and work refuse a public BV_PPROF_ADDR before they connect to
// anything.
func TestPprofOnAPublicAddressIsRefusedAtStart(t *testing.T) {
	for _, cmd := range []string{"serve", "work"} {
		env := goodEnv()
		env["BV_PPROF_ADDR"] = ":6060"
		err := run(context.Background(), []string{cmd}, func(k string) string { return env[k] }, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "BV_PPROF_ADDR") {
			t.Errorf("%s: got %v, want a refusal naming BV_PPROF_ADDR", cmd, err)
		}
	}
	env := map[string]string{"BV_PPROF_ADDR": "0.0.0.0:6060", "BV_HTTP_ADDR": "127.0.0.1:0"}
	err := run(context.Background(), []string{"dev"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "BV_PPROF_ADDR") {
		t.Errorf("dev: got %v, want a refusal naming BV_PPROF_ADDR", err)
	}
}

// check-config opens no connection, to Redis in any mode, S3 or an
// upstream.
func TestCheckConfigConnectsToNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	redisURLs := map[string]string{
		"single":   "redis://" + addr + "/0",
		"cluster":  "redis://" + addr + "?addr=" + addr,
		"sentinel": "redis://" + addr + "?master_name=mymaster",
	}
	for mode, u := range redisURLs {
		for _, cmd := range []string{"serve", "work", "dev"} {
			err, out := checkWith(cmd, map[string]string{
				"BV_REDIS_MODE": mode, "BV_REDIS_URL": u,
				"BV_S3_ENDPOINT": "http://" + addr, "BV_SILA_BASE_URL": "http://" + addr,
				"BV_SILA_ACCESS_TOKEN": goodEnv()["BV_SILA_ACCESS_TOKEN"], "BV_SILA_APP_HANDLE": "acme.silamoney.eth",
			})
			if err != nil {
				t.Errorf("%s, Redis %s: got %v and output:\n%s", cmd, mode, err, out)
			}
		}
	}
	// Whatever dialled would have done so by now: the checks are over.
	ln.Close()
	if n := accepted.Load(); n != 0 {
		t.Errorf("got %d connections, want none", n)
	}
}

func TestCheckConfigUsage(t *testing.T) {
	for _, args := range [][]string{{"check-config"}, {"check-config", "simulate"}, {"check-config", "serve", "work"}} {
		err := run(context.Background(), args, func(string) string { return "" }, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "usage: bulkverify check-config serve|work|dev") {
			t.Errorf("%v: got %v, want the usage", args, err)
		}
	}
}
