//go:build !(linux || darwin || freebsd)

package batchcsv

// mapSlots returns a zeroed table of n slots on the heap: this system's
// build maps nothing outside it.
func mapSlots(n int) ([]slot, bool) { return make([]slot, n), false }

// unmapSlots is never called here: mapSlots maps nothing.
func unmapSlots([]slot) {}
