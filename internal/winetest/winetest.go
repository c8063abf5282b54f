// Package winetest lets the Windows test binaries run under Wine 8.0, which
// CI uses as its Windows (.ci/wine): it tells Wine from real Windows, skips
// exactly the tests that need what Wine 8.0 lacks (UDP and unix sockets),
// and gives a temporary directory whose clean-up survives Wine's failing
// os.RemoveAll. On real Windows and on Unix it changes nothing.
package winetest

import (
	"os"
	"path/filepath"
	"testing"
)

// Under reports whether this process runs under Wine, not on Windows: ntdll
// exports wine_get_version only under Wine. It is false on every other system.
func Under() bool { return underWine }

// Skip skips t under Wine, saying why: reason names what Wine lacks, as in
// "Wine 8.0 has no UDP sockets".
func Skip(t testing.TB, reason string) {
	t.Helper()
	if underWine {
		t.Skip("under Wine: " + reason)
	}
}

// Reasons shared by the skips, so that the CI log says the same words.
const (
	NoUDP         = "Wine 8.0 has no UDP sockets (WSAEPROTOTYPE)"
	NoUnixSockets = "Wine 8.0 has no unix sockets"
)

// TempDir is t.TempDir, except under Wine, whose os.RemoveAll fails with
// "Invalid function" (Go's unlinkat asks for POSIX delete semantics, which
// Wine 8.0 lacks) and so fails every test that used t.TempDir. There the
// directory is removed file by file with os.Remove, which Wine can do, and
// what is left is left in Wine's temporary folder.
func TempDir(t testing.TB) string {
	t.Helper()
	if !underWine {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("", "rawtalk-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeEach(dir) })
	return dir
}

// removeEach removes dir and everything in it, deepest first, one os.Remove
// at a time, ignoring what cannot be removed.
func removeEach(dir string) {
	var paths []string
	filepath.WalkDir(dir, func(path string, _ os.DirEntry, _ error) error {
		paths = append(paths, path)
		return nil
	})
	for i := len(paths) - 1; i >= 0; i-- {
		os.Remove(paths[i])
	}
}

// NoSymlinks: Wine 8.0's CreateSymbolicLinkW returns success and makes
// nothing (measured: Lstat then finds no file).
const NoSymlinks = "Wine 8.0 makes no symbolic links (CreateSymbolicLinkW succeeds and creates nothing)"

// Symlink makes link point at target, or skips t where that cannot be done:
// a Windows account without the right to make links, or Wine.
func Symlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	if fi, err := os.Lstat(link); underWine && (err != nil || fi.Mode()&os.ModeSymlink == 0) {
		Skip(t, NoSymlinks)
	}
}
