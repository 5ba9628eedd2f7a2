package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

// The backlog reads asynq's own pending lists: a task queued by asynq's
// client is seen, one in a webhook queue is not.
func TestBacklogSeesPendingTasks(t *testing.T) {
	t.Parallel()
	url := redistest.DB(t)
	rdb := redistest.Connect(t, url)
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: opt.Addr, DB: opt.DB})
	defer client.Close()
	ctx := context.Background()

	if (&Backlog{RDB: rdb}).Waiting(ctx) {
		t.Fatal("an empty queue reads as waiting")
	}
	if _, err := client.Enqueue(asynq.NewTask(TypeWebhook, nil, asynq.Queue(QueueWebhooks))); err != nil {
		t.Fatal(err)
	}
	if (&Backlog{RDB: rdb}).Waiting(ctx) {
		t.Error("a pending webhook delivery reads as a task waiting for a chunk's slot")
	}
	for _, q := range backlogQueues {
		t.Run(q, func(t *testing.T) {
			if _, err := client.Enqueue(asynq.NewTask(TypeFinalize, nil, asynq.Queue(q))); err != nil {
				t.Fatal(err)
			}
			if !(&Backlog{RDB: rdb}).Waiting(ctx) {
				t.Errorf("a task pending in queue %s is not seen", q)
			}
			rdb.Del(ctx, pendingKey(q))
		})
	}
}

// Within Every the answer is the one read last: a task queued meanwhile is
// seen on the next read, not before.
func TestBacklogReadsAtMostOncePerEvery(t *testing.T) {
	t.Parallel()
	rdb := redistest.Client(t)
	ctx := context.Background()
	b := &Backlog{RDB: rdb, Every: time.Hour}
	if b.Waiting(ctx) {
		t.Fatal("an empty queue reads as waiting")
	}
	rdb.LPush(ctx, pendingKey(QueueChunks), "task")
	if b.Waiting(ctx) {
		t.Error("read Redis again within Every")
	}
	b.at = b.at.Add(-2 * time.Hour)
	if !b.Waiting(ctx) {
		t.Error("did not read Redis again after Every")
	}
}

func TestMain(m *testing.M) { redistest.Main(m) }
