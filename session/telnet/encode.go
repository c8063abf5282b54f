package telnet

import "bytes"

// Encoder turns the user's bytes into telnet's network form (RFC 854):
// 0xFF is sent as IAC IAC, and a CR not followed by LF as CR NUL, while
// CR LF, the end of a line, passes unchanged. LF alone is left alone too:
// ending lines with CR LF is the caller's choice (-C, the line editor).
//
// The CR is written at once; whether NUL follows is decided by the next
// byte, even if it comes in a later call, so the output does not depend on
// how the input was split. Before sending a command, and at the end,
// FinishCR adds the NUL a CR may still be waiting for.
type Encoder struct {
	pendingCR bool // the last byte encoded was CR; the next decides CR LF or CR NUL
}

// Plain tells whether Encode would return p unchanged, so the caller may
// send p as it is.
func (e *Encoder) Plain(p []byte) bool {
	return !e.pendingCR && bytes.IndexByte(p, IAC) < 0 && bytes.IndexByte(p, '\r') < 0
}

// Encode appends the network form of p to dst and returns it. It is at most
// twice as long as p, plus one byte.
func (e *Encoder) Encode(dst, p []byte) []byte {
	for len(p) > 0 {
		if e.pendingCR {
			e.pendingCR = false
			if p[0] != '\n' {
				dst = append(dst, 0)
			}
		}
		i := indexIACorCR(p)
		if i < 0 {
			return append(dst, p...)
		}
		dst = append(dst, p[:i+1]...)
		if p[i] == IAC {
			dst = append(dst, IAC)
		} else {
			e.pendingCR = true
		}
		p = p[i+1:]
	}
	return dst
}

// FinishCR appends the NUL that a CR at the very end of the data so far
// needs when no LF follows it: before a command, and before closing.
func (e *Encoder) FinishCR(dst []byte) []byte {
	if e.pendingCR {
		e.pendingCR = false
		dst = append(dst, 0)
	}
	return dst
}

// indexIACorCR is the index of the first 0xFF or CR in p, or -1.
func indexIACorCR(p []byte) int {
	for i, b := range p {
		if b == IAC || b == '\r' {
			return i
		}
	}
	return -1
}
