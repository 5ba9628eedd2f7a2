// Package claims compares what a row declares (document number, name, date
// of birth, gender) with what the issued document says, by the rules of
// the third round's contract, and turns the comparison into the row's
// claim columns and verdict. It knows no upstream: a provider gathers the
// Evidence, this package judges it.
package claims
