package cli

import (
	"regexp"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMatch sets variables from the first match of REGEXP (multi-line
// mode) in FILE, one a submatch, for a script to use a port a program
// chose:
//
//	match FILE REGEXP VAR...
func cmdMatch(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: match FILE REGEXP VAR...")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	text := ts.ReadFile(args[0])
	m := re.FindStringSubmatch(text)
	if m == nil {
		ts.Fatalf("no match for %q in %s:\n%s", args[1], args[0], text)
	}
	vars := args[2:]
	if len(vars) != len(m)-1 {
		ts.Fatalf("%q has %d submatches for %d variables", args[1], len(m)-1, len(vars))
	}
	for i, v := range vars {
		ts.Setenv(v, m[i+1])
	}
}
