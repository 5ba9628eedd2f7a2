package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// minRedis is the oldest Redis the program runs on: its scripts write after
// reading TIME, which needs the effects replication of Redis 5.
const minRedis = 5

// checkRedis reads what the server says of itself (every master of a
// cluster) and refuses one that would lose data silently: one that evicts
// keys when it is full (asynq's tasks and the batch state would vanish) or
// one too old for the scripts. What cannot be read (an embedded or managed
// Redis that hides INFO) is left unchecked and said in a warning.
func checkRedis(ctx context.Context, rdb redis.UniversalClient) (warnings []string, err error) {
	var mu sync.Mutex
	var problems []string
	check := func(ctx context.Context, c *redis.Client) error {
		info, ierr := redisInfo(ctx, c)
		w, p := judgeRedis(c.Options().Addr, info, ierr)
		mu.Lock()
		defer mu.Unlock()
		warnings = append(warnings, w...)
		problems = append(problems, p...)
		return nil
	}
	switch c := rdb.(type) {
	case *redis.ClusterClient:
		if err := c.ForEachMaster(ctx, check); err != nil {
			return nil, err
		}
	case *redis.Client:
		check(ctx, c)
	default:
		return []string{"the Redis server's version and maxmemory-policy were not checked"}, nil
	}
	if len(problems) > 0 {
		return warnings, fmt.Errorf("Redis cannot be used as it is:\n  %s", strings.Join(problems, "\n  "))
	}
	return warnings, nil
}

// redisInfo returns the fields of INFO server and INFO memory.
func redisInfo(ctx context.Context, c *redis.Client) (map[string]string, error) {
	info := map[string]string{}
	for _, section := range []string{"server", "memory"} {
		s, err := c.Info(ctx, section).Result()
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(s, "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
				info[k] = v
			}
		}
	}
	return info, nil
}

// judgeRedis says what is wrong with the server at addr, from its INFO.
func judgeRedis(addr string, info map[string]string, infoErr error) (warnings, problems []string) {
	if infoErr != nil || info["redis_version"] == "" {
		return []string{fmt.Sprintf("Redis at %s: version and maxmemory-policy not checked (INFO unreadable): make sure it runs Redis %d or later with maxmemory-policy noeviction", addr, minRedis)}, nil
	}
	if major, _ := strconv.Atoi(strings.Split(info["redis_version"], ".")[0]); major < minRedis {
		problems = append(problems, fmt.Sprintf("Redis at %s is version %s: the program needs %d.0 or later", addr, info["redis_version"], minRedis))
	}
	policy, maxmemory := info["maxmemory_policy"], info["maxmemory"]
	switch {
	case policy == "" || policy == "noeviction":
	case maxmemory == "0":
		warnings = append(warnings, fmt.Sprintf("Redis at %s has maxmemory-policy %s: harmless while maxmemory is 0, but once a limit is set it would evict queued tasks and batch state; set maxmemory-policy noeviction", addr, policy))
	default:
		problems = append(problems, fmt.Sprintf("Redis at %s evicts keys when full (maxmemory %s bytes, maxmemory-policy %s): queued tasks and batch state would vanish without an error; set maxmemory-policy noeviction (and a maxmemory that fits the batches, or none)", addr, maxmemory, policy))
	}
	return warnings, problems
}
