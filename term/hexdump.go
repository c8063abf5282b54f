package term

import "io"

// bytesPerRow is hexdump -C's row: 16 bytes, in two groups of 8.
const bytesPerRow = 16

// appendHexRows appends p as rows in the layout of hexdump -C: the offset
// of the row's first byte in 8 hex digits, the bytes in hex, and the
// printable ASCII between bars, '.' for any other byte:
//
//	00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d  |HTTP/1.1 200 OK.|
//
// Each row starts with prefix and ends with eol; off is the offset of
// p[0]. The text holds no control bytes, so it is safe on any terminal.
func appendHexRows(dst []byte, prefix string, off int64, p []byte, eol string) []byte {
	for len(p) > 0 {
		n := min(len(p), bytesPerRow)
		dst = appendHexRow(dst, prefix, off, p[:n])
		dst = append(dst, eol...)
		off += int64(n)
		p = p[n:]
	}
	return dst
}

// appendHexRow appends one row of at most 16 bytes, without a line end.
func appendHexRow(dst []byte, prefix string, off int64, row []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, prefix...)
	dst = appendOffset(dst, off)
	dst = append(dst, ' ', ' ')
	for i := 0; i < bytesPerRow; i++ {
		if i < len(row) {
			dst = append(dst, hex[row[i]>>4], hex[row[i]&0xf], ' ')
		} else {
			dst = append(dst, ' ', ' ', ' ')
		}
		if i == bytesPerRow/2-1 {
			dst = append(dst, ' ')
		}
	}
	dst = append(dst, ' ', '|')
	for _, b := range row {
		if b < 0x20 || b >= 0x7f {
			b = '.'
		}
		dst = append(dst, b)
	}
	return append(dst, '|')
}

// appendOffset appends off in at least 8 lowercase hex digits.
func appendOffset(dst []byte, off int64) []byte {
	const hex = "0123456789abcdef"
	var digits [16]byte
	i := len(digits)
	for off > 0 || i > len(digits)-8 {
		i--
		digits[i] = hex[off&0xf]
		off >>= 4
	}
	return append(dst, digits[i:]...)
}

// hexWriter writes what it is given as hexdump -Cv would: whole rows of
// 16 bytes, and at Close the last, shorter row and the total length. So
// `rawtalk --hex host port` prints what `rawtalk host port | hexdump -Cv`
// does, however the bytes were cut into reads.
type hexWriter struct {
	w      io.Writer
	offset int64             // bytes written out as rows
	row    [bytesPerRow]byte // the unfinished row
	n      int               // bytes in row
	out    []byte            // formatted rows, reused
	closed bool              // Close has written the end
}

func (h *hexWriter) Write(p []byte) (int, error) {
	total := len(p)
	h.out = h.out[:0]
	if h.n > 0 {
		c := copy(h.row[h.n:], p)
		h.n += c
		p = p[c:]
		if h.n < bytesPerRow {
			return total, nil
		}
		h.out = appendHexRows(h.out, "", h.offset, h.row[:], "\n")
		h.offset += bytesPerRow
		h.n = 0
	}
	whole := len(p) / bytesPerRow * bytesPerRow
	h.out = appendHexRows(h.out, "", h.offset, p[:whole], "\n")
	h.offset += int64(whole)
	h.n = copy(h.row[:], p[whole:])
	if len(h.out) == 0 {
		return total, nil
	}
	if _, err := h.w.Write(h.out); err != nil {
		return 0, err
	}
	return total, nil
}

// Close writes the unfinished row and the final offset line.
func (h *hexWriter) Close() error {
	end := h.offset + int64(h.n)
	if h.closed || end == 0 {
		return nil // hexdump prints nothing for no input
	}
	out := appendHexRows(nil, "", h.offset, h.row[:h.n], "\n")
	out = append(appendOffset(out, end), '\n')
	h.offset, h.n, h.closed = end, 0, true
	_, err := h.w.Write(out)
	return err
}
