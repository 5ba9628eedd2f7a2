package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startServer runs redis-server with args on a free port until the test
// ends and returns the port.
func startServer(t *testing.T, dir string, args ...string) int {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed: apt-get install redis-server, or run make test")
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	all := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir}, args...)
	cmd := exec.Command(bin, all...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitPing(t, &redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	return port
}

func waitPing(t *testing.T, opt *redis.Options) {
	t.Helper()
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for rdb.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis on %s did not answer within 10s", opt.Addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ClusterURL starts a three-node Redis Cluster and returns its URL for
// BV_REDIS_MODE=cluster.
func ClusterURL(t *testing.T) string {
	SkipIfShort(t)
	dir := t.TempDir()
	var ports []int
	for i := range 3 {
		ports = append(ports, startServer(t, dir, "--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", i))))
	}
	args := []string{"--cluster", "create"}
	for _, p := range ports {
		args = append(args, fmt.Sprintf("127.0.0.1:%d", p))
	}
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	url := fmt.Sprintf("redis://127.0.0.1:%d?addr=127.0.0.1:%d&addr=127.0.0.1:%d", ports[0], ports[1], ports[2])
	// Every node must see the cluster ok: one node says so before the
	// others have converged, and a command they get meanwhile answers
	// CLUSTERDOWN.
	deadline := time.Now().Add(20 * time.Second)
	for _, p := range ports {
		node := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", p)})
		for {
			info, err := node.ClusterInfo(context.Background()).Result()
			if err == nil && contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				node.Close()
				t.Fatalf("cluster node %d not ok within 20s: %v %s", p, err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
		node.Close()
	}
	return url
}

// SentinelURL starts a master and one Sentinel watching it and returns the
// URL for BV_REDIS_MODE=sentinel.
func SentinelURL(t *testing.T) string {
	SkipIfShort(t)
	dir := t.TempDir()
	master := startServer(t, dir)
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	// A sentinel runs from a config file of its own, which it rewrites.
	conf := filepath.Join(dir, "sentinel.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor mymaster 127.0.0.1 %d 1\n", port, dir, master)), 0o644)
	cmd := exec.Command("redis-server", conf, "--sentinel")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitPing(t, &redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	sentinel := port
	rdb := redis.NewSentinelClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", sentinel)})
	defer rdb.Close()
	if _, err := rdb.GetMasterAddrByName(context.Background(), "mymaster").Result(); err != nil {
		t.Fatalf("sentinel does not know mymaster: %v", err)
	}
	return fmt.Sprintf("redis://127.0.0.1:%d?master_name=mymaster", sentinel)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
