package storage

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// AuthThrottle counts failed authentications in Redis, shared by every
// serve process: each key (a client id, a source address) has a window
// that opens at its first failure and lasts window; once limit failures
// fall in it, the key is blocked until the window closes.
type AuthThrottle struct {
	rdb    redis.UniversalClient
	limit  int64
	window time.Duration
}

// NewAuthThrottle blocks a key after limit failures within window
// (BV_AUTH_FAILURES_PER_MINUTE failures in a minute).
func NewAuthThrottle(rdb redis.UniversalClient, limit int, window time.Duration) *AuthThrottle {
	return &AuthThrottle{rdb: rdb, limit: int64(max(limit, 1)), window: window}
}

// Blocked returns how long until every key may try again, without
// counting an attempt: 0 when none has reached the limit. Each key is
// read on its own (no multi-key command), so that it works on a Redis
// Cluster.
func (t *AuthThrottle) Blocked(ctx context.Context, keys ...string) (time.Duration, error) {
	pipe := t.rdb.Pipeline()
	counts := make([]*redis.StringCmd, len(keys))
	ttls := make([]*redis.DurationCmd, len(keys))
	for i, k := range keys {
		counts[i] = pipe.Get(ctx, authFailKey(k))
		ttls[i] = pipe.PTTL(ctx, authFailKey(k))
	}
	pipe.Exec(ctx) // each command's error is read below
	var wait time.Duration
	for i := range keys {
		n, err := counts[i].Int64()
		if err == redis.Nil {
			continue // no failure in the window
		}
		if err == nil {
			err = ttls[i].Err()
		}
		if err != nil {
			return 0, fmt.Errorf("read failed authentications: %w", err)
		}
		if n < t.limit {
			continue
		}
		ttl := ttls[i].Val()
		switch {
		case ttl == -2:
			continue // expired between the two reads
		case ttl <= 0:
			// No expiry cannot happen (failScript sets one); should it,
			// block for a whole window rather than for ever.
			ttl = t.window
		}
		wait = max(wait, ttl)
	}
	return wait, nil
}

// failScript counts one failure, opens the key's window at the first and
// returns the count and the window's milliseconds left.
//
//go:embed auth_fail.lua
var failLua string

var failScript = newScript[failArgs](failLua)

// failArgs count one failure of key in a window of window.
type failArgs struct {
	key    string
	window time.Duration
}

func (a failArgs) keysArgs() ([]string, []any) {
	return []string{authFailKey(a.key)}, []any{a.window.Milliseconds()}
}

// Failed counts one failed attempt against each of keys and returns how
// long until they may try again: 0 while every key is within the limit
// (this failure included), else until the window of the key past it
// closes. Counting and comparing are one step, so that concurrent
// attempts cannot all slip under the limit.
func (t *AuthThrottle) Failed(ctx context.Context, keys ...string) (time.Duration, error) {
	pipe := t.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(keys))
	for i, k := range keys {
		cmds[i] = failScript.Eval(ctx, pipe, failArgs{key: k, window: t.window})
	}
	pipe.Exec(ctx) // each command's error is read below
	var wait time.Duration
	for _, c := range cmds {
		v, err := c.Int64Slice()
		if err != nil || len(v) != 2 {
			return 0, fmt.Errorf("count failed authentication: %w", errors.Join(err, c.Err()))
		}
		if v[0] > t.limit {
			wait = max(wait, time.Duration(v[1])*time.Millisecond)
		}
	}
	return wait, nil
}
