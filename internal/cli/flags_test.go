package cli

import (
	"strings"
	"testing"
)

// FlagSet, which the man page and the completions are made from, is the
// flag set --help describes, flag for flag.
func TestFlagSetIsHelps(t *testing.T) {
	var help strings.Builder
	if code := run([]string{"--help"}, strings.NewReader(""), &help, &help); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	_, flags, ok := strings.Cut(help.String(), "\nFlags:\n")
	if !ok || flags != FlagSet().FlagUsages() {
		t.Errorf("--help's flags and FlagSet differ:\n%s\n---\n%s", flags, FlagSet().FlagUsages())
	}
	for _, name := range []string{"listen", "tls", "log", "telnet", "scan", "demo", "idle-timeout"} {
		if FlagSet().Lookup(name) == nil {
			t.Errorf("FlagSet has no --%s", name)
		}
	}
}
