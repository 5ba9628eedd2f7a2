//go:build linux || darwin || freebsd

package batchcsv

import (
	"syscall"
	"unsafe"
)

// mappedMin is the smallest table worth a mapping of its own: smaller
// ones, the tables of every upload of a few thousand rows, stay on the
// heap.
const mappedMin = 256 << 10

// mapSlots returns a zeroed table of n slots and whether it is mapped
// outside the Go heap, as fastcache and VictoriaMetrics map their big
// pointer-free buffers; its pages are taken as rows first touch them. It
// falls back to the heap when the mapping fails.
func mapSlots(n int) ([]slot, bool) {
	size := n * int(unsafe.Sizeof(slot{}))
	if size < mappedMin {
		return make([]slot, n), false
	}
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]slot, n), false
	}
	return unsafe.Slice((*slot)(unsafe.Pointer(unsafe.SliceData(b))), n), true
}

// unmapSlots gives back a table mapSlots mapped.
func unmapSlots(s []slot) {
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(slot{})))
	syscall.Munmap(b)
}
