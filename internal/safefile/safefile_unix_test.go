//go:build unix

package safefile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadableByOthers(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		mode os.FileMode
		want bool
	}{{0o600, false}, {0o640, true}, {0o604, true}, {0o620, false}} {
		path := filepath.Join(dir, tt.mode.String())
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, tt.mode)
		f, err := OpenAppend(path, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		mode, got := ReadableByOthers(f)
		f.Close()
		if got != tt.want || mode != tt.mode {
			t.Errorf("mode %v: ReadableByOthers = %v, %v; want %v", tt.mode, mode, got, tt.want)
		}
	}
	// A device such as /dev/null is no one's secret.
	if f, err := OpenAppend(os.DevNull, 0o600); err == nil {
		if _, got := ReadableByOthers(f); got {
			t.Errorf("%s reported readable by others", os.DevNull)
		}
		f.Close()
	}
}

// A new file gets the mode asked for, never more.
func TestOpenAppendNewFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f, err := OpenAppend(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
}
