package term

import "testing"

// TestKeysTerminalsSend: Home, End, Delete and moves by word, as xterm,
// tmux, screen, rxvt and the Linux console send them, edit the line; the
// server gets the edited line.
func TestKeysTerminalsSend(t *testing.T) {
	const (
		home1, home7, homeSS3, homeCSI = "\x1b[1~", "\x1b[7~", "\x1bOH", "\x1b[H"
		end4, end8, endSS3, endCSI     = "\x1b[4~", "\x1b[8~", "\x1bOF", "\x1b[F"
		del                            = "\x1b[3~"
	)
	tests := []struct{ name, keys, want string }{
		{"home ESC [1~ (tmux, screen, linux)", "abc" + home1 + "X", "Xabc"},
		{"home ESC [7~ (rxvt)", "abc" + home7 + "X", "Xabc"},
		{"home ESC O H (xterm application mode)", "abc" + homeSS3 + "X", "Xabc"},
		{"home ESC [H (xterm)", "abc" + homeCSI + "X", "Xabc"},
		{"end ESC [4~", "abc" + home1 + end4 + "X", "abcX"},
		{"end ESC [8~", "abc" + home1 + end8 + "X", "abcX"},
		{"end ESC O F", "abc" + home1 + endSS3 + "X", "abcX"},
		{"end ESC [F", "abc" + home1 + endCSI + "X", "abcX"},
		{"delete ESC [3~", "abcd" + home1 + del + "X", "Xbcd"},
		{"delete on an empty line does nothing", del + "ok", "ok"},
		{"ctrl-left ESC [1;5D", "one two three\x1b[1;5DX", "one two Xthree"},
		{"ctrl-left twice", "one two three\x1b[1;5D\x1b[1;5DX", "one Xtwo three"},
		// readline moves forward to the start of the next word.
		{"ctrl-right ESC [1;5C", "one two three" + home1 + "\x1b[1;5CX", "one Xtwo three"},
		{"alt-left ESC [1;3D", "one two\x1b[1;3DX", "one Xtwo"},
		{"rxvt ctrl-left ESC O d", "one two\x1bOdX", "one Xtwo"},
		{"rxvt ctrl-right ESC O c", "one two" + home1 + "\x1bOcX", "one Xtwo"},
		{"alt-b", "one two\x1bbX", "one Xtwo"},
		{"alt-f", "one two" + home1 + "\x1bfX", "one Xtwo"},
	}
	p := startPTY(t, Options{})
	p.ready()
	for _, tt := range tests {
		// Each key on its own write, as a person types.
		for _, k := range splitKeys(tt.keys) {
			p.keys(k)
		}
		p.keys("\r")
		p.expect(tt.want + "\r\n")
	}
}

// splitKeys cuts typed text into keys: an escape sequence is one key.
func splitKeys(s string) []string {
	var keys []string
	for len(s) > 0 {
		n := 1
		if s[0] == 0x1b {
			n = keyLen([]byte(s))
		}
		keys = append(keys, s[:n])
		s = s[n:]
	}
	return keys
}
