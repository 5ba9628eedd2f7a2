package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// databases is how many databases the server started here has: a test
// holds one while it runs, so this bounds the tests that run at once, not
// the tests of a binary.
const databases = 256

// claimKey marks a database as held by a test, so that test binaries
// sharing one server (BV_TEST_REDIS_URL; go test runs packages at the same
// time) never hold the same one. It expires, in case its binary dies
// without handing the database back.
const (
	claimKey = "redistest:claim"
	claimTTL = 30 * time.Minute
)

// waitForDB bounds how long DB waits for a database when every one is held.
const waitForDB = time.Minute

var (
	poolOnce sync.Once
	pool     chan int // databases no test of this binary holds, the least recently used first
	poolErr  error
)

// DB returns the redis:// URL of a database of the binary's server that
// is this test's alone: empty when handed out, held by no other test of
// any binary while this test runs, flushed and handed back when it ends.
// Everything in Redis is isolated by it, asynq's queues as well as the
// service's keys, so tests that use it may call t.Parallel(). Database 0
// is never handed out: it belongs to URL.
func DB(t testing.TB) string {
	t.Helper()
	base := server(t)
	poolOnce.Do(func() { pool, poolErr = newPool(base) })
	if poolErr != nil {
		t.Fatalf("redis databases: %v", poolErr)
	}
	token := newToken()
	var held []int // databases another binary holds: back to the pool once we have ours
	defer func() {
		for _, db := range held {
			pool <- db
		}
	}()
	timeout := time.NewTimer(waitForDB)
	defer timeout.Stop()
	for {
		var db int
		select {
		case db = <-pool:
		case <-timeout.C:
			t.Fatalf("no free Redis database within %v: all %d are held by running tests", waitForDB, cap(pool))
		}
		opt := mustParse(t, base)
		opt.DB = db
		rdb := redis.NewClient(opt)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ok, err := rdb.SetNX(ctx, claimKey, token, claimTTL).Result()
		if err == nil && ok {
			err = clearExcept(ctx, rdb, claimKey) // what a binary that died holding it left
		}
		cancel()
		if err != nil {
			rdb.Close()
			pool <- db
			t.Fatalf("claim redis database %d: %v", db, err)
		}
		if !ok {
			rdb.Close()
			held = append(held, db)
			continue
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			// The flush drops the claim too. A database it failed to
			// flush keeps its claim and is skipped until it expires.
			rdb.FlushDB(ctx)
			rdb.Close()
			pool <- db
		})
		return withDB(t, base, db)
	}
}

// Client returns a client of a database of this test's own (see DB),
// closed when the test ends.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	return Connect(t, DB(t))
}

// newPool lists the databases of the server at base but 0, which URL
// hands out.
func newPool(base string) (chan int, error) {
	opt, err := redis.ParseURL(base)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	n := 16 // Redis's default, when the server does not say (CONFIG may be disabled)
	if cfg, err := rdb.ConfigGet(context.Background(), "databases").Result(); err == nil {
		if v, err := strconv.Atoi(cfg["databases"]); err == nil && v > 0 {
			n = v
		}
	}
	if n < 2 {
		return nil, fmt.Errorf("the server has %d database: a test needs one besides database 0", n)
	}
	p := make(chan int, n-1)
	for db := 1; db < n; db++ {
		p <- db
	}
	return p, nil
}

// clearExcept deletes every key of the client's database but keep.
func clearExcept(ctx context.Context, rdb *redis.Client, keep string) error {
	var cursor uint64
	for {
		keys, next, err := rdb.Scan(ctx, cursor, "*", 1000).Result()
		if err != nil {
			return err
		}
		var del []string
		for _, k := range keys {
			if k != keep {
				del = append(del, k)
			}
		}
		if len(del) > 0 {
			if err := rdb.Del(ctx, del...).Err(); err != nil {
				return err
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// withDB returns base with its database set to db.
func withDB(t testing.TB, base string, db int) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	if u.Scheme == "unix" { // the database is a query parameter there
		q := u.Query()
		q.Set("db", strconv.Itoa(db))
		u.RawQuery = q.Encode()
	} else {
		u.Path = "/" + strconv.Itoa(db)
	}
	return u.String()
}

func newToken() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
