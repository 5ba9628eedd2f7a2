package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

func TestJudgeRedis(t *testing.T) {
	tests := []struct {
		name             string
		info             map[string]string
		infoErr          error
		warning, problem string
	}{
		{"Redis 7 with noeviction passes", map[string]string{"redis_version": "7.0.15", "maxmemory_policy": "noeviction", "maxmemory": "0"}, nil, "", ""},
		{"a policy that evicts once full is refused", map[string]string{"redis_version": "7.2.4", "maxmemory_policy": "allkeys-lru", "maxmemory": "1073741824"}, nil, "", "evicts keys when full"},
		{"volatile eviction is refused too: the batch state has a TTL", map[string]string{"redis_version": "7.2.4", "maxmemory_policy": "volatile-lru", "maxmemory": "1073741824"}, nil, "", "set maxmemory-policy noeviction"},
		{"an evicting policy without maxmemory is a warning", map[string]string{"redis_version": "6.2.0", "maxmemory_policy": "allkeys-lru", "maxmemory": "0"}, nil, "once a limit is set", ""},
		{"Redis 4 is refused", map[string]string{"redis_version": "4.0.14", "maxmemory_policy": "noeviction", "maxmemory": "0"}, nil, "", "needs 5.0 or later"},
		{"an INFO that cannot be read is a warning", nil, errors.New("ERR unknown command"), "not checked", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, p := judgeRedis("127.0.0.1:6379", tt.info, tt.infoErr)
			if got := strings.Join(w, "; "); (tt.warning == "") != (got == "") || !strings.Contains(got, tt.warning) {
				t.Errorf("got warnings %q, want one saying %q", got, tt.warning)
			}
			if got := strings.Join(p, "; "); (tt.problem == "") != (got == "") || !strings.Contains(got, tt.problem) {
				t.Errorf("got problems %q, want one saying %q", got, tt.problem)
			}
		})
	}
}

// A real server that would evict is refused at start, with what to change.
func TestCheckRedisRefusesAnEvictingServer(t *testing.T) {
	ctx := context.Background()
	opt, _ := redis.ParseURL(redistest.URL(t))
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() }) // after the restore below: cleanups run last first
	if w, err := checkRedis(ctx, rdb); err != nil || len(w) != 0 {
		t.Fatalf("the test server as started: got warnings %v and %v, want neither", w, err)
	}
	old, err := rdb.ConfigGet(ctx, "maxmemory*").Result()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The other tests share this server: they must find it as it was.
		for _, k := range []string{"maxmemory-policy", "maxmemory"} {
			if err := rdb.ConfigSet(ctx, k, old[k]).Err(); err != nil {
				t.Errorf("restore %s of the shared test server: %v", k, err)
			}
		}
	})
	rdb.ConfigSet(ctx, "maxmemory", "1gb")
	rdb.ConfigSet(ctx, "maxmemory-policy", "allkeys-lru")
	if _, err := checkRedis(ctx, rdb); err == nil || !strings.Contains(err.Error(), "maxmemory-policy noeviction") {
		t.Errorf("with allkeys-lru and 1gb: got %v, want an error naming maxmemory-policy noeviction", err)
	}
}
