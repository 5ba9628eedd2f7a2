package storage

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// scriptArgs are one script's typed arguments: a small struct per script
// whose keysArgs builds its KEYS and ARGV, so no call site assembles them
// by hand.
type scriptArgs interface {
	keysArgs() (keys []string, args []any)
}

// script is an embedded Lua script that takes only arguments of type A.
type script[A scriptArgs] struct{ s *redis.Script }

func newScript[A scriptArgs](src string) script[A] { return script[A]{redis.NewScript(src)} }

// Run runs the script with a: EVALSHA, then EVAL should Redis not have it.
func (s script[A]) Run(ctx context.Context, c redis.Scripter, a A) *redis.Cmd {
	keys, args := a.keysArgs()
	return s.s.Run(ctx, c, keys, args...)
}

// Eval sends the whole script with a (for a pipeline, where Run's
// fallback cannot happen).
func (s script[A]) Eval(ctx context.Context, c redis.Scripter, a A) *redis.Cmd {
	keys, args := a.keysArgs()
	return s.s.Eval(ctx, c, keys, args...)
}

// EvalSha runs the script by its hash with a; the caller loads it (Load)
// on NOSCRIPT.
func (s script[A]) EvalSha(ctx context.Context, c redis.Scripter, a A) *redis.Cmd {
	keys, args := a.keysArgs()
	return s.s.EvalSha(ctx, c, keys, args...)
}

// Load loads the script into Redis's script cache.
func (s script[A]) Load(ctx context.Context, c redis.Scripter) *redis.StringCmd {
	return s.s.Load(ctx, c)
}
