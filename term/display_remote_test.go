package term

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// What a remote shell, less and vi draw with passes under RemoteScreen;
// what can harm or read the terminal is dropped unseen, as a terminal
// draws nothing for it either.
var remoteTests = []struct {
	name, in, want string
}{
	{"bracketed paste", "\x1b[?2004h$ ", "\x1b[?2004h$ "},
	{"backspace erase", "ab\b \b", "ab\b \b"},
	{"insert character", "ac\b\x1b[1@b", "ac\b\x1b[1@b"},
	{"delete, erase, insert and delete lines", "\x1b[P\x1b[3X\x1b[K\x1b[2J\x1b[L\x1b[2M", "\x1b[P\x1b[3X\x1b[K\x1b[2J\x1b[L\x1b[2M"},
	{"cursor moves", "\x1b[10;20H\x1b[A\x1b[2B\x1b[C\x1b[D\x1b[5G\x1b[3d\x1b[H", "\x1b[10;20H\x1b[A\x1b[2B\x1b[C\x1b[D\x1b[5G\x1b[3d\x1b[H"},
	{"scroll region and scrolling", "\x1b[1;23r\x1b[S\x1b[2T\x1bM\x1bD", "\x1b[1;23r\x1b[S\x1b[2T\x1bM\x1bD"},
	{"alternate screen", "\x1b[?1049h\x1b[?47l\x1b[?1047h", "\x1b[?1049h\x1b[?47l\x1b[?1047h"},
	{"cursor visibility, keys, wrap", "\x1b[?25l\x1b[?1h\x1b=\x1b[?7l\x1b[?12;25h", "\x1b[?25l\x1b[?1h\x1b=\x1b[?7l\x1b[?12;25h"},
	{"save and restore cursor", "\x1b7x\x1b8", "\x1b7x\x1b8"},
	{"charset (ncurses' sgr0)", "\x1b(B\x1b[m\x1b)0", "\x1b(B\x1b[m\x1b)0"},
	{"insert mode", "\x1b[4hx\x1b[4l", "\x1b[4hx\x1b[4l"},
	{"bell", "\a", "\a"},
	{"colour, blink still dropped", "\x1b[1;5;31mx", "\x1b[1;31mx"},
	{"window title", "a\x1b]0;pwned\x07b", "ab"},
	{"osc 52 clipboard", "a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"},
	{"dcs", "\x1bP$qm\x1b\\", ""},
	{"apc pm sos", "\x1b_a\x1b^b\x1bXc", ""},
	{"string ended by another escape", "\x1b]0;t\x1b[Hx", "\x1b[Hx"},
	{"string cancelled", "\x1b]0;t\x18x\x1bPq\x1ay", "xy"},
	{"device status query", "\x1b[6n\x1b[5n", ""},
	{"device attributes queries", "\x1b[c\x1b[0c\x1b[>c\x1b[=c", ""},
	{"window report", "\x1b[21t\x1b[14t", ""},
	{"title stack (less at start and exit)", "\x1b[?1049h\x1b[22;0;0tx\x1b[?1049l\x1b[23;0;0t$ ", "\x1b[?1049hx\x1b[?1049l$ "},
	{"vi's probes", "\x1b[?1006;1000h\x1b[?1002h\x1b[>4;2m\x1bPzz\x1b\\\x1b[0%m\x1b[>c\x1b]10;?\x07\x1b]11;?\x07~", "~"},
	{"mouse reporting", "\x1b[?1000h\x1b[?25;1006h", ""},
	{"modes spelled oddly", "\x1b[?01h\x1b[?+1h", ""},
	{"mode report query", "\x1b[?2004$p", ""},
	{"full reset and other escapes", "\x1bc\x1b#8\x1b%Gx", "x"},
	{"unknown charset", "\x1b(Z\x1b(%5x", "x"},
	{"over-long CSI", "\x1b[" + strings.Repeat("1;", 40) + "Hx", "x"},
	{"CSI cut by a control", "\x1b[1\rx\x1b[?\x1b[Dy", "\rx\x1b[Dy"},
	{"ESC then a control", "\x1b\rx", "\rx"},
	{"c1 csi", "\u009b6n", "\\u009b6n"},
	{"raw c1 byte", "\x9b6n", "\\x9b6n"},
	{"other controls", "\x00\x0e\x0f\x7f", "^@^N^O^?"},
	{"bidi override", "a\u202eb", "a\\u202eb"},
	{"charset at end", "x\x1b(", "x"},
	{"string at end", "x\x1b]0;t", "x"},
}

// Text after a string that RemoteScreen was dropping shows again once the
// policy is TextOnly: the server stopped owning the screen.
func TestSanitizerStringEndsWithRemoteScreen(t *testing.T) {
	s := Sanitizer{Policy: RemoteScreen}
	out := s.Append(nil, []byte("a\x1b]0;unfinished"))
	s.Policy = TextOnly
	out = s.Append(out, []byte("b\x1b[6n"))
	if got, want := string(s.Flush(out)), "ab^[[6n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func sanitizeRemote(chunks ...[]byte) string {
	s := Sanitizer{Policy: RemoteScreen}
	var out []byte
	for _, c := range chunks {
		out = s.Append(out, c)
	}
	return string(s.Flush(out))
}

