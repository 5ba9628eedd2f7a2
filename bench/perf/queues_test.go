//go:build bench

package perf

import (
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// waitQueuesIdle waits until no queue in Redis at url holds a pending,
// scheduled, retrying or active task: every task the workers were given
// is done and acknowledged.
func waitQueuesIdle(t *testing.T, url string, within time.Duration) {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	in := asynq.NewInspector(asynq.RedisClientOpt{Addr: opt.Addr, Password: opt.Password, DB: opt.DB})
	defer in.Close()
	deadline := time.Now().Add(within)
	for {
		busy := 0
		queues, err := in.Queues()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queues {
			info, err := in.GetQueueInfo(q)
			if err != nil {
				t.Fatal(err)
			}
			busy += info.Pending + info.Scheduled + info.Retry + info.Active
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tasks still queued or running after %s", busy, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
