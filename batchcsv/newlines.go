package batchcsv

import (
	"bufio"
	"bytes"
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

// Read copies what is buffered, then turns each lone CR in it to LF: a CR
// at the end of the copy is lone unless the next byte, peeked, is LF.
func (c *crReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if c.br.Buffered() == 0 {
		if _, err := c.br.Peek(1); err != nil {
			return 0, err
		}
	}
	n, _ := c.br.Read(p[:min(len(p), c.br.Buffered())])
	for i := bytes.IndexByte(p[:n], '\r'); i >= 0; {
		if i+1 < n {
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
		} else if next, err := c.br.Peek(1); err != nil || next[0] != '\n' {
			p[i] = '\n'
		}
		j := bytes.IndexByte(p[i+1:n], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n, nil
}
