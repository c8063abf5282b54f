// Package completion writes shell completion scripts (bash, zsh, fish) for
// a command from its pflag flag set, so that every flag completes without a
// list kept by hand, plus a Spec for what the flag set cannot say: the
// words a flag takes and which flags take files.
package completion

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// Spec is what completion needs beyond the flag set.
type Spec struct {
	Command string              // the command's name: "rawtalk"
	Words   map[string][]string // a flag's long name -> the words it takes (--eol: crlf lf cr none)
	// Files are the long names of flags that take a file name, besides
	// those whose usage names their value FILE or PATH (`FILE`).
	Files []string
	// PathArgs is the long name of the flag that makes the arguments a
	// path rather than HOST PORT (rawtalk's -U); "" if there is none.
	PathArgs string
	Ports    []string // words offered for PORT, the second argument (service names)
}

// Shells are the shells Write knows, for --completion's usage and errors.
func Shells() []string { return []string{"bash", "zsh", "fish"} }

// Write writes shell's completion script for fs.
func Write(w io.Writer, shell string, fs *pflag.FlagSet, spec Spec) error {
	flags, err := describe(fs, spec)
	if err != nil {
		return err
	}
	c := &command{Spec: spec, flags: flags}
	if spec.PathArgs != "" {
		c.pathArgs = c.flag(spec.PathArgs)
	}
	var script string
	switch shell {
	case "bash":
		script = c.bash()
	case "zsh":
		script = c.zsh()
	case "fish":
		script = c.fish()
	default:
		return fmt.Errorf("no completion for shell %q: want one of %s", shell, strings.Join(Shells(), ", "))
	}
	_, err = io.WriteString(w, script)
	return err
}

// value says whether and how a flag takes a value.
type value int

const (
	none     value = iota // a switch: -v
	required              // -w SECS, --wait=SECS
	optional              // --demo, --demo=KIND; rawtalk also reads --demo KIND
)

// flag is one flag as the scripts see it.
type flag struct {
	long, short string
	usage       string // the usage text, placeholder quotes removed
	placeholder string // SECS, FILE; "" for switches
	value       value
	words       []string
	files       bool
}

// takesNextWord reports whether the word after the flag is its value to
// complete: always for a required value, and for an optional one that has
// words (rawtalk takes --demo smtp as --demo=smtp).
func (f flag) takesNextWord() bool {
	return f.value == required || (f.value == optional && len(f.words) > 0)
}

type command struct {
	Spec
	flags    []flag
	pathArgs *flag
}

func (c *command) flag(long string) *flag {
	for i := range c.flags {
		if c.flags[i].long == long {
			return &c.flags[i]
		}
	}
	return nil
}

// describe reads the visible flags of fs, in its order, and checks that
// every flag spec names exists, so a renamed flag breaks the generation
// instead of silently losing its completion.
func describe(fs *pflag.FlagSet, spec Spec) ([]flag, error) {
	var unknown []string
	check := func(name string) {
		if f := fs.Lookup(name); f == nil || f.Hidden {
			unknown = append(unknown, "--"+name)
		}
	}
	for name := range spec.Words {
		check(name)
	}
	for _, name := range spec.Files {
		check(name)
	}
	if spec.PathArgs != "" {
		check(spec.PathArgs)
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("completion: the spec names flags the flag set does not have: %s", strings.Join(unknown, ", "))
	}
	var flags []flag
	fs.VisitAll(func(pf *pflag.Flag) {
		if pf.Hidden {
			return
		}
		placeholder, usage := pflag.UnquoteUsage(pf)
		f := flag{long: pf.Name, short: pf.Shorthand, usage: usage, placeholder: placeholder, words: spec.Words[pf.Name]}
		switch {
		case pf.NoOptDefVal == "":
			f.value = required
		case pf.Value.Type() != "bool":
			f.value = optional
		}
		if f.value != none {
			f.files = placeholder == "FILE" || placeholder == "PATH" || slices.Contains(spec.Files, pf.Name)
		}
		flags = append(flags, f)
	})
	return flags, nil
}

// summary is the usage up to its first "; " outside parentheses, short
// enough for a completion menu.
func summary(usage string) string {
	first, _, cut := strings.Cut(usage, "; ")
	if !cut || strings.Count(first, "(") != strings.Count(first, ")") {
		return usage
	}
	return first
}
