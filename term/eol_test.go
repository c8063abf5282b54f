package term

import (
	"strings"
	"testing"
)

// EOLNames, which the shell completion of --eol offers, are exactly what
// parseEOL takes: each parses, in any case, and names itself back.
func TestEOLNamesParse(t *testing.T) {
	names := EOLNames()
	if len(names) != 4 {
		t.Fatalf("EOLNames() = %q, want crlf, lf, cr, none", names)
	}
	for _, name := range names {
		for _, spelled := range []string{name, strings.ToUpper(name)} {
			eol, err := parseEOL(spelled)
			if err != nil {
				t.Errorf("parseEOL(%q): %v", spelled, err)
				continue
			}
			if got := EOLName(eol); got != name {
				t.Errorf("EOLName(parseEOL(%q)) = %q", spelled, got)
			}
		}
	}
	_, err := parseEOL("crlf2")
	if err == nil {
		t.Fatal("parseEOL(crlf2): no error")
	}
	for _, name := range names {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not offer %q", err, name)
		}
	}
}
