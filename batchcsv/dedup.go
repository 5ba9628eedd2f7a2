package batchcsv

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"

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
	digester digester // the table's seeds; each parser has a copy
	slots    []slot
	n        int
}

// digester computes the digests of rows. Copies share nothing mutable
// but their key buffer, so each goroutine that parses rows has its own.
type digester struct {
	cols   []string
	at     []int           // the header index of each of cols, -1 when absent
	spec   bulkverify.Spec // its CanonicalValue is what the upstream gets
	s1, s2 maphash.Seed
	key    []byte // the row's upstream columns, reused row after row
}

// digest is a row's two hashes.
type digest struct {
	h1 uint64
	h2 uint32
}

type slot struct {
	h1    uint64
	h2    uint32
	first int32 // 0: empty (row numbers start at 1)
}

func newDeduper(header []string, spec bulkverify.Spec) *deduper {
	g := digester{cols: spec.UpstreamColumns(), spec: spec, s1: maphash.MakeSeed(), s2: maphash.MakeSeed()}
	for _, c := range g.cols {
		g.at = append(g.at, slices.Index(header, c))
	}
	d := &deduper{digester: g}
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

// digest returns the digest of a record as long as the header: its
// upstream columns' values, trimmed as Row's fields are, in canonical form.
func (d *digester) digest(rec []string) digest {
	// The columns' values, each ended by a NUL (which a row cannot hold:
	// checkText refuses it), hashed in one call per seed: a streaming
	// maphash.Hash per seed cost twice as much.
	key := d.key[:0]
	for k, c := range d.cols {
		v := ""
		if i := d.at[k]; i >= 0 {
			v = strings.TrimSpace(rec[i])
		}
		key = append(key, d.spec.CanonicalValue(c, v)...)
		key = append(key, 0)
	}
	d.key = key
	return digest{h1: maphash.Bytes(d.s1, key), h2: uint32(maphash.Bytes(d.s2, key))}
}

// seen returns the number of the first row with digest h and true, or
// records h as that of row n, the first of its kind.
func (d *deduper) seen(h digest, n int) (int, bool) {
	if 5*(d.n+1) > 4*len(d.slots) {
		d.resize(2 * len(d.slots))
	}
	first, dup := d.insert(slot{h1: h.h1, h2: h.h2, first: int32(n)})
	return int(first), dup
}
