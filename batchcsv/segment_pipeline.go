package batchcsv

import "sync"

// parseSegments cuts the input with c, parses the segments on workers
// goroutines, and gives each parsed segment to merge in input order,
// until merge fails or the input ends. It returns once no goroutine it
// started reads the input any more; at most a few segments are read
// ahead of merge.
func parseSegments(c *cutter, workers int, newParser func() *rowParser, merge func(parsed) error) error {
	type job struct {
		s   *segment
		out chan parsed
	}
	jobs := make(chan job)
	order := make(chan chan parsed, workers+1) // the segments read ahead of merge
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := newParser()
			for j := range jobs {
				j.out <- p.parse(j.s) // buffered: never blocks
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		for s := c.next(); s != nil; s = c.next() {
			j := job{s: s, out: make(chan parsed, 1)}
			select {
			case order <- j.out:
			case <-stop:
				return
			}
			select {
			case jobs <- j:
			case <-stop:
				return
			}
		}
	}()
	var err error
	for out := range order {
		p := <-out
		err = merge(p)
		p.release()
		if err != nil {
			break
		}
	}
	close(stop)
	wg.Wait()
	return err
}
