package ratelimit

import (
	"context"
	"sync/atomic"
	"time"
)

// WaitMeter adds up the time the requests of one piece of work (a chunk's
// delivery) spent waiting for a token. Set it in the context with
// WithWaitMeter; every Wait under that context adds to it. It tells a
// worker whether the limit, not the upstream, is what holds its rows back.
type WaitMeter struct{ waited atomic.Int64 }

// Waited returns the time added so far, summed over concurrent requests: a
// chunk whose eight rows all waited one second reads eight seconds.
func (m *WaitMeter) Waited() time.Duration { return time.Duration(m.waited.Load()) }

func (m *WaitMeter) add(d time.Duration) { m.waited.Add(int64(d)) }

type meterKey struct{}

// WithWaitMeter makes every Wait under ctx add its waiting time to m.
func WithWaitMeter(ctx context.Context, m *WaitMeter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

func meterFrom(ctx context.Context) *WaitMeter {
	m, _ := ctx.Value(meterKey{}).(*WaitMeter)
	return m
}
