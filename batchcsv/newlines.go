package batchcsv

import (
	"bufio"
	"io"
)

// NormalizeNewlines returns a reader of r in which a lone CR (the line end
// of classic Mac files, which Excel for Mac still writes) is LF; CRLF and
// LF pass unchanged. Offsets then refer to the normalized bytes, which is
// what intake stores.
func NormalizeNewlines(r io.Reader) io.Reader {
	return &crReader{br: bufio.NewReaderSize(r, 64<<10)}
}

type crReader struct {
	br *bufio.Reader
}

func (c *crReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n := 0
	for n < len(p) {
		b, err := c.br.ReadByte()
		if err != nil {
			if n > 0 && err == io.EOF {
				return n, nil
			}
			return n, err
		}
		if b == '\r' {
			next, err := c.br.Peek(1)
			if err != nil || next[0] != '\n' {
				b = '\n'
			}
		}
		p[n] = b
		n++
		if c.br.Buffered() == 0 && n > 0 {
			return n, nil
		}
	}
	return n, nil
}
