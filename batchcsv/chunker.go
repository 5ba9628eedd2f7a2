package batchcsv

import "maps"

// chunker cuts a file's rows into chunks of size rows as Split reads them.
// With max above 0 it never keeps more than max chunks, however long the
// file: when the chunks reach max, each two neighbours are merged into one
// (a chunk is a byte range, so two neighbours are one range) and size
// doubles. An upload of unknown length then ends in at most max chunks of
// equal size, but the last.
type chunker struct {
	size, max int
	// target, when above 0, makes chunks grow (doubling) while there would
	// be more than twice target of them, up to sizeCap rows (see
	// Options.TargetChunks).
	target, sizeCap int
	chunks          []Chunk
	cur             Chunk // being filled; it starts where the last chunk ends
}

// add puts row n, which ends at byte end of the input, in the current
// chunk. numbered keeps n in the chunk's Numbers; dupOf, when above 0, is
// the row n repeats.
func (k *chunker) add(n int, numbered bool, dupOf int, end int64) {
	if k.cur.Rows == 0 && k.max > 0 && len(k.chunks) >= k.max {
		k.merge() // the row would start chunk max+1
	} else if k.cur.Rows == 0 && k.target > 0 && len(k.chunks) >= 2*k.target && 2*k.size <= k.sizeCap {
		k.merge() // twice the target: fewer, larger chunks
	}
	if numbered {
		k.cur.Numbers = append(k.cur.Numbers, n)
	}
	if dupOf > 0 {
		if k.cur.Dups == nil {
			k.cur.Dups = map[int]int{}
		}
		k.cur.Dups[n] = dupOf
	}
	k.cur.Rows++
	if k.cur.Rows < k.size {
		return
	}
	k.cur.Length = end - k.cur.Offset
	k.chunks = append(k.chunks, k.cur)
	k.cur = Chunk{Index: len(k.chunks), Offset: end, FirstRow: k.cur.FirstRow + k.cur.Rows}
}

// merge halves the chunks by joining each pair of neighbours and doubles
// size. An odd chunk out, the last, becomes the current chunk again, to be
// filled up to the new size; the current chunk is empty when merge runs.
// It runs only when a row needs one chunk more than max: a file of
// exactly max full chunks keeps them.
func (k *chunker) merge() {
	half := len(k.chunks) / 2
	for i := range half {
		k.chunks[i] = join(k.chunks[2*i], k.chunks[2*i+1], i)
	}
	if len(k.chunks)%2 == 1 {
		k.cur = k.chunks[len(k.chunks)-1]
	}
	k.cur.Index = half
	clear(k.chunks[half:])
	k.chunks = k.chunks[:half]
	k.size *= 2
}

// join returns the chunk of a's rows followed by b's, numbered index.
func join(a, b Chunk, index int) Chunk {
	a.Index = index
	a.Length += b.Length
	a.Rows += b.Rows
	if b.Numbers != nil {
		a.Numbers = append(a.Numbers, b.Numbers...)
	}
	if a.Dups == nil {
		a.Dups = b.Dups
	} else {
		maps.Copy(a.Dups, b.Dups)
	}
	return a
}

// finish ends the current chunk at end, the end of the last row, and
// returns every chunk.
func (k *chunker) finish(end int64) []Chunk {
	if k.cur.Rows > 0 {
		k.cur.Length = end - k.cur.Offset
		k.chunks = append(k.chunks, k.cur)
	}
	return k.chunks
}

// grown returns the chunk size for about rows rows: size doubled while the
// rows would fill more than twice target chunks, up to sizeCap; then at
// least what max chunks need.
func (k *chunker) grown(rows int) int {
	size := k.size
	for k.target > 0 && rows > 2*k.target*size && 2*size <= k.sizeCap {
		size *= 2
	}
	if k.max > 0 {
		size = max(size, (rows+k.max-1)/k.max)
	}
	return size
}

// newChunker returns the chunker of opts for an input whose rows start at
// byte start.
func newChunker(opts Options, start int64) *chunker {
	size := max(opts.ChunkSize, 1)
	k := &chunker{size: size, max: opts.MaxChunks, cur: Chunk{Offset: start, FirstRow: 1}}
	if opts.TargetChunks > 0 {
		k.target, k.sizeCap = opts.TargetChunks, size*maxChunkGrowth
	}
	return k
}

// maxChunkGrowth is how many times ChunkSize a chunk may grow to for
// TargetChunks (MaxChunks may make it larger still).
const maxChunkGrowth = 8
