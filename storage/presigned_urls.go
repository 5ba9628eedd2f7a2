package storage

import (
	"sync"
	"time"
)

// maxPresignedURLs bounds the URLs kept for reuse: a status poll of each
// recently finished batch, two URLs each.
const maxPresignedURLs = 8192

// presignedURLs keeps recently presigned URLs by key and file name, so
// that they can be handed out again while they are fresh.
type presignedURLs struct {
	mu sync.Mutex
	m  map[string]presignedURL
}

type presignedURL struct {
	url string
	at  time.Time
}

// get returns the URL of key and filename signed less than fresh ago.
func (c *presignedURLs) get(key, filename string, now time.Time, fresh time.Duration) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.m[key+"\x00"+filename]
	if !ok || now.Sub(u.at) >= fresh || now.Before(u.at) {
		return "", false
	}
	return u.url, true
}

// put keeps url, signed at now. When full it first drops the URLs signed
// fresh ago or longer, then everything.
func (c *presignedURLs) put(key, filename, url string, now time.Time, fresh time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]presignedURL{}
	}
	if len(c.m) >= maxPresignedURLs {
		for k, u := range c.m {
			if now.Sub(u.at) >= fresh {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxPresignedURLs {
			clear(c.m)
		}
	}
	c.m[key+"\x00"+filename] = presignedURL{url: url, at: now}
}
