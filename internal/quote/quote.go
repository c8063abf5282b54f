// Package quote is rawtalk's one escaper for text a peer controls when
// rawtalk repeats it in its own words: a banner in the scan table, a
// greeting or refusal in a STARTTLS message, a certificate's subject, a
// proxy's answer, a line a script expected. Such text goes to stderr or a
// status line, where a stray escape sequence would drive the terminal, so
// every control byte, invalid byte and invisible character is shown as a
// backslash escape. (The server's data stream on the screen is another
// job, with other rules: term's Sanitizer.)
//
// It also holds the way back for the user: Unescape turns the backslash
// escapes a person types into bytes.
package quote

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Append appends text to dst so that it cannot drive a terminal or hide in
// it: printable text passes; a backslash becomes \\; tab, CR and LF become
// \t, \r and \n; other control bytes and each byte of invalid UTF-8 become
// \xNN; other unprintable characters (C1 controls, bidirectional
// overrides, zero-width marks) become \uNNNN.
func Append(dst, text []byte) []byte {
	return appendEscaped(dst, text, false, true)
}

// String is text escaped as Append does.
func String[T ~string | ~[]byte](text T) string {
	return string(appendEscaped(nil, []byte(text), false, true))
}

// Quote is text escaped as Append does, with double quotes escaped too,
// between double quotes: "220 ready", "bad \"x\"\r\n". For printable text
// it reads as Go's %q.
func Quote[T ~string | ~[]byte](text T) string {
	b := append(make([]byte, 0, len(text)+2), '"')
	b = appendEscaped(b, []byte(text), true, true)
	return string(append(b, '"'))
}

// Backstop is a last pass over a whole message made of rawtalk's words and
// text escaped by String or Quote: it escapes what Append would, but
// leaves backslashes alone, so that text already escaped reads the same
// and is not escaped twice. A piece of peer text that missed String shows
// as escapes instead of driving the terminal.
func Backstop(msg string) string {
	if Unsafe(msg) < 0 {
		return msg
	}
	return string(appendEscaped(nil, []byte(msg), false, false))
}

// appendEscaped escapes text onto b; quoted escapes double quotes too,
// and backslashes are escaped unless they are left for Backstop.
func appendEscaped(b, text []byte, quoted, backslashes bool) []byte {
	const hex = "0123456789abcdef"
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		switch {
		case r == utf8.RuneError && size <= 1:
			b = append(b, '\\', 'x', hex[text[0]>>4], hex[text[0]&15])
		case r == '\\' && backslashes:
			b = append(b, '\\', '\\')
		case r == '"' && quoted:
			b = append(b, '\\', '"')
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r < 0x20 || r == 0x7f:
			b = append(b, '\\', 'x', hex[r>>4], hex[r&15])
		case r < utf8.RuneSelf || unicode.IsPrint(r):
			b = append(b, text[:size]...)
		case r <= 0xffff:
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = fmt.Appendf(b, `\U%08x`, r)
		}
		text = text[size:]
	}
	return b
}

// Unsafe returns the index of the first byte in s that could drive a
// terminal or hide in it (what Append never lets through: a control byte,
// ESC, DEL, a C1 control, invalid UTF-8, a format or other unprintable
// character), or -1 if there is none. Tests hold rawtalk's messages to it.
func Unsafe(s string) int {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i
			}
		case r < 0x20 || r == 0x7f:
			return i
		case r >= utf8.RuneSelf && !unicode.IsPrint(r):
			return i
		}
	}
	return -1
}
