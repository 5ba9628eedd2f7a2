package storage

import (
	"context"
	"testing"
	"time"
)

// A finished batch's URLs are signed once and handed out again while at
// least three quarters of their TTL are left, then signed anew.
func TestPresignedURLsAreReusedWhileFresh(t *testing.T) {
	t.Parallel()
	client, err := NewS3Client(context.Background(), S3Options{Endpoint: "http://127.0.0.1:1", Region: "us-east-1", PathStyle: true, StaticKey: "k", StaticSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	b := NewBucket(client, "bucket")
	f := NewResults(b, 16*time.Minute)
	now := time.Now()
	b.now = func() time.Time { return now }
	ctx := context.Background()
	first, err := f.PresignOutput(ctx, "b1")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(3*time.Minute + 59*time.Second)
	if again, _ := f.PresignOutput(ctx, "b1"); again != first {
		t.Errorf("after 3m59s of a 16m TTL got a new URL, want the first again")
	}
	if other, _ := f.PresignErrors(ctx, "b1"); other == first {
		t.Errorf("the errors file got the output's URL")
	}
	now = now.Add(time.Second)
	if _, err := f.PresignOutput(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	// The SDK signs with the wall clock, to the second, so the new URL may
	// read as the old one: what tells a fresh signature is when it was kept.
	resigned := 0
	for _, u := range f.urls.m {
		if u.at.Equal(now) {
			resigned++
		}
	}
	if resigned != 1 {
		t.Errorf("after a quarter of the TTL %d URLs were signed anew, want the output's alone", resigned)
	}
}
