package gendocs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"

	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/internal/completion"
	"github.com/rawtalk/rawtalk/internal/version"
)

func flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("rawtalk", pflag.ContinueOnError)
	fs.BoolP("verbose", "v", false, "say more")
	fs.String("eol", "crlf", "what Enter sends: `crlf|lf|cr|none`")
	return fs
}

var spec = completion.Spec{Command: "rawtalk", Words: map[string][]string{"eol": {"crlf", "lf", "cr", "none"}}}

// TestStaleSeesAChangedFlagSet: files written for one flag set are up to
// date for it, and stale, each of them, once a flag is added.
func TestStaleSeesAChangedFlagSet(t *testing.T) {
	root := winetest.TempDir(t)
	files, err := Files(flags(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if stale := Stale(root, files); len(stale) != 4 {
		t.Errorf("before writing: stale %q, want all 4 files missing", stale)
	}
	if err := Write(root, files); err != nil {
		t.Fatal(err)
	}
	if stale := Stale(root, files); len(stale) != 0 {
		t.Errorf("just written: stale %q", stale)
	}
	for _, path := range []string{ManPage, BashCompletion, ZshCompletion, FishCompletion} {
		if _, err := os.Stat(filepath.Join(root, path)); err != nil {
			t.Error(err)
		}
	}

	changed := flags()
	changed.Bool("new-flag", false, "added later")
	newFiles, err := Files(changed, spec)
	if err != nil {
		t.Fatal(err)
	}
	stale := Stale(root, newFiles)
	if len(stale) != 4 {
		t.Errorf("after adding a flag: stale %q, want all 4 files", stale)
	}
	for _, s := range stale {
		if !strings.Contains(s, "differs") {
			t.Errorf("stale entry %q does not say the file differs", s)
		}
	}
}

// TestReleaseConfigShipsGeneratedFiles: .goreleaser.yaml puts every
// generated file into the archives, packages and formula, and links the
// release version into the variable --version reads.
func TestReleaseConfigShipsGeneratedFiles(t *testing.T) {
	config, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(config)
	for _, path := range []string{ManPage, BashCompletion, ZshCompletion, FishCompletion} {
		// archives.files, nfpms.contents and brews.install each name it.
		if n := strings.Count(text, path); n < 3 {
			t.Errorf(".goreleaser.yaml names %s %d times, want at least 3 (archive, package, formula)", path, n)
		}
	}
	if want := "-X " + version.ReleaseVar + "=v{{ .Version }}"; !strings.Contains(text, want) {
		t.Errorf(".goreleaser.yaml lacks the ldflag %q", want)
	}
}
