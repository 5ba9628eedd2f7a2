package batchcsv

import (
	"hash/maphash"
	"math/bits"

	"github.com/bulkverify/bulkverify"
)

// deduper finds rows equal to an earlier row in every column that reaches
// the upstream. It keeps a 96-bit digest per distinct row (two independent
// hashes under random seeds, so no file can be built to collide; the odds
// of a chance collision among a million rows are below 1e-17) and the
// number of the row that first had it, in an open-addressing table of 16
// bytes a slot, at most four fifths full: a map would take about three times that, and intake holds
// one table per upload.
type deduper struct {
	cols   []string
	spec   bulkverify.Spec // its CanonicalValue is what the upstream gets
	s1, s2 maphash.Seed
	slots  []slot
	n      int
	key    []byte // the row's upstream columns, reused row after row
}

type slot struct {
	h1    uint64
	h2    uint32
	first int32 // 0: empty (row numbers start at 1)
}

func newDeduper(header []string, spec bulkverify.Spec) *deduper {
	d := &deduper{cols: spec.UpstreamColumns(), spec: spec, s1: maphash.MakeSeed(), s2: maphash.MakeSeed()}
	d.resize(1024)
	return d
}

func (d *deduper) resize(n int) {
	old := d.slots
	d.slots, d.n = make([]slot, n), 0
	for _, s := range old {
		if s.first != 0 {
			d.insert(s)
		}
	}
}

// maxReserve bounds the rows reserve sizes the table for (a 30 MB table)
// whatever an upload claims its size is; past it the table doubles as
// rows come.
const maxReserve = 1_500_000

// reserve grows the table at once to hold rows distinct rows and a tenth
// more, below the load at which it doubles: a table sized for the rows it
// will hold, not the next power of two (20 MB for a million rows, not 32).
func (d *deduper) reserve(rows int) {
	rows = min(rows, maxReserve)
	n := (rows + rows/10) * 5 / 4
	if n > len(d.slots) {
		d.resize(n)
	}
}

// insert puts s, or returns the row of the slot that has its digest. The
// table may have any size: a digest's home slot is its high bits scaled to
// it (Lemire's reduction), then linear probing.
func (d *deduper) insert(s slot) (int32, bool) {
	n := uint64(len(d.slots))
	i, _ := bits.Mul64(s.h1, n)
	for {
		switch cur := &d.slots[i]; {
		case cur.first == 0:
			*cur = s
			d.n++
			return s.first, false
		case cur.h1 == s.h1 && cur.h2 == s.h2:
			return cur.first, true
		}
		if i++; i == n {
			i = 0
		}
	}
}

// seen returns the number of the first row equal to row and true, or
// records row as the first of its kind.
func (d *deduper) seen(row bulkverify.Row) (int, bool) {
	// The columns' values, each ended by a NUL (which a row cannot hold:
	// checkText refuses it), hashed in one call per seed: a streaming
	// maphash.Hash per seed cost twice as much.
	key := d.key[:0]
	for _, c := range d.cols {
		key = append(key, d.spec.CanonicalValue(c, row.Get(c))...)
		key = append(key, 0)
	}
	d.key = key
	if 5*(d.n+1) > 4*len(d.slots) {
		d.resize(2 * len(d.slots))
	}
	first, dup := d.insert(slot{h1: maphash.Bytes(d.s1, key), h2: uint32(maphash.Bytes(d.s2, key)), first: int32(row.Number)})
	return int(first), dup
}
