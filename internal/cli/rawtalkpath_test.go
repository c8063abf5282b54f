package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// rawtalkPath links the test binary under the name rawtalk, which
// TestMain runs as the real program.
func rawtalkPath(t *testing.T) string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "rawtalk")
	if runtime.GOOS == "windows" {
		link += ".exe" // Windows runs programs by their extension
	}
	if err := os.Symlink(exe, link); err != nil {
		if err := os.Link(exe, link); err != nil { // Windows: symlinks need a privilege
			t.Fatal(err)
		}
	}
	return link
}
