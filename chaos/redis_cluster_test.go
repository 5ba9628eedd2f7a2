//go:build chaos

package chaos

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify/internal/proctest"
	"github.com/bulkverify/bulkverify/jobs"
)

// The Redis Cluster scenario: serve and work run on a cluster of three
// masters with no replica (BV_REDIS_MODE=cluster), and at half the batch
// the master that holds asynq's chunks queue is killed -9 and started again
// on its port 2 s later. No failover happens: with the default
// cluster-node-timeout of 15 s the other masters never mark it failed, so
// its slots are out of reach for the outage and for the 2 s a restarted
// master waits before it says cluster_state:ok (Redis's
// CLUSTER_WRITABLE_DELAY). Its AOF gives back every write it acknowledged:
// with appendfsync everysec only a crash of the machine, not a kill -9 of
// the process, loses what was handed to the kernel.

// clusterNodes is the number of masters.
const clusterNodes = 3

// chunksQueueKey is a key of asynq's chunks queue, the one every verifying
// worker polls. All its keys share the hash tag {chunks}, and so one slot
// and one node (asynq's base.QueueKeyPrefix).
var chunksQueueKey = "asynq:{" + jobs.QueueChunks + "}:pending"

// redisCluster is a Redis Cluster whose every master keeps its AOF and its
// nodes.conf in a dir of its own, so that one started again on its port
// comes back with its data, its node ID and its slots.
type redisCluster struct {
	nodes   []*proc
	addrs   []string
	clients []*redis.Client // one a node, for CLUSTER INFO

	mu sync.Mutex
	// node is the node killed; killed, restarted and ok when it was
	// killed, started again, and seen ok again by every node; keysBefore
	// and keysAfter its DBSIZE before the kill and once it had loaded its
	// AOF again (-1: unread).
	node                  string
	killed, restarted, ok time.Time
	keysBefore, keysAfter int64
}

// startRedisCluster runs three masters on loopback, assigns them the slots
// and points serve and work at them (BV_REDIS_MODE=cluster).
func (c *cluster) startRedisCluster() {
	t := c.t
	rc := &redisCluster{}
	for i := range clusterNodes {
		rc.startNode(t, i)
	}
	if !waitFor(20*time.Second, rc.answer) {
		t.Fatal("the cluster's nodes did not answer within 20 s")
	}
	rc.create(t)
	if !waitFor(30*time.Second, rc.allOK) {
		t.Fatal("the cluster was not ok on every node within 30 s of its creation")
	}
	c.redisCluster = rc
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: rc.addrs, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	c.rdb = rdb
	c.redisOK = rc.allOK
	// The URL form of redistest.ClusterURL: the first node, the others as
	// ?addr=.
	c.env = append(c.env, "BV_REDIS_MODE=cluster",
		fmt.Sprintf("BV_REDIS_URL=redis://%s?addr=%s&addr=%s", rc.addrs[0], rc.addrs[1], rc.addrs[2]))
}

// startNode starts the i-th master with AOF as startRedis does. The
// cluster bus gets a free port of its own (cluster-port): the default,
// the port + 10000, may be taken or past 65535.
func (rc *redisCluster) startNode(t *testing.T, i int) {
	port, bus := proctest.FreePort(t), proctest.FreePort(t)
	dir := t.TempDir()
	p, _ := startProc(t, fmt.Sprintf("redis-node-%d", i+1), "redis-server", []string{
		"--port", strconv.Itoa(port), "--cluster-port", strconv.Itoa(bus), "--bind", "127.0.0.1", "--dir", dir,
		"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes.conf"),
		"--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
		"--maxmemory-policy", "noeviction", "--protected-mode", "no",
	}, nil, "")
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cl := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { cl.Close() })
	rc.nodes = append(rc.nodes, p)
	rc.addrs = append(rc.addrs, addr)
	rc.clients = append(rc.clients, cl)
}

// create assigns the slots and joins the nodes as redistest.ClusterURL
// does, with redis-cli --cluster create (which passes each node's bus port
// to CLUSTER MEET).
func (rc *redisCluster) create(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"--cluster", "create"}, rc.addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
}

// answer reports whether every node answers PING.
func (rc *redisCluster) answer() bool {
	return rc.each(func(ctx context.Context, cl *redis.Client) bool { return cl.Ping(ctx).Err() == nil })
}

// allOK reports whether every node says cluster_state:ok: one node says so
// before the others have converged, and a command one of them gets
// meanwhile answers CLUSTERDOWN.
func (rc *redisCluster) allOK() bool {
	return rc.each(func(ctx context.Context, cl *redis.Client) bool {
		info, err := cl.ClusterInfo(ctx).Result()
		return err == nil && strings.Contains(info, "cluster_state:ok")
	})
}

