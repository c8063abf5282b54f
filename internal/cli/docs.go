package cli

// What is generated from the flag set: --completion's scripts, and the
// files in the repository (docs/rawtalk.1, completions/) that releases and
// packages ship, written by `go generate ./internal/cli`.

//go:generate go run ./gendocs

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/rawtalk/rawtalk/internal/completion"
	"github.com/rawtalk/rawtalk/internal/gendocs"
	"github.com/rawtalk/rawtalk/practice"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/secure"
	"github.com/rawtalk/rawtalk/term"
)

// CompletionSpec is what the completions need beyond the flag set. Each
// list of words comes from the code that parses them, so a new --demo kind
// or STARTTLS protocol completes without anyone editing this.
func CompletionSpec() completion.Spec {
	return completion.Spec{
		Command: "rawtalk",
		Words: map[string][]string{
			"demo":       practice.Kinds(),
			"demo-serve": practice.Kinds(),
			"eol":        term.EOLNames(),
			"proto":      append(term.Protocols(), "none"),
			"starttls":   secure.StartTLSProtocols(),
			"proxy-type": dial.ProxyKindNames(),
			"completion": completion.Shells(),
		},
		Files:    []string{"script"},
		PathArgs: "unixsock",
		Ports:    dial.ServiceNames(),
	}
}

// DocFiles renders every generated file of the repository, keyed by its
// path from the root.
func DocFiles() (map[string][]byte, error) {
	return gendocs.Files(FlagSet(), CompletionSpec())
}

// printCompletion writes --completion's script for shell.
func printCompletion(w io.Writer, shell string, args []string) error {
	shells := completion.Shells()
	if !slices.Contains(shells, shell) {
		return &usageError{fmt.Sprintf("--completion: no completion for shell %q: want one of %s", shell, strings.Join(shells, ", "))}
	}
	if len(args) > 0 {
		return &usageError{fmt.Sprintf("--completion %s takes no arguments (got %q)", shell, strings.Join(args, " "))}
	}
	return completion.Write(w, shell, FlagSet(), CompletionSpec())
}
