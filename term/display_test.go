package term

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
	"unicode"
	"unicode/utf8"
)

var sgrParams = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// extendedColour: 38;5;N and friends, where 5 and 8 are colours.
func extendedColour(params []byte) bool {
	return bytes.Contains(params, []byte("38;")) || bytes.Contains(params, []byte("48;")) || bytes.Contains(params, []byte("58;"))
}

var sanitizeTests = []struct {
	name, in, want string
}{
	{"plain", "hello, world\r\n", "hello, world\r\n"},
	{"tab", "a\tb", "a\tb"},
	{"utf8", "héllo 世界 🙂", "héllo 世界 🙂"},
	{"colour passes", "\x1b[1;31mred\x1b[0m \x1b[m", "\x1b[1;31mred\x1b[0m \x1b[m"},
	{"256 colour", "\x1b[38;5;208mx\x1b[38:2::1:2:3m", "\x1b[38;5;208mx\x1b[38:2::1:2:3m"},
	{"window title", "\x1b]0;pwned\x07", "^[]0;pwned^G"},
	{"osc 52 clipboard", "\x1b]52;c;ZXZpbA==\x1b\\", "^[]52;c;ZXZpbA==^[\\"},
	{"clear screen", "\x1b[2J\x1b[H", "^[[2J^[[H"},
	{"cursor move", "\x1b[10;20H", "^[[10;20H"},
	{"device attributes query", "\x1b[c", "^[[c"},
	{"decrqss", "\x1bP$qm\x1b\\", "^[P$qm^[\\"},
	{"private mode", "\x1b[?1049h", "^[[?1049h"},
	{"bell", "\a\a", "^G^G"},
	{"nul", "a\x00b", "a^@b"},
	{"del", "\x7f", "^?"},
	{"backspace", "ab\bc", "ab^Hc"},
	{"invalid utf8", "a\xffb\xc3", "a\\xffb\\xc3"},
	{"truncated utf8 then ascii", "\xe4\xb8x", "\\xe4\\xb8x"},
	{"c1 csi", "\u009b2J", "\\u009b2J"},
	{"bidi override", "abc\u202edef", "abc\\u202edef"},
	{"arabic letter mark", "a\u061cb", "a\\u061cb"},
	{"zero width space", "pass\u200bword", "pass\\u200bword"},
	{"bom", "\ufeffhi", "\\ufeffhi"},
	{"soft hyphen and isolates", "\u00ad\u2066x\u2069", "\\u00ad\\u2066x\\u2069"},
	{"tag character", "\U000e0041", "\\U000e0041"},
	{"conceal dropped", "\x1b[8msecret\x1b[28m", "secret\x1b[28m"},
	{"blink dropped", "\x1b[5mA\x1b[6mB\x1b[05mC", "ABC"},
	{"blink dropped from a list", "\x1b[1;5;31mx", "\x1b[1;31mx"},
	{"colour 8 and 5 kept", "\x1b[38;5;8;48;5;5m\x1b[38;2;5;6;8m", "\x1b[38;5;8;48;5;5m\x1b[38;2;5;6;8m"},
	{"blink after a colour", "\x1b[38;5;1;5m", "\x1b[38;5;1m"},
	{"long csi is not buffered", "\x1b[" + "1111111111111111111111111111111111111111" + "m", "^[[" + "11111111111111111111111111111111" + "11111111m"},
	{"esc at end", "x\x1b", "x^["},
	{"csi at end", "x\x1b[1;2", "x^[[1;2"},
}

func sanitizeAll(chunks ...[]byte) string {
	var s Sanitizer
	var out []byte
	for _, c := range chunks {
		out = s.Append(out, c)
	}
	return string(s.Flush(out))
}

func TestSanitizer(t *testing.T) {
	for _, tt := range sanitizeTests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			if got := sanitizeAll(in); got != tt.want {
				t.Errorf("whole: got %q, want %q", got, tt.want)
			}
			// The same input split at every byte boundary, and byte by byte.
			for i := 0; i <= len(in); i++ {
				if got := sanitizeAll(in[:i], in[i:]); got != tt.want {
					t.Errorf("split at %d: got %q, want %q", i, got, tt.want)
				}
			}
			var bytewise [][]byte
			for i := range in {
				bytewise = append(bytewise, in[i:i+1])
			}
			if got := sanitizeAll(bytewise...); got != tt.want {
				t.Errorf("byte by byte: got %q, want %q", got, tt.want)
			}
		})
	}
}

// checkSafe fails if out could drive a terminal: any control byte but tab,
// CR and LF, any escape sequence but SGR, invalid UTF-8, or a C1 control.
func checkSafe(t *testing.T, in, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
	}
	for i := 0; i < len(out); i++ {
		b := out[i]
		switch {
		case b == 0x1b:
			j := i + 1
			if j >= len(out) || out[j] != '[' {
				t.Fatalf("bare ESC out of %q: %q", in, out)
			}
			j++
			for j < len(out) && (out[j] >= '0' && out[j] <= '9' || out[j] == ';' || out[j] == ':') {
				j++
			}
			if j >= len(out) || out[j] != 'm' {
				t.Fatalf("non-SGR escape sequence out of %q: %q", in, out)
			}
			i = j
		case b < 0x20 && b != '\t' && b != '\r' && b != '\n', b == 0x7f:
			t.Fatalf("control byte %#x out of %q: %q", b, in, out)
		}
	}
	for _, r := range string(out) {
		if r >= 0x80 && r <= 0x9f {
			t.Fatalf("C1 control %U out of %q: %q", r, in, out)
		}
		if unicode.Is(unicode.Cf, r) {
			t.Fatalf("invisible format character %U out of %q: %q", r, in, out)
		}
	}
	for _, sgr := range sgrParams.FindAllSubmatch(out, -1) {
		for _, f := range bytes.Split(sgr[1], []byte(";")) {
			if n, err := strconv.Atoi(string(f)); err == nil && (n == 5 || n == 6 || n == 8) && !extendedColour(sgr[1]) {
				t.Fatalf("blink or conceal out of %q: %q", in, out)
			}
		}
	}
}

func FuzzSanitizer(f *testing.F) {
	for _, tt := range sanitizeTests {
		f.Add([]byte(tt.in), uint8(3))
	}
	for _, tt := range remoteTests {
		f.Add([]byte(tt.in), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		checkRemote(t, in, cut) // display_remote_test.go
		whole := sanitizeAll(in)
		checkSafe(t, in, []byte(whole))
		c := int(cut) % (len(in) + 1)
		if split := sanitizeAll(in[:c], in[c:]); split != whole {
			t.Fatalf("split at %d changes output: %q vs %q", c, split, whole)
		}
		// Printable ASCII text is never changed.
		if bytes.IndexFunc(in, func(r rune) bool { return r < 0x20 || r > 0x7e }) < 0 && whole != string(in) {
			t.Fatalf("plain text changed: %q -> %q", in, whole)
		}
	})
}

func BenchmarkSanitizerText(b *testing.B) {
	line := []byte("The quick brown fox jumps over the lazy dog, 0123456789.\r\n")
	in := bytes.Repeat(line, 32<<10/len(line))
	var s Sanitizer
	out := make([]byte, 0, 2*len(in))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		out = s.Append(out[:0], in)
	}
}

func BenchmarkSanitizerHostile(b *testing.B) {
	in := bytes.Repeat([]byte("\x1b]0;x\a\x00\xff\x1b[31mr\x1b[2J"), 2048)
	var s Sanitizer
	out := make([]byte, 0, 4*len(in))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		out = s.Append(out[:0], in)
	}
}
