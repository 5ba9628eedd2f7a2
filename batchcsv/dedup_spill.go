package batchcsv

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"os"
	"slices"
)

// spill keeps the digests of the rows that came after the duplicate table
// was full, in spillParts partitions (by the digest's top bits) written to
// one unlinked temporary file in blocks, so that intake's memory does not
// grow with the file: the rows past the table's budget are checked
// against the table as they come (a copy of an earlier row is found at
// once) and against each other at the end, a partition at a time, as a
// database spills a hash aggregation that outgrows its memory.
type spill struct {
	f      *os.File
	end    int64 // the file's length
	parts  [spillParts]spillPart
	rows   int
	failed error // the first write that failed; the split fails with it
}

type spillPart struct {
	buf    []byte
	blocks []spillBlock
}

// spillBlock is where a partition's full buffer was written.
type spillBlock struct {
	off int64
	n   int32 // bytes
}

const (
	spillParts   = 256
	spillBits    = 8 // log2(spillParts)
	spillRecord  = 12
	spillBlockSz = 680 * spillRecord // a partition's buffer, about 8 KB
)

// latePair is a row found at the end to repeat an earlier row: both
// ordinals.
type latePair struct{ k, first int }

// newSpill creates the spill's file in the system's temporary directory
// ($TMPDIR), unlinked at once where the system allows it, so that nothing
// is left behind whatever happens to the process.
func newSpill() (*spill, error) {
	f, err := os.CreateTemp("", "bulkverify-rows-*")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		// This system does not unlink an open file: the table stays in
		// memory instead.
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("unlink the temporary file: %w", err)
	}
	return &spill{f: f}, nil
}

// add keeps s, the digest and ordinal of a row past the table's budget.
func (sp *spill) add(s slot) {
	p := &sp.parts[s.hi>>(32-spillBits)]
	if p.buf == nil {
		p.buf = make([]byte, 0, spillBlockSz)
	}
	p.buf = binary.LittleEndian.AppendUint32(p.buf, s.lo)
	p.buf = binary.LittleEndian.AppendUint32(p.buf, s.hi)
	p.buf = binary.LittleEndian.AppendUint32(p.buf, s.word)
	sp.rows++
	if len(p.buf) == spillBlockSz {
		sp.write(p)
	}
}

func (sp *spill) write(p *spillPart) {
	if sp.failed != nil || len(p.buf) == 0 {
		p.buf = p.buf[:0]
		return
	}
	if _, err := sp.f.WriteAt(p.buf, sp.end); err != nil {
		sp.failed = err
	}
	p.blocks = append(p.blocks, spillBlock{off: sp.end, n: int32(len(p.buf))})
	sp.end += int64(len(p.buf))
	p.buf = p.buf[:0]
}

// duplicates reads the partitions back one at a time and returns the rows
// that repeat an earlier spilled row, by ordinal. A partition holds its
// rows in the order they came, so the first of a digest is the earliest.
func (sp *spill) duplicates() ([]latePair, error) {
	for i := range sp.parts {
		sp.write(&sp.parts[i])
	}
	if sp.failed != nil {
		return nil, sp.failed
	}
	var late []latePair
	var table []slot
	var buf []byte
	for i := range sp.parts {
		p := &sp.parts[i]
		n := 0
		for _, b := range p.blocks {
			n += int(b.n) / spillRecord
		}
		if n == 0 {
			continue
		}
		size := n * 10 / maxLoad
		table = slices.Grow(table[:0], size)[:size]
		clear(table)
		d := deduper{slots: table}
		for _, b := range p.blocks {
			buf = slices.Grow(buf[:0], int(b.n))[:b.n]
			if _, err := sp.f.ReadAt(buf, b.off); err != nil {
				return nil, err
			}
			for r := buf; len(r) > 0; r = r[spillRecord:] {
				// The partition's rows share h's top bits, which pick the
				// home slot: rotate them out of the way.
				h := bits.RotateLeft64(uint64(binary.LittleEndian.Uint32(r[4:]))<<32|uint64(binary.LittleEndian.Uint32(r)), spillBits)
				s := slot{lo: uint32(h), hi: uint32(h >> 32), word: binary.LittleEndian.Uint32(r[8:])}
				if first, dup := d.insert(s); dup {
					late = append(late, latePair{k: int(s.ordinal()), first: int(first)})
				}
			}
		}
		p.blocks = nil
	}
	slices.SortFunc(late, func(a, b latePair) int { return a.k - b.k })
	return late, nil
}

// close gives the file and the buffers back.
func (sp *spill) close() {
	if sp.f != nil {
		sp.f.Close()
	}
	*sp = spill{}
}
