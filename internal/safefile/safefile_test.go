package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	winetest.Symlink(t, target, link)
}

// A link to an existing file is refused, and the file is left as it was.
func TestOpenAppendRefusesLink(t *testing.T) {
	dir := winetest.TempDir(t)
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("theirs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "log")
	symlink(t, target, link)
	f, err := OpenAppend(link, 0o600)
	if f != nil {
		f.Close()
	}
	var se *SymlinkError
	if !errors.As(err, &se) || se.Path != link || !IsSymlink(err) {
		t.Fatalf("err = %v, want a SymlinkError for %s", err, link)
	}
	if want := link + " is a symbolic link; refusing to follow it"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	b, _ := os.ReadFile(target)
	fi, _ := os.Stat(target)
	if string(b) != "theirs\n" || fi.Mode().Perm() != 0o644 {
		t.Errorf("target changed: %q, mode %v", b, fi.Mode().Perm())
	}
}

// A dangling link is refused, and its target is not created.
func TestOpenAppendRefusesDanglingLink(t *testing.T) {
	dir := winetest.TempDir(t)
	target := filepath.Join(dir, "made-by-rawtalk")
	link := filepath.Join(dir, "log")
	symlink(t, target, link)
	_, err := OpenAppend(link, 0o600)
	if !IsSymlink(err) {
		t.Fatalf("err = %v, want a SymlinkError", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the link's target was created (%v)", err)
	}
}

// A new file is created private; an existing one is appended to; a link
// in a directory above the file is followed.
func TestOpenAppendCreatesAndAppends(t *testing.T) {
	dir := winetest.TempDir(t)
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	via := filepath.Join(dir, "via")
	symlink(t, real, via)
	path := filepath.Join(via, "log")
	for _, s := range []string{"one\n", "two\n"} {
		f, err := OpenAppend(path, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(s)
		f.Close()
	}
	b, err := os.ReadFile(filepath.Join(real, "log"))
	if err != nil || string(b) != "one\ntwo\n" {
		t.Fatalf("file holds %q (%v)", b, err)
	}
}

// Other errors stay what they were.
func TestOpenAppendOtherErrors(t *testing.T) {
	_, err := OpenAppend(filepath.Join(winetest.TempDir(t), "no", "such", "dir"), 0o600)
	if !errors.Is(err, os.ErrNotExist) || IsSymlink(err) {
		t.Errorf("err = %v, want not-exist", err)
	}
}
