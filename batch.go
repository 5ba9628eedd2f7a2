package bulkverify

import "time"

// State is where a batch is in its life. The one list of states is here;
// the Redis scripts receive them as arguments.
type State string

// Batch states. A batch moves queued → processing → finalizing → completed;
// a cancel moves it to cancelling, then cancelled once the rows in flight
// are done; a crossed failure threshold ends it failed; retention ends every
// finished batch expired.
const (
	// StateQueued: accepted, stored and split; no chunk has started.
	StateQueued State = "queued"
	// StateProcessing: at least one chunk has started.
	StateProcessing State = "processing"
	// StateFinalizing: every chunk is done; the output is being assembled.
	StateFinalizing State = "finalizing"
	// StateCompleted: output.csv and errors.csv are ready.
	StateCompleted State = "completed"
	// StateCancelling: the owner cancelled; no chunk is released any more
	// and the rows in flight are being cut.
	StateCancelling State = "cancelling"
	// StateCancelled: the output is ready; rows never processed are
	// FAILED/CANCELLED.
	StateCancelled State = "cancelled"
	// StateFailed: the batch was stopped (its failure threshold was
	// crossed); the output is ready, rows never processed are
	// FAILED/BATCH_ABORTED.
	StateFailed State = "failed"
	// StateExpired: the batch's files were deleted at the end of retention.
	StateExpired State = "expired"
)

// States lists every state, in the order of a batch's life.
var States = []State{StateQueued, StateProcessing, StateFinalizing, StateCompleted, StateCancelling, StateCancelled, StateFailed, StateExpired}

// Valid reports whether s is one of States.
func (s State) Valid() bool {
	for _, v := range States {
		if s == v {
			return true
		}
	}
	return false
}

// Finished reports whether the batch's output is ready: completed,
// cancelled or failed.
func (s State) Finished() bool {
	return s == StateCompleted || s == StateCancelled || s == StateFailed
}

// Ended reports whether the batch will not change any more but to expire:
// finished or expired.
func (s State) Ended() bool { return s.Finished() || s == StateExpired }

// Stop says why a batch stops before all its rows are processed.
type Stop string

// Reasons to stop a batch.
const (
	// StopCancelled: the owner cancelled it; unprocessed rows end CANCELLED
	// and the batch ends cancelled.
	StopCancelled Stop = "cancelled"
	// StopAborted: its failure threshold was crossed; unprocessed rows end
	// BATCH_ABORTED and the batch ends failed.
	StopAborted Stop = "aborted"
)

// Code returns the result code of a row the stop left unprocessed.
func (s Stop) Code() Code {
	if s == StopAborted {
		return CodeBatchAborted
	}
	return CodeCancelled
}

// FinalState returns the state the stopped batch ends in.
func (s Stop) FinalState() State {
	if s == StopAborted {
		return StateFailed
	}
	return StateCancelled
}

// Batch is one uploaded CSV and its progress.
type Batch struct {
	ID       string
	Tenant   string
	Provider string
	State    State
	// Stop is set once the batch is being stopped early.
	Stop         Stop
	TotalRows    int // data rows in the input
	RejectedRows int // rows that failed validation at intake
	// Duplicates counts the rows that repeat an earlier row in every
	// column that reaches the upstream; they are verified once.
	Duplicates int
	Chunks     int
	DoneChunks int
	// ProcessedRows counts the rows of done chunks and the finished rows
	// of chunks in flight.
	ProcessedRows int
	Verified      int
	NotVerified   int
	Failed        int
	// Codes counts finished rows by result code.
	Codes map[Code]int
	// MaxFailureRate stops the batch once at least FailureRateFloor rows
	// are processed and the share of FAILED rows exceeds it; nil means no
	// threshold.
	MaxFailureRate *float64
	FailureReason  string
	ParentID       string
	Metadata       map[string]string
	CallbackURL    string
	CreatedAt      time.Time
	StartedAt      time.Time
	FinalizingAt   time.Time
	CompletedAt    time.Time
	CancellingAt   time.Time
	CancelledAt    time.Time
	FailedAt       time.Time
	ExpiredAt      time.Time
	// DataKey is the batch's data key, wrapped by the service key; the
	// stored input is sealed under it. Erasing it makes the input
	// unreadable.
	DataKey string
	// Header is the input's header as intake read it (lower-cased,
	// trimmed). It is stored once with the batch, not with each chunk, and
	// read back with the data key by the workers, not by a status read.
	Header []string
	// ExpiresAt is when a finished batch's files are deleted.
	ExpiresAt time.Time
	// RowsPerSecond is the pace over the last minute; RateKnown is false
	// until there is enough to measure it.
	RowsPerSecond float64
	RateKnown     bool
}

// FinishedAt returns when the batch reached its finished state, or zero.
func (b Batch) FinishedAt() time.Time {
	switch b.State {
	case StateCompleted:
		return b.CompletedAt
	case StateCancelled:
		return b.CancelledAt
	case StateFailed:
		return b.FailedAt
	}
	return time.Time{}
}

// PercentComplete returns the share of rows processed, 0 to 100.
func (b Batch) PercentComplete() float64 {
	if b.State.Finished() {
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
	// Codes counts the rows by result code.
	Codes map[Code]int
}

// Add adds r's status and code to c.
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
	if c.Codes == nil {
		c.Codes = map[Code]int{}
	}
	c.Codes[r.Code]++
}
