package completion

import (
	"fmt"
	"strings"
)

// zsh writes a script for zsh's completion system: a file to put in $fpath
// as _COMMAND (its first line is #compdef), which can also be sourced.
func (c *command) zsh() string {
	fn := "_" + identifier(c.Command)
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	p("#compdef %s", c.Command)
	p("# zsh completion for %s. Generated from its flags; do not edit.", c.Command)
	p("# Install it as %s in a directory of $fpath, or load it with:", fn)
	p("#   source <(%s --completion zsh)", c.Command)
	p("")
	p("%s() {", fn)
	p("  local -a specs")
	p("  specs=(")
	for _, f := range c.flags {
		p("    %s", c.zshSpec(f))
	}
	p("  )")
	target := "_hosts"
	if c.pathArgs != nil {
		target = fn + "_target"
	}
	args := []string{zshQuote("1: :" + target)}
	if len(c.Ports) > 0 {
		args = append(args, zshQuote("2:port:("+strings.Join(zshWords(c.Ports), " ")+")"))
	}
	args = append(args, zshQuote("*: :"))
	p("  _arguments -s -S : $specs %s", strings.Join(args, " "))
	p("}")
	if c.pathArgs != nil {
		p("")
		p("# %s_target completes the first argument: a host, or a path after --%s.", fn, c.pathArgs.long)
		p("%s_target() {", fn)
		pattern := "--" + c.pathArgs.long
		if c.pathArgs.short != "" {
			pattern += "|-" + c.pathArgs.short + "*|-[^-]*" + c.pathArgs.short + "*"
		}
		p("  if (( ${words[(I)(%s)]} )); then", pattern)
		p("    _files")
		p("  else")
		p("    _hosts")
		p("  fi")
		p("}")
	}
	p("")
	p("if [[ $zsh_eval_context[-1] == loadautofunc ]]; then")
	p("  %s \"$@\"", fn)
	p("else")
	p("  compdef %s %s", fn, c.Command)
	p("fi")
	return b.String()
}

// zshSpec is one flag as an _arguments spec:
// '(-w --wait)'{-w+,--wait=}'[give up a connect after SECS]:SECS: '.
func (c *command) zshSpec(f flag) string {
	desc := "[" + zshBracketed(summary(f.usage)) + "]"
	var action string
	switch f.value {
	case required, optional:
		colon := ":"
		if !f.takesNextWord() {
			colon = "::"
		}
		action = colon + zshMessage(f.placeholder) + ":"
		switch {
		case len(f.words) > 0:
			action += "(" + strings.Join(zshWords(f.words), " ") + ")"
		case f.files:
			action += "_files"
		default:
			action += " "
		}
	}
	long, short := "--"+f.long, "-"+f.short
	switch {
	case f.takesNextWord(): // rawtalk reads --demo smtp as --demo=smtp
		long += "="
		short += "+"
	case f.value == optional:
		long += "=-"
	}
	if f.short == "" {
		return zshQuote(long + desc + action)
	}
	return zshQuote("(-"+f.short+" --"+f.long+")") + "{" + short + "," + long + "}" + zshQuote(desc+action)
}

// zshQuote single-quotes s for the shell.
func zshQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// zshBracketed escapes a description for inside _arguments' [...].
func zshBracketed(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// zshMessage escapes the message part of a spec, which ends at a colon.
func zshMessage(s string) string {
	if s == "" {
		s = "value"
	}
	return strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(s)
}

// zshWords quotes words for an _arguments (word ...) action.
func zshWords(words []string) []string {
	var out []string
	for _, w := range words {
		var b strings.Builder
		for _, r := range w {
			if !isWordRune(r) || r == ':' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		out = append(out, b.String())
	}
	return out
}