// each reports whether ok holds for every node, giving each a second.
func (rc *redisCluster) each(ok func(ctx context.Context, cl *redis.Client) bool) bool {
	for _, cl := range rc.clients {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		good := ok(ctx, cl)
		cancel()
		if !good {
			return false
		}
	}
	return true
}

// owner returns the index of the node that holds key's slot.
func (rc *redisCluster) owner(key string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	slot, err := rc.clients[0].ClusterKeySlot(ctx, key).Result()
	if err != nil {
		return 0, fmt.Errorf("CLUSTER KEYSLOT %s: %w", key, err)
	}
	ranges, err := rc.clients[0].ClusterSlots(ctx).Result()
	if err != nil {
		return 0, fmt.Errorf("CLUSTER SLOTS: %w", err)
	}
	for _, r := range ranges {
		if int64(r.Start) <= slot && slot <= int64(r.End) && len(r.Nodes) > 0 {
			if i := slices.Index(rc.addrs, r.Nodes[0].Addr); i >= 0 {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("no node holds slot %d (%s)", slot, key)
}

func (rc *redisCluster) set(do func()) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	do()
}

// restartClusterNode kills -9 the master that holds asynq's chunks queue
// (node 1 when that cannot be read), starts it again on its port and dir
// 2 s later, and waits for every node to say cluster_state:ok.
func (c *cluster) restartClusterNode() {
	rc := c.redisCluster
	i, err := rc.owner(chunksQueueKey)
	if err != nil {
		c.t.Logf("killing node 1: which node holds the chunks queue is unknown: %v", err)
	}
	node := rc.label(i, c.batch)
	c.t.Logf("killing %s", node)
	before := rc.dbSize(i)
	rc.set(func() { rc.node, rc.killed, rc.keysBefore, rc.keysAfter = node, time.Now(), before, -1 })
	rc.nodes[i].kill()
	time.Sleep(2 * time.Second) // the outage itself
	rc.nodes[i].start("")
	rc.set(func() { rc.restarted = time.Now() })
	// Until the node is ok it takes no writes (CLUSTERDOWN), so its first
	// DBSIZE once loaded is what its AOF gave back.
	var after int64 = -1
	waitFor(30*time.Second, func() bool { after = rc.dbSize(i); return after >= 0 })
	rc.set(func() { rc.keysAfter = after })
	if !waitFor(60*time.Second, rc.allOK) {
		c.t.Errorf("the cluster was not ok on every node within 60 s of %s's restart", rc.addrs[i])
		return
	}
	rc.set(func() { rc.ok = time.Now() })
}

// label names node i and what of the batch under test it holds.
func (rc *redisCluster) label(i int, batch string) string {
	holds := "the chunks queue"
	if b, err := rc.owner(stateKey(batch)); err == nil && b == i {
		holds += " and the batch's state"
	}
	return fmt.Sprintf("node %d at %s, holding %s", i+1, rc.addrs[i], holds)
}

// dbSize returns node i's DBSIZE, -1 when it does not answer (or is still
// loading its AOF).
func (rc *redisCluster) dbSize(i int) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	n, err := rc.clients[i].DBSize(ctx).Result()
	if err != nil {
		return -1
	}
	return n
}

// nodeRestartOutcome is what the Redis Cluster scenario measured, from the
// batch's start: when the node was killed, started again and the cluster
// ok again, and the longest time without progress from then on.
type nodeRestartOutcome struct {
	node                        string
	killedAt, restartedAt, okAt time.Duration
	stallAfterOK                time.Duration
	keysBefore, keysAfter       int64
}

// outcome returns the figures of the node's restart; nil when no node was
// killed.
func (rc *redisCluster) outcome(start time.Time, progressAt []time.Time, finished bool, end time.Time) *nodeRestartOutcome {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.killed.IsZero() {
		return nil
	}
	r := &nodeRestartOutcome{node: rc.node, killedAt: rc.killed.Sub(start), keysBefore: rc.keysBefore, keysAfter: rc.keysAfter}
	if !rc.restarted.IsZero() {
		r.restartedAt = rc.restarted.Sub(start)
	}
	if !rc.ok.IsZero() {
		r.okAt = rc.ok.Sub(start)
		r.stallAfterOK = longestStall(rc.ok, progressAt, finished, end)
	}
	return r
}

func (r *nodeRestartOutcome) String() string {
	s := fmt.Sprintf("%s, killed -9 at %.0f s with %d keys", r.node, r.killedAt.Seconds(), r.keysBefore)
	if r.restartedAt > 0 {
		s += fmt.Sprintf(", started again %.1f s later with %d", (r.restartedAt - r.killedAt).Seconds(), r.keysAfter)
	}
	if r.okAt == 0 {
		return s + ", the cluster never ok again"
	}
	return s + fmt.Sprintf(", cluster ok %.1f s after the restart; %.1f s after it", (r.okAt-r.restartedAt).Seconds(), r.stallAfterOK.Seconds())
}
