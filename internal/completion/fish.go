package completion

import (
	"fmt"
	"strings"
)

// fish writes a script for fish: `complete` lines, one per flag.
func (c *command) fish() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	cmd := fishQuote(c.Command)

	p("# fish completion for %s. Generated from its flags; do not edit.", c.Command)
	p("# Install it as ~/.config/fish/completions/%s.fish, or load it with:", c.Command)
	p("#   %s --completion fish | source", c.Command)
	p("")
	p("complete -c %s -e", cmd)
	p("complete -c %s -f # file names only where a flag or -U wants one", cmd)
	for _, f := range c.flags {
		line := "complete -c " + cmd
		if f.short != "" {
			line += " -s " + fishQuote(f.short)
		}
		line += " -l " + fishQuote(f.long)
		switch {
		case f.value == required && f.files:
			line += " -r -F"
		case f.value == required, len(f.words) > 0: // rawtalk reads --demo smtp as --demo=smtp
			line += " -x"
		}
		if len(f.words) > 0 {
			line += " -a " + fishQuote(strings.Join(f.words, " "))
		}
		line += " -d " + fishQuote(summary(f.usage))
		p("%s", line)
	}
	first := "__fish_is_nth_token 1"
	if c.pathArgs != nil {
		seen := "__fish_seen_argument -l " + c.pathArgs.long // flag names need no quoting
		if c.pathArgs.short != "" {
			seen += " -s " + c.pathArgs.short
		}
		p("complete -c %s -n %s -F -d path", cmd, fishQuote(first+"; and "+seen))
		first += "; and not " + seen
	}
	p("complete -c %s -n %s -a '(__fish_print_hostnames)' -d host", cmd, fishQuote(first))
	if len(c.Ports) > 0 {
		cond := "__fish_is_nth_token 2"
		if c.pathArgs != nil {
			cond += "; and not __fish_seen_argument -l " + c.pathArgs.long
			if c.pathArgs.short != "" {
				cond += " -s " + c.pathArgs.short
			}
		}
		p("complete -c %s -n %s -a %s -d port", cmd, fishQuote(cond), fishQuote(strings.Join(c.Ports, " ")))
	}
	return b.String()
}

// fishQuote single-quotes s for fish, where only \ and ' need escaping.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
