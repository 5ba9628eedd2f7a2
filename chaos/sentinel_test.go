//go:build chaos

package chaos

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify/internal/proctest"
)

// masterName is the name the sentinels monitor the master under.
const masterName = "mymaster"

// sentinels follows a Sentinel topology's failovers: when the master was
// killed and when a sentinel announced the new one (+switch-master).
type sentinels struct {
	mu               sync.Mutex
	killed, switched time.Time
	newMaster        string
}

func (s *sentinels) times() (killed, switched time.Time, master string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.killed, s.switched, s.newMaster
}

// startSentinel runs a master and a replica (redis-server with AOF, as
// startRedis) and three sentinels with a quorum of two, all on loopback,
// and points serve and work at the sentinels (BV_REDIS_MODE=sentinel).
func (c *cluster) startSentinel() {
	t := c.t
	args := func(port int) []string {
		return []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir(),
			"--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
			"--maxmemory-policy", "noeviction", "--protected-mode", "no"}
	}
	master, replica := proctest.FreePort(t), proctest.FreePort(t)
	c.redis, _ = startProc(t, "redis-master", "redis-server", args(master), nil, "")
	startProc(t, "redis-replica", "redis-server", append(args(replica), "--replicaof", "127.0.0.1", strconv.Itoa(master)), nil, "")
	var addrs []string
	for i := range 3 {
		port := proctest.FreePort(t)
		dir := t.TempDir()
		conf := filepath.Join(dir, "sentinel.conf")
		// A sentinel rewrites its config file: each has its own.
		os.WriteFile(conf, []byte(fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\n"+
			"sentinel monitor %s 127.0.0.1 %d 2\n"+
			"sentinel down-after-milliseconds %s 5000\n"+
			"sentinel failover-timeout %s 60000\n", port, dir, masterName, master, masterName, masterName)), 0o644)
		startProc(t, fmt.Sprintf("sentinel-%d", i+1), "redis-server", []string{conf, "--sentinel"}, nil, "")
		addrs = append(addrs, fmt.Sprintf("127.0.0.1:%d", port))
	}
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: masterName, SentinelAddrs: addrs, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	c.rdb = rdb
	c.redisOK = func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return rdb.Ping(ctx).Err() == nil
	}
	if !waitFor(30*time.Second, func() bool { return c.redisOK() && sentinelsReady(addrs) }) {
		t.Fatal("the master, its replica and three sentinels were not ready within 30 s")
	}
	c.sentinels = &sentinels{}
	c.watchSwitch(addrs[0])
	c.env = append(c.env, "BV_REDIS_MODE=sentinel",
		fmt.Sprintf("BV_REDIS_URL=redis://%s/0?addr=%s&addr=%s&master_name=%s", addrs[0], addrs[1], addrs[2], masterName))
}

// sentinelsReady reports whether every sentinel sees the replica in sync
// and the two other sentinels, so that a failover can be agreed on.
func sentinelsReady(addrs []string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, a := range addrs {
		s := redis.NewSentinelClient(&redis.Options{Addr: a})
		m, err := s.Master(ctx, masterName).Result()
		s.Close()
		if err != nil || m["num-slaves"] != "1" || m["num-other-sentinels"] != "2" {
			return false
		}
	}
	return true
}

// watchSwitch records when a sentinel announces a new master.
func (c *cluster) watchSwitch(addr string) {
	s := redis.NewSentinelClient(&redis.Options{Addr: addr})
	sub := s.Subscribe(context.Background(), "+switch-master")
	c.t.Cleanup(func() { sub.Close(); s.Close() })
	go func() {
		for msg := range sub.Channel() {
			// "<name> <old-ip> <old-port> <new-ip> <new-port>"
			f := strings.Fields(msg.Payload)
			c.sentinels.mu.Lock()
			if c.sentinels.switched.IsZero() {
				c.sentinels.switched = time.Now()
				if len(f) == 5 {
					c.sentinels.newMaster = f[3] + ":" + f[4]
				}
			}
			c.sentinels.mu.Unlock()
		}
	}()
}

// killMaster kills the Redis master -9 and leaves it down: the sentinels
// must promote the replica.
func (c *cluster) killMaster() {
	c.sentinels.mu.Lock()
	c.sentinels.killed = time.Now()
	c.sentinels.mu.Unlock()
	c.redis.kill()
	if !waitFor(60*time.Second, func() bool { _, sw, _ := c.sentinels.times(); return !sw.IsZero() }) {
		c.t.Error("no sentinel announced a new master (+switch-master) within 60 s of the master's death")
	}
}
