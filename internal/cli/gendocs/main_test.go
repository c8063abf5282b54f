package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rawtalk/rawtalk/internal/cli"
	"github.com/rawtalk/rawtalk/internal/gendocs"
)

// run writes every generated file under the root it is given, and what it
// writes is what the test of internal/cli compares the repository with.
func TestRunWritesEveryFile(t *testing.T) {
	root := t.TempDir()
	if err := run(root); err != nil {
		t.Fatal(err)
	}
	files, err := cli.DocFiles()
	if err != nil {
		t.Fatal(err)
	}
	if stale := gendocs.Stale(root, files); len(stale) > 0 {
		t.Errorf("after run: stale %q", stale)
	}
	for _, path := range []string{gendocs.ManPage, gendocs.BashCompletion, gendocs.ZshCompletion, gendocs.FishCompletion} {
		if info, err := os.Stat(filepath.Join(root, path)); err != nil || info.Size() == 0 {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// Without -root, run finds the module's root from a folder below it, as
// go generate runs it from internal/cli.
func TestModuleRootFromBelow(t *testing.T) {
	root := t.TempDir()
	below := filepath.Join(root, "internal", "cli")
	if err := os.MkdirAll(below, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(below)
	got, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.EvalSymlinks(root); got != root && got != want {
		t.Errorf("moduleRoot() = %q, want %q", got, root)
	}
}
