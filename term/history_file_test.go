package term

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"

	"github.com/rawtalk/rawtalk/internal/safefile"
)

// A history file that is a symbolic link is refused: its target is neither
// chmod-ed nor written, and a dangling link's target is not created.
func TestPrepareHistoryFileRefusesSymlink(t *testing.T) {
	dir := winetest.TempDir(t)
	target := filepath.Join(dir, "shared")
	if err := os.WriteFile(target, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rawtalk", "history")
	os.Mkdir(filepath.Dir(path), 0o700)
	winetest.Symlink(t, target, path)
	err := prepareHistoryFile(path)
	if !safefile.IsSymlink(err) {
		t.Fatalf("err = %v, want a refused symbolic link", err)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o644 {
		t.Errorf("the link's target was chmod-ed to %v", fi.Mode().Perm())
	}

	os.Remove(path)
	gone := filepath.Join(dir, "gone")
	os.Symlink(gone, path)
	if err := prepareHistoryFile(path); !safefile.IsSymlink(err) {
		t.Errorf("dangling link: err = %v", err)
	}
	if _, err := os.Lstat(gone); !os.IsNotExist(err) {
		t.Errorf("a dangling link's target was created")
	}
}
