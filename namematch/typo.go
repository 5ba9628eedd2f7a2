package namematch

// minTypoLen is the shortest key in which two swapped neighbouring letters
// are read as a slip of the keyboard: in shorter words the swap makes
// another name (Parveen and Praveen).
const minTypoLen = 7

// transposed reports whether keys a and b are one long word with two
// neighbouring letters after the first swapped (Agarwal, Agrawal;
// Venkatesh, Venaktesh).
func transposed(a, b string) bool {
	if len(a) != len(b) || len(a) < minTypoLen {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i > 0 && i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}
