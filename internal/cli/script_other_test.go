//go:build !unix

package cli

import (
	"fmt"
	"os"

	"github.com/rogpeppe/go-internal/testscript"
)

// fullListener needs a listen backlog of zero, which Windows does not
// honour.
func fullListener(ts *testscript.TestScript) int {
	ts.Fatalf("a full listen queue cannot be made on this system")
	return 0
}

// rawtalkNofile needs Unix's open-file limit.
func rawtalkNofile() {
	fmt.Fprintln(os.Stderr, "rawtalk-nofile: no open-file limit on this system")
	os.Exit(2)
}
