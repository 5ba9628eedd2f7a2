package batchcsv

import (
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// deduper finds rows equal to an earlier row in every column that reaches
// the upstream. It keeps a 69-bit digest per distinct row (two hashes
// under random seeds, so no file can be built to collide; the odds of a
// chance collision are n²/2⁷⁰: 2e-8 among the 5,000,000 rows of the
// largest file, 9e-10 among a million) and the ordinal of the row that
// first had it, in an open-addressing table of 12 bytes a slot, at most
// nine tenths full.
//
// The table is the one allocation of intake that grows with the file
// (60 MB at 5,000,000 rows), holds no pointers and lives exactly as long
// as the upload, so it is mapped outside the Go heap (see mapSlots):
// there the collector neither scans it nor counts it towards its next
// goal, which would otherwise let garbage grow to the table's size again
// before a collection. It is sized once from the upload's length (see
// reserve) instead of doubling as rows come, when the old and the new
// table would be held at once.
type deduper struct {
	digester digester // the table's seeds; each parser has a copy
	slots    []slot
	mapped   bool // slots is mapped, to be unmapped by release
	n        int
	limit    int // the most rows reserve sizes the table for

	// budget is the most rows the table holds (tableRows); the rows
	// after them go to spill, once there is one.
	budget int
	spill  *spill
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

// digest is a row's two hashes: h picks its home slot and is kept
// whole; tag is five bits more, kept beside the row's ordinal.
type digest struct {
	h   uint64
	tag uint32
}

// A slot is 12 bytes: a digest's h in two halves, and a word holding the
// row's ordinal in its low ordinalBits bits (0: an empty slot; ordinals
// start at 1) and the digest's tag above them.
type slot struct {
	lo, hi, word uint32
}

const (
	// ordinalBits holds any row count config allows (BV_MAX_ROWS is at
	// most 100,000,000 < 2²⁷).
	ordinalBits = 27
	ordinalMask = 1<<ordinalBits - 1
	tagBits     = 32 - ordinalBits

	// maxLoad is the fullest the table gets, in tenths: linear probing at
	// nine tenths costs 5.5 probes an insert on average over the fill,
	// all in one or two cache lines.
	maxLoad = 9

	// defaultReserveLimit bounds reserve when Options.MaxRows does not.
	defaultReserveLimit = 5_000_000

	// tableRows is the most distinct rows the table holds in memory
	// (13.6 MB); the rows of a bigger file past them are spilled. Its
	// few milliseconds of I/O a million rows are paid only by files that
	// big.
	tableRows = 1_000_000
)

func (s slot) h() uint64      { return uint64(s.hi)<<32 | uint64(s.lo) }
func (s slot) ordinal() int32 { return int32(s.word & ordinalMask) }

// newDeduper returns the duplicate finder of rows under header; it holds
// at most budget rows in memory (0: tableRows).
func newDeduper(header []string, spec bulkverify.Spec, maxRows, budget int) *deduper {
	g := digester{cols: spec.UpstreamColumns(), spec: spec, s1: maphash.MakeSeed(), s2: maphash.MakeSeed()}
	for _, c := range g.cols {
		g.at = append(g.at, slices.Index(header, c))
	}
	d := &deduper{digester: g, limit: defaultReserveLimit, budget: tableRows}
	if maxRows > 0 {
		d.limit = maxRows
	}
	if budget > 0 {
		d.budget = budget
	}
	d.resize(1024)
	return d
}

// resize moves the table to one of n slots.
func (d *deduper) resize(n int) {
	old, oldMapped := d.slots, d.mapped
	d.slots, d.mapped = mapSlots(n)
	d.n = 0
	for _, s := range old {
		if s.word != 0 {
			d.insert(s)
		}
	}
	if oldMapped {
		unmapSlots(old)
	}
}

// release gives the table and the spill back; the deduper is not used
// after.
func (d *deduper) release() {
	if d.mapped {
		unmapSlots(d.slots)
	}
	d.slots, d.mapped, d.n = nil, false, 0
	if d.spill != nil {
		d.spill.close()
		d.spill = nil
	}
}

// reserve grows the table at once to hold rows distinct rows and a
// fiftieth more (the guess of rows comes from the first rows' length) at
// maxLoad: a table sized for the rows it will hold, not the next power of
// two. rows is bounded by the most rows a file may have, whatever its
// length claims.
func (d *deduper) reserve(rows int) {
	rows = min(rows, d.limit, d.budget)
	n := (rows + rows/50) * 10 / maxLoad
	if n > len(d.slots) {
		d.resize(n)
	}
}

// insert puts s, or returns the ordinal of the slot that has its digest.
func (d *deduper) insert(s slot) (int32, bool) {
	cur := d.find(s)
	if cur.word != 0 {
		return cur.ordinal(), true
	}
	*cur = s
	d.n++
	return s.ordinal(), false
}

// find returns the slot with s's digest, or the empty one where it goes.
// The table may have any size: a digest's home slot is its h scaled to it
// (Lemire's reduction), then linear probing.
func (d *deduper) find(s slot) *slot {
	n := uint64(len(d.slots))
	i, _ := bits.Mul64(s.h(), n)
	for {
		cur := &d.slots[i]
		if cur.word == 0 || cur.lo == s.lo && cur.hi == s.hi && cur.word>>ordinalBits == s.word>>ordinalBits {
			return cur
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
	return digest{h: maphash.Bytes(d.s1, key), tag: uint32(maphash.Bytes(d.s2, key)) >> (32 - tagBits)}
}

// seen returns the ordinal of the first row with digest h and true, or
// records h as that of the row of ordinal k (1 to BV_MAX_ROWS), the
// first of its kind. Past the budget, a row that repeats none in the
// table is spilled, to be checked against the other spilled rows by
// lateDuplicates. Past maxLoad, which only a file whose first rows are
// longer than the rest reaches, the table grows by half.
func (d *deduper) seen(h digest, k int) (int, bool) {
	s := slot{lo: uint32(h.h), hi: uint32(h.h >> 32), word: h.tag<<ordinalBits | uint32(k)&ordinalMask}
	if d.n >= d.budget && d.spill == nil {
		var err error
		if d.spill, err = newSpill(); err != nil {
			d.budget = math.MaxInt // no temporary file: all in memory
		}
	}
	if d.spill != nil {
		if cur := d.find(s); cur.word != 0 {
			return int(cur.ordinal()), true
		}
		d.spill.add(s)
		return 0, false
	}
	if 10*(d.n+1) > maxLoad*len(d.slots) {
		d.resize(len(d.slots) + len(d.slots)/2)
	}
	first, dup := d.insert(s)
	return int(first), dup
}

// lateDuplicates returns the spilled rows that repeat an earlier spilled
// row, in order: seen could not tell them when they came.
func (d *deduper) lateDuplicates() ([]latePair, error) {
	if d.spill == nil {
		return nil, nil
	}
	return d.spill.duplicates()
}
