package term

import (
	"strconv"
	"unicode/utf8"
)

// Sanitizer makes a server's bytes safe to show on a terminal. Printable
// text, tab, CR, LF and colour (SGR: ESC [ digits ; : m) pass unchanged;
// every other control byte and escape sequence is shown as visible text
// (^[ ^G ^@ ^?), C1 controls and bidi overrides as \u0085, and invalid UTF-8
// as \xNN. So a server can colour its text but cannot retitle the window,
// move the cursor, clear the screen, ring the bell or query the terminal.
//
// It is a stream filter: a UTF-8 character or an escape sequence split
// across two reads is handled as if it came in one.
type Sanitizer struct {
	state   sanState
	pending [utf8.UTFMax]byte // the start of a UTF-8 character cut by a read
	npend   int               // bytes used in pending
	csi     []byte            // parameter bytes of a CSI sequence being read
}

type sanState uint8

const (
	sanText sanState = iota // ordinary text
	sanEsc                  // just saw ESC
	sanCSI                  // inside ESC [ ...
)

// maxCSI bounds a CSI sequence's parameters; longer ones are not colour
// and are shown as text rather than buffered.
const maxCSI = 32

// Append sanitizes src and appends the result to dst.
func (s *Sanitizer) Append(dst, src []byte) []byte {
	if s.npend > 0 {
		// Complete the character cut by the previous read, byte by byte.
		for len(src) > 0 && s.npend < len(s.pending) {
			s.pending[s.npend] = src[0]
			s.npend++
			src = src[1:]
			if utf8.FullRune(s.pending[:s.npend]) {
				break
			}
		}
		if !utf8.FullRune(s.pending[:s.npend]) {
			return dst // still short; wait for more
		}
		p := s.pending[:s.npend]
		s.npend = 0
		r, size := utf8.DecodeRune(p)
		dst = s.rune(dst, p[:size], r)
		// Bytes beyond the character (it was invalid) are read again, in
		// front of the rest of the input.
		if size < len(p) {
			src = append(append([]byte(nil), p[size:]...), src...)
		}
	}
	for i := 0; i < len(src); {
		b := src[i]
		if s.state == sanText {
			// Fast path: a run of printable ASCII.
			j := i
			for j < len(src) && src[j] >= 0x20 && src[j] < 0x7f {
				j++
			}
			dst = append(dst, src[i:j]...)
			i = j
			if i == len(src) {
				break
			}
			b = src[i]
		}
		switch s.state {
		case sanEsc:
			s.state = sanText
			if b == '[' {
				s.state = sanCSI
				s.csi = s.csi[:0]
				i++
				continue
			}
			dst = append(dst, '^', '[')
			continue // b is shown as ordinary text
		case sanCSI:
			if (b >= '0' && b <= '9' || b == ';' || b == ':') && len(s.csi) < maxCSI {
				s.csi = append(s.csi, b)
				i++
				continue
			}
			s.state = sanText
			if b == 'm' {
				dst = append(dst, 0x1b, '[')
				dst = append(dst, s.csi...)
				dst = append(dst, 'm')
				i++
				continue
			}
			dst = append(dst, '^', '[', '[')
			dst = append(dst, s.csi...)
			continue // b is shown as ordinary text
		}
		switch {
		case b == '\t' || b == '\r' || b == '\n':
			dst = append(dst, b)
			i++
		case b == 0x1b:
			s.state = sanEsc
			i++
		case b < 0x20:
			dst = append(dst, '^', b+'@')
			i++
		case b == 0x7f:
			dst = append(dst, '^', '?')
			i++
		default: // b >= 0x80: UTF-8
			if !utf8.FullRune(src[i:]) {
				s.npend = copy(s.pending[:], src[i:])
				return dst
			}
			r, size := utf8.DecodeRune(src[i:])
			dst = s.rune(dst, src[i:i+size], r)
			i += size
		}
	}
	return dst
}

// rune appends one decoded non-ASCII character, or its visible form.
func (s *Sanitizer) rune(dst, raw []byte, r rune) []byte {
	switch {
	case r == utf8.RuneError && len(raw) <= 1:
		return appendHexByte(dst, raw[0])
	case r >= 0x80 && r <= 0x9f, // C1 controls: CSI, OSC, NEL... on some terminals
		r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi overrides
		dst = append(dst, '\\', 'u')
		h := strconv.FormatInt(int64(r), 16)
		for n := len(h); n < 4; n++ {
			dst = append(dst, '0')
		}
		return append(dst, h...)
	}
	return append(dst, raw...)
}

// Flush shows what a stream that ended mid-character or mid-sequence left.
func (s *Sanitizer) Flush(dst []byte) []byte {
	for _, b := range s.pending[:s.npend] {
		dst = appendHexByte(dst, b)
	}
	s.npend = 0
	switch s.state {
	case sanEsc:
		dst = append(dst, '^', '[')
	case sanCSI:
		dst = append(dst, '^', '[', '[')
		dst = append(dst, s.csi...)
	}
	s.state = sanText
	return dst
}

func appendHexByte(dst []byte, b byte) []byte {
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'x', hex[b>>4], hex[b&0xf])
}
