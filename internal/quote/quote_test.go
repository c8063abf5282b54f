package quote

import (
	"fmt"
	"testing"
)

func TestAppend(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"tab\there", `tab\there`},
		{"cr\rlf\n", `cr\rlf\n`},
		{"\x1b[2J\x1b]0;title\x07", `\x1b[2J\x1b]0;title\x07`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"back\\slash", `back\\slash`},
		{"\xff\xfe\xc3", `\xff\xfe\xc3`},
		{"caf\xc3\xa9 日本 ✓", "café 日本 ✓"},
		{"\u0085 c1 \u009b", `\u0085 c1 \u009b`},
		{"rtl \u202e override, zero\u200bwidth", `rtl \u202e override, zero\u200bwidth`},
		{"\U000e0041 tag", `\U000e0041 tag`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(Append(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("Append(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Was session.Printable's test: the STARTTLS trace now uses the one
// escaper, which also escapes tab and shows C1 controls as \uNNNN.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"220 ok":            "220 ok",
		"tab\there":         `tab\there`,
		"\x1b]0;pwned\x07":  `\x1b]0;pwned\x07`,
		"caf\xc3\xa9 \xff":  `café \xff`,
		"\u009b2J":          `\u009b2J`,
		"nul\x00del\x7fend": `nul\x00del\x7fend`,
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestQuoteReadsAsPercentQ: for printable text, Quote is what the
// messages printed with %q before, so no message changed.
func TestQuoteReadsAsPercentQ(t *testing.T) {
	for _, in := range []string{"220 ready", `say "hi"`, "café 日本", "", "a\\b", "cr\r\nlf", "\x1b[2J", "\xff"} {
		if got, want := Quote(in), fmt.Sprintf("%q", in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
	if got, want := Quote([]byte("ok\u202e")), `"ok\u202e"`; got != want {
		t.Errorf("Quote of a bidi override = %s, want %s", got, want)
	}
}

func TestUnsafe(t *testing.T) {
	for in, want := range map[string]int{
		"ok text": -1, "café ✓": -1, "a\x1b[2J": 1, "\t": 0, "x\u009b": 1, "ab\u202e": 2,
		"\u200b": 0, "\ufeff": 0, "\u061c": 0, "a\xff": 1, "\x7f": 0, "\U000e0041": 0,
	} {
		if got := Unsafe(in); got != want {
			t.Errorf("Unsafe(%q) = %d, want %d", in, got, want)
		}
	}
}
