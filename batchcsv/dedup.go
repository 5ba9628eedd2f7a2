package batchcsv

import (
	"hash/maphash"

	"github.com/bulkverify/bulkverify"
)

// deduper finds rows equal to an earlier row in every column that reaches
// the upstream. It keeps two independent 64-bit digests per distinct row
// (a 128-bit key under random seeds, so no file can be built to collide)
// and the number of the row that first had it.
type deduper struct {
	cols   []string
	s1, s2 maphash.Seed
	first  map[[2]uint64]int
}

func newDeduper(header []string, spec bulkverify.Spec) *deduper {
	return &deduper{cols: spec.UpstreamColumns(), s1: maphash.MakeSeed(), s2: maphash.MakeSeed(), first: map[[2]uint64]int{}}
}

// seen returns the number of the first row equal to row and true, or
// records row as the first of its kind.
func (d *deduper) seen(row bulkverify.Row) (int, bool) {
	var h1, h2 maphash.Hash
	h1.SetSeed(d.s1)
	h2.SetSeed(d.s2)
	for _, c := range d.cols {
		v := row.Get(c)
		for _, h := range []*maphash.Hash{&h1, &h2} {
			h.WriteString(c)
			h.WriteByte(0)
			h.WriteString(v)
			h.WriteByte(0)
		}
	}
	key := [2]uint64{h1.Sum64(), h2.Sum64()}
	if n, ok := d.first[key]; ok {
		return n, true
	}
	d.first[key] = row.Number
	return 0, false
}
