package ratelimit

import (
	"context"
	"testing"
	"time"
)

// A Wait under a meter adds the time it waited for its token, on the
// limiter's clock; a Wait under none adds nothing anywhere.
func TestWaitMeterAddsTheTimeWaitedForAToken(t *testing.T) {
	clock := newFakeClock()
	tokens := &scriptedTokens{answers: make(chan tokenAnswer), asked: make(chan int)}
	lim := newLimiter(Config{Provider: "p", Rate: 100, Burst: 5, Clock: clock}, tokens, fixedRate(100), newMetrics())
	lim.Start()
	defer lim.Shutdown()

	var m WaitMeter
	done := make(chan error, 2)
	go func() { done <- lim.Wait(WithWaitMeter(context.Background(), &m), "a") }()
	if n := <-tokens.asked; n != 1 {
		t.Fatalf("the dispatcher asked for %d tokens, want 1", n)
	}
	clock.advance(30 * time.Millisecond)
	tokens.answers <- tokenAnswer{granted: 1}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := m.Waited(); got != 30*time.Millisecond {
		t.Errorf("the meter read %v, want the 30ms the request waited", got)
	}

	go func() { done <- lim.Wait(context.Background(), "a") }()
	<-tokens.asked
	clock.advance(time.Second)
	tokens.answers <- tokenAnswer{granted: 1}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := m.Waited(); got != 30*time.Millisecond {
		t.Errorf("a Wait without the meter changed it to %v", got)
	}
}