func TestSanitizerRemoteScreen(t *testing.T) {
	for _, tt := range remoteTests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			if got := sanitizeRemote(in); got != tt.want {
				t.Errorf("whole: got %q, want %q", got, tt.want)
			}
			for i := 0; i <= len(in); i++ {
				if got := sanitizeRemote(in[:i], in[i:]); got != tt.want {
					t.Errorf("split at %d: got %q, want %q", i, got, tt.want)
				}
			}
			checkRemoteSafe(t, in, []byte(sanitizeRemote(in)))
		})
	}
}

func TestSanitizerResetsModesLeftOn(t *testing.T) {
	s := Sanitizer{Policy: RemoteScreen}
	s.Append(nil, []byte("\x1b[?1049h\x1b[?2004h\x1b[?25l\x1b[?1h\x1b[?1l\x1b[?2004l\x1b[?2004h"))
	if got, want := string(s.ResetModes(nil)), "\x1b[?1049l\x1b[?2004l\x1b[?25h"; got != want {
		t.Errorf("reset %q, want %q", got, want)
	}
	if got := s.ResetModes(nil); len(got) != 0 {
		t.Errorf("second reset %q, want nothing", got)
	}
}

// checkRemoteSafe fails if out holds anything RemoteScreen must not pass:
// control bytes but tab, CR, LF, BS and BEL; escape sequences but the
// drawing ones; OSC, DCS, APC, PM, SOS; queries; invalid UTF-8; C1 and Cf.
// It reads out on its own, as a terminal would.
func checkRemoteSafe(t *testing.T, in, out []byte) {
	t.Helper()
	fail := func(what string) { t.Fatalf("%s out of %q: %q", what, in, out) }
	if !utf8.Valid(out) {
		fail("invalid UTF-8")
	}
	for i := 0; i < len(out); i++ {
		b := out[i]
		switch {
		case b == 0x1b:
			if i+1 >= len(out) {
				fail("bare ESC")
			}
			next := out[i+1]
			switch {
			case strings.IndexByte("78MDE=>", next) >= 0:
				i++
			case next == '(' || next == ')':
				if i+2 >= len(out) || strings.IndexByte("B0AUK", out[i+2]) < 0 {
					fail("charset switch")
				}
				i += 2
			case next == '[':
				j := i + 2
				for j < len(out) && out[j] >= 0x20 && out[j] <= 0x3f {
					j++
				}
				if j >= len(out) {
					fail("unfinished CSI")
				}
				params, final := string(out[i+2:j]), out[j]
				if !allowedRemoteCSI(params, final) {
					fail("CSI " + strconv.Quote(params+string(final)))
				}
				i = j
			default:
				fail("escape " + strconv.Quote(string(next))) // OSC, DCS, APC, PM, SOS, RIS...
			}
		case b < 0x20 && strings.IndexByte("\t\r\n\b\a", b) < 0, b == 0x7f:
			fail("control byte " + strconv.Itoa(int(b)))
		}
	}
	for _, r := range string(out) {
		if r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Cf, r) {
			fail("C1 or format character " + strconv.QuoteRune(r))
		}
	}
}

// allowedRemoteCSI is the oracle's own list of what RemoteScreen passes.
func allowedRemoteCSI(params string, final byte) bool {
	if rest, ok := strings.CutPrefix(params, "?"); ok {
		if final != 'h' && final != 'l' {
			return false
		}
		for _, m := range strings.Split(rest, ";") {
			switch m {
			case "1049", "47", "1047", "1048", "2004", "25", "1", "7", "12":
			default:
				return false
			}
		}
		return true
	}
	if strings.Trim(params, "0123456789;:") != "" {
		return false
	}
	if final == 'm' {
		for _, f := range strings.Split(params, ";") {
			if (f == "5" || f == "6" || f == "8") && !extendedColour([]byte(params)) {
				return false
			}
		}
		return true
	}
	if strings.Contains(params, ":") {
		return false
	}
	if final == 'h' || final == 'l' {
		return params == "4"
	}
	return strings.IndexByte("ABCDEFGHfdea`IZJKX@PLMbSTr", final) >= 0
}

// checkRemote is FuzzSanitizer's part for RemoteScreen.
func checkRemote(t *testing.T, in []byte, cut uint8) {
	t.Helper()
	whole := sanitizeRemote(in)
	checkRemoteSafe(t, in, []byte(whole))
	c := int(cut) % (len(in) + 1)
	if split := sanitizeRemote(in[:c], in[c:]); split != whole {
		t.Fatalf("RemoteScreen: split at %d changes output: %q vs %q", c, split, whole)
	}
	// Text without ESC is changed only where TextOnly changes it too, but
	// for the backspace and bell RemoteScreen passes.
	if bytes.IndexByte(in, 0x1b) < 0 && bytes.IndexByte(in, '^') < 0 {
		// Each backspace and bell in the input passes; the text between
		// them is shown as TextOnly shows it. (Replacing "^G" in
		// TextOnly's output would also hit "^^" followed by a G.)
		var b strings.Builder
		start := 0
		for i, c := range in {
			if c == '\b' || c == '\a' {
				b.WriteString(sanitizeAll(in[start:i]))
				b.WriteByte(c)
				start = i + 1
			}
		}
		b.WriteString(sanitizeAll(in[start:]))
		if want := b.String(); whole != want {
			t.Fatalf("RemoteScreen changed text differently: %q -> %q, TextOnly %q", in, whole, want)
		}
	}
}
