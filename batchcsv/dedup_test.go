package batchcsv

import (
	"fmt"
	"slices"
	"testing"
)

// The table keeps every row's first ordinal as it grows from the heap
// into a mapping and past its load, and gives the mapping back.
func TestDeduperGrowsIntoAMappingAndKeepsFirstRows(t *testing.T) {
	d := newDeduper([]string{"access_token", "doctype"}, digilockerSpec, 0, 0)
	defer d.release()
	const distinct = 100_000
	digestOf := func(i int) digest {
		return d.digester.digest([]string{fmt.Sprintf("token-%d", i), "PANCR"})
	}
	for k := 1; k <= distinct; k++ {
		if first, dup := d.seen(digestOf(k), k); dup {
			t.Fatalf("row %d: a duplicate of row %d, want new", k, first)
		}
	}
	if !d.mapped || 10*d.n > maxLoad*len(d.slots) {
		t.Errorf("%d rows in %d slots, mapped %v: want a mapping at most %d/10 full", d.n, len(d.slots), d.mapped, maxLoad)
	}
	for k := distinct + 1; k <= distinct+1000; k++ {
		want := k - distinct
		if first, dup := d.seen(digestOf(want), k); !dup || first != want {
			t.Fatalf("row %d: (%d, %v), want a duplicate of row %d", k, first, dup, want)
		}
	}
	d.release()
	if d.slots != nil || d.mapped {
		t.Error("release kept the table")
	}
}

// Past its budget the table spills: a row that repeats one in the table
// is found at once, one that repeats a spilled row at the end, with the
// first spilled row as its first.
func TestDeduperSpillsPastItsBudget(t *testing.T) {
	d := newDeduper([]string{"access_token", "doctype"}, digilockerSpec, 0, 100)
	defer d.release()
	digestOf := func(i int) digest {
		return d.digester.digest([]string{fmt.Sprintf("token-%d", i), "PANCR"})
	}
	for k := 1; k <= 5000; k++ {
		first, dup := d.seen(digestOf(k), k)
		if dup {
			t.Fatalf("row %d: a duplicate of %d, want new", k, first)
		}
	}
	if d.spill == nil || d.n != 100 || d.spill.rows != 4900 {
		t.Fatalf("spill %v, %d rows in the table: want 100 in the table, 4,900 spilled", d.spill != nil, d.n)
	}
	if first, dup := d.seen(digestOf(7), 5001); !dup || first != 7 {
		t.Errorf("a copy of row 7: (%d, %v), want row 7 at once", first, dup)
	}
	want := []latePair{}
	for k := 5002; k <= 5500; k++ {
		if _, dup := d.seen(digestOf(k-4000), k); dup {
			t.Fatalf("row %d: found at once, want at the end", k)
		}
		want = append(want, latePair{k: k, first: k - 4000})
	}
	late, err := d.lateDuplicates()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(late, want) {
		t.Errorf("got %d late duplicates, want %d: %v", len(late), len(want), late[:min(len(late), 5)])
	}
}
