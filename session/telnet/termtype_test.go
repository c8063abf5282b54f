package telnet

import "testing"

// TERMINAL-TYPE offers $TERM; with TERM unset, the system's default (none
// on Unix, so the option is refused as telnet refuses it).
func TestTermType(t *testing.T) {
	env := map[string]string{"TERM": "xterm-kitty"}
	if got := TermType(func(k string) string { return env[k] }); got != "xterm-kitty" {
		t.Errorf("with TERM set: %q", got)
	}
	if got := TermType(func(string) string { return "" }); got != defaultTermType {
		t.Errorf("with TERM unset: %q, want %q", got, defaultTermType)
	}
}
