package bulkverify

// ChunkDone is what completing a chunk found.
type ChunkDone struct {
	// First is true the first time this chunk is reported.
	First bool
	// AllDone is true when the batch is ready to be finalized (every chunk
	// done; or, for a batch being stopped, every released chunk done) and
	// is not finished yet: the caller must make sure the finalizer is
	// queued.
	AllDone bool
	// Aborted is true when this chunk pushed the batch over its failure
	// threshold.
	Aborted bool
}

// ChunkLease is one worker's hold on one chunk. Token tells holders apart.
type ChunkLease struct {
	BatchID string
	Chunk   int
	Token   string
}
