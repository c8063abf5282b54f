// Command gendocs writes the files generated from rawtalk's flag set into
// the repository: the man page docs/rawtalk.1 and the shell completions
// in completions/. Run it after changing a flag or rawtalk.1.in:
//
//	go generate ./internal/cli
//
// (or go run ./internal/cli/gendocs from anywhere in the module). A test in
// internal/cli fails while the files are out of date.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rawtalk/rawtalk/internal/cli"
	"github.com/rawtalk/rawtalk/internal/gendocs"
)

func main() {
	root := flag.String("root", "", "the repository's root (default: the directory of the go.mod above this one)")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	if root == "" {
		var err error
		if root, err = moduleRoot(); err != nil {
			return err
		}
	}
	files, err := cli.DocFiles()
	if err != nil {
		return err
	}
	stale := gendocs.Stale(root, files)
	if err := gendocs.Write(root, files); err != nil {
		return err
	}
	for _, s := range stale {
		fmt.Println("updated", s)
	}
	return nil
}

// moduleRoot is the nearest directory at or above the current one that
// holds a go.mod: where go generate and go run were started from.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod here or above: run it inside the rawtalk module, or give -root")
		}
		dir = parent
	}
}
