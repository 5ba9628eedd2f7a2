// Package proctest finds what the benchmarks and the chaos suite run as
// separate processes: the bulkverify binary, MinIO, free loopback ports.
package proctest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Binary returns the absolute path of the bulkverify binary: the one envVar
// names, or rel (relative to the test's package), which `make build`
// writes. It fails the test, saying how to get one, when there is none.
func Binary(t testing.TB, envVar, rel string) string {
	t.Helper()
	bin := os.Getenv(envVar)
	if bin == "" {
		bin = rel
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("%s: build it first (make build) or set %s", abs, envVar)
	}
	return abs
}

// MinIO returns the path of a MinIO server: the one envVar names, minio on
// the PATH, or $GOPATH/bin/minio (where scripts/ensure-minio.sh installs
// it); "" when there is none.
func MinIO(envVar string) string {
	if p := os.Getenv(envVar); p != "" {
		return p
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "minio")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// FreePort returns a loopback port nobody listens on (for a moment).
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
