package ratelimit

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// rateSource reports upstream answers and returns the adapted rate in
// force.
type rateSource interface {
	report(ctx context.Context, ok, throttled int) (State, error)
}

// sharedRate is the adapted rate of one provider, kept in Redis so that
// every worker slows down and recovers together. Answers are pooled by a
// script; the worker whose report closes a window judges it (Params.Next)
// and writes the new state, unless another judge wrote one meanwhile.
type sharedRate struct {
	rdb        redis.UniversalClient
	key        string
	configured float64
	params     Params
}

var _ rateSource = (*sharedRate)(nil)

//go:embed shared_rate.lua
var sharedRateLua string

var (
	sharedRateScript = redis.NewScript(sharedRateLua)
	applyScript      = redis.NewScript(`
if (redis.call('HGET', KEYS[1], 'ver') or '0') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'state', ARGV[2], 'ver', tonumber(ARGV[1]) + 1)
  return 1
end
return 0`)
)

func (r *sharedRate) report(ctx context.Context, ok, throttled int) (State, error) {
	res, err := sharedRateScript.Run(ctx, r.rdb, []string{r.key}, ok, throttled,
		r.params.Window.Milliseconds(), r.params.MinSample).Slice()
	if err != nil {
		return State{}, fmt.Errorf("report answers of %s: %w", r.key, err)
	}
	if len(res) != 7 {
		return State{}, fmt.Errorf("report answers of %s: got %d values", r.key, len(res))
	}
	s := initialState(r.configured)
	if raw, _ := res[0].(string); raw != "" {
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			s = initialState(r.configured)
		}
	}
	s = r.params.clamp(s, r.configured)
	if judge, _ := res[2].(int64); judge != 1 {
		return s, nil
	}
	w := Window{OK: toInt(res[3]), Throttled: toInt(res[4]), StartMS: int64(toInt(res[5])), EndMS: int64(toInt(res[6]))}
	next := r.params.Next(s, w, r.configured)
	b, _ := json.Marshal(next)
	ver, _ := res[1].(string)
	written, err := applyScript.Run(ctx, r.rdb, []string{r.key}, ver, b).Int()
	if err != nil {
		return s, fmt.Errorf("write adapted rate of %s: %w", r.key, err)
	}
	if written == 0 {
		return s, nil // another judge's state won; it is read next time
	}
	return next, nil
}

func toInt(v any) int {
	n, _ := v.(int64)
	return int(n)
}
