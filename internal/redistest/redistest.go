// Package redistest gives tests a real redis-server: the one named by
// BV_TEST_REDIS_URL, or a fresh one started on a free loopback port. DB
// and Client give each test a database of its own, so that tests touching
// Redis (asynq's queues included) run in parallel.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	once   sync.Once
	shared string
	err    error
	proc   *exec.Cmd
)

// URL returns the redis:// URL of a real Redis server with an empty
// database for this test: database 0, flushed on every call, so the tests
// that use it cannot run in parallel. Prefer DB or Client. The server is
// started once per test binary and stopped by Main.
func URL(t testing.TB) string {
	t.Helper()
	server(t)
	rdb := redis.NewClient(mustParse(t, shared))
	defer rdb.Close()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("flush redis: %v", err)
	}
	return shared
}

// server returns the URL of the binary's server (database 0), starting
// it on the first call.
func server(t testing.TB) string {
	t.Helper()
	SkipIfShort(t)
	once.Do(func() { shared, err = start() })
	if err != nil {
		t.Fatalf("redis-server: %v", err)
	}
	return shared
}

// SkipIfShort skips an integration test under -short (make test-short),
// unless BV_TEST_REDIS_URL names a server to use.
func SkipIfShort(t testing.TB) {
	t.Helper()
	if testing.Short() && os.Getenv("BV_TEST_REDIS_URL") == "" {
		t.Skip("integration test on a real redis-server: skipped by -short")
	}
}

// Connect returns a client of url, closed when the test ends. Unlike URL
// it leaves the data alone.
func Connect(t testing.TB, url string) *redis.Client {
	rdb := redis.NewClient(mustParse(t, url))
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func mustParse(t testing.TB, u string) *redis.Options {
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("parse %s: %v", u, err)
	}
	return opt
}

// Main runs the tests of a package and stops the server it started.
func Main(m *testing.M) {
	code := m.Run()
	if proc != nil {
		proc.Process.Kill()
		proc.Wait()
	}
	os.Exit(code)
}

func start() (string, error) {
	if u := os.Getenv("BV_TEST_REDIS_URL"); u != "" {
		return u, nil
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", fmt.Errorf("not found on PATH: install it (apt-get install redis-server), run `make test`, which does, or set BV_TEST_REDIS_URL")
	}
	port, err := freePort()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
		"--databases", strconv.Itoa(databases))
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start %s: %w", bin, err)
	}
	proc = cmd
	u := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	rdb := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := rdb.Ping(context.Background()).Err(); err == nil {
			return u, nil
		} else if time.Now().After(deadline) {
			cmd.Process.Kill()
			return "", fmt.Errorf("redis-server on port %d did not answer PING within 10s: %w", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
