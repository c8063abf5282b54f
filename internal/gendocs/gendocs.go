// Package gendocs makes the files generated from rawtalk's flag set that
// live in the repository, the man page and the shell completions, so that
// releases and packages ship them without running rawtalk, and checks that
// the copies in the repository are up to date.
package gendocs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/internal/completion"
	"github.com/rawtalk/rawtalk/internal/manpage"
)

// Paths of the generated files, relative to the repository's root; the
// release configuration (.goreleaser.yaml) names the same paths.
const (
	ManPage        = "docs/rawtalk.1"
	BashCompletion = "completions/rawtalk.bash"
	ZshCompletion  = "completions/_rawtalk"
	FishCompletion = "completions/rawtalk.fish"
)

// Files renders every generated file for fs, keyed by path.
func Files(fs *pflag.FlagSet, spec completion.Spec) (map[string][]byte, error) {
	files := map[string][]byte{}
	var page bytes.Buffer
	if err := manpage.Write(&page, fs); err != nil {
		return nil, err
	}
	files[ManPage] = page.Bytes()
	for path, shell := range map[string]string{BashCompletion: "bash", ZshCompletion: "zsh", FishCompletion: "fish"} {
		var b bytes.Buffer
		if err := completion.Write(&b, shell, fs, spec); err != nil {
			return nil, err
		}
		files[path] = b.Bytes()
	}
	return files, nil
}

// Write writes files under root.
func Write(root string, files map[string][]byte) error {
	for _, path := range sortedPaths(files) {
		full := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[path], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Stale lists the files whose copy under root is missing or differs, with
// why, for a test that fails when the flags changed and the files did not.
func Stale(root string, files map[string][]byte) []string {
	var stale []string
	for _, path := range sortedPaths(files) {
		have, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
		switch {
		case err != nil:
			stale = append(stale, fmt.Sprintf("%s: %v", path, err))
		case !bytes.Equal(have, files[path]):
			stale = append(stale, path+": differs from what the flags make")
		}
	}
	return stale
}

func sortedPaths(files map[string][]byte) []string {
	var paths []string
	for path := range files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	return paths
}
