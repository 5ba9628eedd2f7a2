package bulkverify

import "time"

// State is where a batch is in its life.
type State string

// Batch states, in order.
const (
	// StateQueued: accepted, stored and split; no chunk has started.
	StateQueued State = "queued"
	// StateProcessing: at least one chunk has started.
	StateProcessing State = "processing"
	// StateFinalizing: every chunk is done; the output is being assembled.
	StateFinalizing State = "finalizing"
	// StateCompleted: output.csv and errors.csv are ready.
	StateCompleted State = "completed"
)

// Finished reports whether the batch's output is ready.
func (s State) Finished() bool { return s == StateCompleted }

// Batch is one uploaded CSV and its progress.
type Batch struct {
	ID           string
	Tenant       string
	Provider     string
	State        State
	TotalRows    int // data rows in the input
	RejectedRows int // rows that failed validation at intake
	Chunks       int
	DoneChunks   int
	// ProcessedRows counts the rows of done chunks.
	ProcessedRows int
	Verified      int
	NotVerified   int
	Failed        int
	CreatedAt     time.Time
	StartedAt     time.Time
	CompletedAt   time.Time
}

// PercentComplete returns the share of rows processed, 0 to 100.
func (b Batch) PercentComplete() float64 {
	if b.State == StateCompleted {
		return 100
	}
	if b.TotalRows == 0 {
		return 0
	}
	p := float64(b.ProcessedRows) * 100 / float64(b.TotalRows)
	return float64(int(p*10)) / 10
}

// ChunkCounts is what one chunk adds to its batch's counts.
type ChunkCounts struct {
	Rows        int
	Verified    int
	NotVerified int
	Failed      int
}

// Add adds r's status to c.
func (c *ChunkCounts) Add(r Result) {
	c.Rows++
	switch r.Status {
	case StatusVerified:
		c.Verified++
	case StatusNotVerified:
		c.NotVerified++
	default:
		c.Failed++
	}
}
