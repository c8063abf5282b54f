package term

import (
	"bytes"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Sanitizer makes a server's bytes safe to show on a terminal. Under the
// TextOnly policy, printable text, tab, CR, LF and colour (SGR: ESC [
// digits ; : m) pass unchanged; every other control byte and escape
// sequence is shown as visible text (^[ ^G ^@ ^?), C1 controls and
// invisible format characters (bidi overrides and marks, zero-width
// spaces, BOM: Unicode's Cf) as \u0085, as --banner shows them, and
// invalid UTF-8 as \xNN. SGR's conceal (8) and blink (5, 6) are dropped:
// hidden text and blinking are for fooling the reader. So a server can
// colour its text but cannot retitle the window, move the cursor, clear
// the screen, ring the bell, query the terminal, or hide or reorder what it
// says. The RemoteScreen policy lets a remote line editor or full-screen
// program draw (see Policy).
//
// It is a stream filter: a UTF-8 character or an escape sequence split
// across two reads is handled as if it came in one.
type Sanitizer struct {
	// Policy is what passes; it may change between calls to Append.
	Policy Policy

	state   sanState
	pending [utf8.UTFMax]byte // the start of a UTF-8 character cut by a read
	npend   int               // bytes used in pending
	csi     []byte            // parameter and intermediate bytes of a CSI sequence being read
	long    bool              // RemoteScreen: the CSI being read outgrew maxCSI, and is dropped
	modesOn uint16            // RemoteScreen: private modes away from their default (remoteModes' bits)
}

// Policy says what a Sanitizer lets through.
type Policy uint8

const (
	// TextOnly passes text and colour: all a line-based server needs.
	TextOnly Policy = iota
	// RemoteScreen is for a server that echoes and so owns the screen (a
	// remote shell's line editor, less, vi, top): it also passes backspace,
	// the bell, cursor movement, erases, insert and delete (CSI @ P L M X),
	// scrolling and its region (CSI S T r), cursor save and restore, the
	// keypad and character-set switches, and the private modes in
	// remoteModes (the alternate screen, bracketed paste, the cursor's
	// visibility, application cursor keys, autowrap). It drops, whole and
	// unseen, every other escape sequence, and with it what can harm or
	// read the terminal: OSC strings (titles, the clipboard through OSC
	// 52), DCS, APC, PM and SOS strings, device status and attribute
	// queries (their answers would be typed into the session), window
	// operations, mouse reporting, resets. Unseen, because a terminal draws
	// nothing for them either: shown as text where the remote program
	// draws, they would break its screen (less's title save at every start
	// and exit, vi's terminal probes, a prompt that sets the window title).
	// Control bytes, C1 controls and invalid UTF-8 are still shown as text.
	RemoteScreen
)

// remoteModes are the private modes (CSI ? N h/l) RemoteScreen passes, in
// the bit order of Sanitizer.modesOn.
var remoteModes = []int{1049, 47, 1047, 1048, 2004, 25, 1, 7, 12}

type sanState uint8

const (
	sanText      sanState = iota // ordinary text
	sanEsc                       // just saw ESC
	sanCSI                       // inside ESC [ ...
	sanCharset                   // RemoteScreen: inside ESC ( or ESC ), csi holds the second byte
	sanEscInter                  // RemoteScreen: inside ESC, intermediates (ESC # 8, ESC % G), dropped
	sanString                    // RemoteScreen: inside an OSC, DCS, SOS, PM or APC string, dropped
	sanStringEsc                 // RemoteScreen: ESC inside such a string
)

// maxCSI bounds a CSI sequence's parameters; longer ones are shown as text
// rather than buffered.
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
	remote := s.Policy == RemoteScreen
	if !remote && s.state >= sanEscInter {
		s.state = sanText // what RemoteScreen was dropping ends with it
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
			switch {
			case b == '[':
				s.state = sanCSI
				s.csi = s.csi[:0]
				i++
				continue
			case remote && (b == '(' || b == ')'):
				s.state = sanCharset
				s.csi = append(s.csi[:0], b)
				i++
				continue
			case remote && bytes.IndexByte([]byte("78MDE=>"), b) >= 0:
				// Save and restore the cursor, reverse index, index, next
				// line, keypad modes.
				dst = append(dst, 0x1b, b)
				i++
				continue
			case remote && bytes.IndexByte([]byte("]PX^_"), b) >= 0:
				s.state = sanString
				i++
				continue
			case remote && b >= 0x20 && b <= 0x2f:
				s.state = sanEscInter
				i++
				continue
			case remote && b >= 0x30 && b <= 0x7e:
				i++ // a full reset (ESC c) and the rest: dropped
				continue
			case remote:
				continue // ESC then a control: the ESC is dropped
			}
			dst = append(dst, '^', '[')
			continue // b is shown as ordinary text
		case sanEscInter:
			if b >= 0x20 && b <= 0x2f {
				i++
				continue
			}
			s.state = sanText
			if b >= 0x30 && b <= 0x7e {
				i++
			}
			continue
		case sanString:
			switch b {
			case 0x1b:
				s.state = sanStringEsc
			case 0x07, 0x18, 0x1a: // BEL ends it, CAN and SUB cancel it
				s.state = sanText
			}
			i++
			continue
		case sanStringEsc:
			s.state = sanText
			if b == '\\' {
				i++ // the string terminator
				continue
			}
			s.state = sanEsc // another escape ends the string and begins
			continue
		case sanCharset:
			s.state = sanText
			if bytes.IndexByte([]byte("B0AUK"), b) >= 0 {
				dst = append(dst, 0x1b, s.csi[0], b)
				i++
				continue
			}
			if remote {
				if b >= 0x20 && b <= 0x2f {
					s.state = sanEscInter
				}
				if b >= 0x20 && b <= 0x7e {
					i++ // an unknown character set: dropped
				}
				continue
			}
			dst = append(dst, '^', '[', s.csi[0])
			continue // b is shown as ordinary text
		case sanCSI:
			if b >= 0x20 && b <= 0x3f && len(s.csi) < maxCSI {
				s.csi = append(s.csi, b) // parameters, private marks, intermediates
				i++
				continue
			}
			if remote && b >= 0x20 && b <= 0x3f {
				s.long = true
				i++
				continue
			}
			s.state = sanText
			if remote && s.long {
				s.long = false
				if b >= 0x40 && b <= 0x7e {
					i++
				}
				continue
			}
			if b == 'm' && isSGRParams(s.csi) {
				dst = appendSGR(dst, s.csi)
				i++
				continue
			}
			if remote && b >= 0x40 && b <= 0x7e {
				if s.remoteCSI(s.csi, b) {
					dst = append(dst, 0x1b, '[')
					dst = append(dst, s.csi...)
					dst = append(dst, b)
				}
				i++
				continue
			}
			if remote {
				continue // cut short by a control: dropped, the control read on
			}
			dst = append(dst, '^', '[', '[')
			dst = append(dst, s.csi...)
			continue // b is shown as ordinary text
		}
		switch {
		case b == '\t' || b == '\r' || b == '\n':
			dst = append(dst, b)
			i++
		case remote && (b == '\b' || b == '\a'):
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

// isSGRParams reports whether params can be colour's: digits, ';' and ':'.
func isSGRParams(params []byte) bool {
	for _, b := range params {
		if !(b >= '0' && b <= '9' || b == ';' || b == ':') {
			return false
		}
	}
	return true
}

// remoteCSI reports whether RemoteScreen passes CSI params final, and
// keeps track of the private modes it sets.
func (s *Sanitizer) remoteCSI(params []byte, final byte) bool {
	if len(params) > 0 && params[0] == '?' {
		if final != 'h' && final != 'l' {
			return false
		}
		var set, reset uint16 // modes moved away from the default, and back
		for _, f := range bytes.Split(params[1:], []byte{';'}) {
			n, err := strconv.Atoi(string(f))
			if err != nil || strconv.Itoa(n) != string(f) { // not "+1", "01"
				return false
			}
			bit := slices.Index(remoteModes, n)
			if bit < 0 {
				return false // mouse reporting, focus events...
			}
			if (final == 'h') != defaultOn(n) {
				set |= 1 << bit
			} else {
				reset |= 1 << bit
			}
		}
		s.modesOn = s.modesOn&^reset | set
		return true
	}
	for _, b := range params {
		if !(b >= '0' && b <= '9' || b == ';') {
			return false // other private marks and intermediates
		}
	}
	switch final {
	case 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'f', 'd', 'e', 'a', '`', 'I', 'Z': // cursor
		return true
	case 'J', 'K', 'X', '@', 'P', 'L', 'M', 'b': // erase, insert, delete, repeat
		return true
	case 'S', 'T', 'r': // scroll, scroll region
		return true
	case 'h', 'l': // insert mode (IRM) only
		return string(params) == "4"
	}
	return false // device status and attributes (n, c), window operations (t)...
}

// defaultOn reports whether a private mode is on in a fresh terminal: a
// visible cursor (25) and autowrap (7).
func defaultOn(mode int) bool { return mode == 25 || mode == 7 }

// ResetModes appends what turns off the private modes a RemoteScreen
// server turned on and left on (the alternate screen, a hidden cursor,
// bracketed paste), so that the terminal is the user's again when the
// server stops owning it or the session ends.
func (s *Sanitizer) ResetModes(dst []byte) []byte {
	for bit, mode := range remoteModes {
		if s.modesOn&(1<<bit) == 0 {
			continue
		}
		reset := byte('l')
		if defaultOn(mode) {
			reset = 'h'
		}
		dst = append(dst, "\x1b[?"...)
		dst = strconv.AppendInt(dst, int64(mode), 10)
		dst = append(dst, reset)
	}
	s.modesOn = 0
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
	if s.Policy == RemoteScreen {
		s.state, s.long = sanText, false // a sequence cut short draws nothing
		return dst
	}
	switch s.state {
	case sanEsc:
		dst = append(dst, '^', '[')
	case sanCSI:
		dst = append(dst, '^', '[', '[')
		dst = append(dst, s.csi...)
	case sanCharset:
		dst = append(dst, '^', '[', s.csi[0])
	}
	s.state = sanText
	return dst
}

func appendHexByte(dst []byte, b byte) []byte {
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'x', hex[b>>4], hex[b&0xf])
}
