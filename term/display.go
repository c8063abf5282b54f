package term

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Sanitizer makes a server's bytes safe to show on a terminal. Printable
// text, tab, CR, LF and colour (SGR: ESC [ digits ; : m) pass unchanged;
// every other control byte and escape sequence is shown as visible text
// (^[ ^G ^@ ^?), C1 controls and invisible format characters (bidi
// overrides and marks, zero-width spaces, BOM: Unicode's Cf) as \u0085, as
// --banner shows them, and invalid UTF-8 as \xNN. SGR's conceal (8) and
// blink (5, 6) are dropped: hidden text and blinking are for fooling the
// reader. So a server can colour its text but cannot retitle the window,
// move the cursor, clear the screen, ring the bell, query the terminal, or
// hide or reorder what it says.
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
				dst = appendSGR(dst, s.csi)
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
		unicode.Is(unicode.Cf, r): // bidi overrides and marks, zero-width, BOM, tags
		return appendRuneEscape(dst, r)
	}
	return append(dst, raw...)
}

// appendRuneEscape shows r as \uNNNN, or \UNNNNNNNN beyond the BMP, as
// internal/quote does for --banner.
func appendRuneEscape(dst []byte, r rune) []byte {
	digits := 4
	if r > 0xffff {
		dst = append(dst, '\\', 'U')
		digits = 8
	} else {
		dst = append(dst, '\\', 'u')
	}
	h := strconv.FormatInt(int64(r), 16)
	for n := len(h); n < digits; n++ {
		dst = append(dst, '0')
	}
	return append(dst, h...)
}

// appendSGR appends the colour sequence with parameters params, without
// conceal (8) and blink (5, 6); nothing when only those were asked for.
// The numbers inside an extended colour (38;5;8 is colour 8) stay.
func appendSGR(dst, params []byte) []byte {
	fields := splitSGR(params)
	kept := fields[:0:0]
	dropped := false
	number := func(f []byte) int {
		n, err := strconv.Atoi(string(f))
		if err != nil {
			return -1 // empty, or with ':' sub-parameters
		}
		return n
	}
	for i := 0; i < len(fields); i++ {
		switch number(fields[i]) {
		case 38, 48, 58:
			// 38;5;N and 38;2;R;G;B carry their colour in the next fields.
			n := 0
			if i+1 < len(fields) {
				switch number(fields[i+1]) {
				case 5:
					n = 2
				case 2:
					n = 4
				}
			}
			n = min(n, len(fields)-1-i)
			kept = append(kept, fields[i:i+n+1]...)
			i += n
		case 5, 6, 8:
			dropped = true
		default:
			kept = append(kept, fields[i])
		}
	}
	if !dropped {
		dst = append(dst, 0x1b, '[')
		dst = append(dst, params...)
		return append(dst, 'm')
	}
	if len(kept) == 0 {
		return dst // ESC[m would be a reset: say nothing instead
	}
	dst = append(dst, 0x1b, '[')
	for i, f := range kept {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, f...)
	}
	return append(dst, 'm')
}

// splitSGR splits SGR parameters at ';'. (A ':' joins sub-parameters
// into one field: 38:2::1:2:3 is one colour.)
func splitSGR(params []byte) [][]byte {
	var fields [][]byte
	start := 0
	for i, b := range params {
		if b == ';' {
			fields = append(fields, params[start:i])
			start = i + 1
		}
	}
	return append(fields, params[start:])
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
