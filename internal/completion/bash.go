package completion

import (
	"fmt"
	"strings"
)

// bash writes a script for bash 3.2 (macOS's) and later, with or without
// the bash-completion package: it reads COMP_WORDS and COMP_CWORD itself.
// Bash splits --flag=VALUE at '=' when '=' is in COMP_WORDBREAKS (the
// default), so the script handles both the split and the whole word.
func (c *command) bash() string {
	fn := "_" + identifier(c.Command)
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	p("# bash completion for %s. Generated from its flags; do not edit.", c.Command)
	p("# Load it with: source <(%s --completion bash)", c.Command)
	p("# or install it as %s in bash-completion's completions directory.", c.Command)
	p("")
	var all []string
	for _, f := range c.flags {
		all = append(all, "--"+f.long)
		if f.short != "" {
			all = append(all, "-"+f.short)
		}
	}
	p("%s_flags='%s'", fn, strings.Join(all, " "))
	p("")

	p("# %s_value_flag WORD sets REPLY to the long name of the flag whose value", fn)
	p("# is the word after WORD (--wait, -w, the p of -lvnp), else to nothing.")
	p("%s_value_flag() {", fn)
	p("    REPLY=")
	p("    local w=$1 i c")
	p("    case $w in")
	p("    --*=* | --) return ;;")
	p("    --?*)")
	p("        case ${w#--} in")
	if longs := c.longNames(flag.takesNextWord); len(longs) > 0 {
		p("        %s) REPLY=${w#--} ;;", strings.Join(longs, " | "))
	}
	p("        esac ;;")
	p("    -?*)")
	p("        for ((i = 1; i < ${#w}; i++)); do")
	p("            c=${w:i:1}")
	p("            case $c in")
	for _, f := range c.flags {
		if f.short == "" {
			continue
		}
		if f.takesNextWord() {
			p("            %s) ((i == ${#w} - 1)) && REPLY=%s; return ;;", bashPattern(f.short), f.long)
		}
	}
	if switches := c.shortSwitches(); switches != "" {
		p("            [%s]) ;;", switches)
	}
	p("            *) return ;;")
	p("            esac")
	p("        done ;;")
	p("    esac")
	p("}")
	p("")

	p("# %s_values FLAG CUR [PREFIX] completes the value of the flag FLAG.", fn)
	p("%s_values() {", fn)
	p("    local IFS=$' \\t\\n'")
	p("    case $1 in")
	for _, f := range c.flags {
		switch {
		case len(f.words) > 0:
			p("    %s) COMPREPLY=($(compgen -P \"$3\" -W '%s' -- \"$2\")) ;;", f.long, strings.Join(bashQuoteWords(f.words), " "))
		case f.files:
			p("    %s) %s_files \"$2\" \"$3\" ;;", f.long, fn)
		}
	}
	p("    esac")
	p("}")
	p("")

	p("# %s_files CUR [PREFIX] completes file names, spaces and all.", fn)
	p("%s_files() {", fn)
	p("    local IFS=$'\\n'")
	p("    compopt -o filenames 2>/dev/null")
	p("    COMPREPLY=($(compgen -f -P \"$2\" -- \"$1\"))")
	p("}")
	p("")

	p("%s() {", fn)
	p("    local cur=${COMP_WORDS[COMP_CWORD]} prev= i w n=0 dashdash= skip= pathargs= REPLY")
	p("    COMPREPLY=()")
	p("    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}")
	p("    # --flag=VALUE, split at '=' by bash (--flag, =, VALUE) or not.")
	p("    if [[ $cur == = && $prev == --?* ]]; then")
	p("        %s_values \"${prev#--}\" ''", fn)
	p("        return")
	p("    fi")
	p("    if [[ $prev == = ]] && ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD-2]} == --?* ]]; then")
	p("        %s_values \"${COMP_WORDS[COMP_CWORD-2]#--}\" \"$cur\"", fn)
	p("        return")
	p("    fi")
	p("    if [[ $cur == --?*=* ]]; then")
	p("        w=${cur%%%%=*}")
	p("        %s_values \"${w#--}\" \"${cur#*=}\" \"$w=\"", fn)
	p("        return")
	p("    fi")
	p("    # Count the arguments before the cursor, stepping over flags and their values.")
	p("    for ((i = 1; i < COMP_CWORD; i++)); do")
	p("        w=${COMP_WORDS[i]}")
	p("        if [[ -z $dashdash && $w == = ]]; then")
	p("            skip=1 # the value after a split --flag=")
	p("        elif [[ -n $skip ]]; then")
	p("            skip=")
	p("        elif [[ -n $dashdash || $w != -?* ]]; then")
	p("            ((n++))")
	p("        elif [[ $w == -- ]]; then")
	p("            dashdash=1")
	p("        else")
	if c.pathArgs != nil {
		pattern := "--" + c.pathArgs.long
		if c.pathArgs.short != "" {
			pattern += " || ($w == -[!-]* && $w == *" + bashPattern(c.pathArgs.short) + "*)"
		}
		p("            [[ $w == %s ]] && pathargs=1", pattern)
	}
	p("            %s_value_flag \"$w\"", fn)
	p("            [[ -n $REPLY ]] && skip=1")
	p("        fi")
	p("    done")
	p("    if [[ -z $dashdash && -n $skip ]]; then")
	p("        %s_value_flag \"$prev\"", fn)
	p("        %s_values \"$REPLY\" \"$cur\"", fn)
	p("        return")
	p("    fi")
	p("    if [[ -z $dashdash && $cur == -* ]]; then")
	p("        COMPREPLY=($(compgen -W \"$%s_flags\" -- \"$cur\"))", fn)
	p("        return")
	p("    fi")
	p("    case $n in")
	p("    0)")
	p("        if [[ -n $pathargs ]]; then")
	p("            %s_files \"$cur\"", fn)
	p("        else")
	p("            COMPREPLY=($(compgen -A hostname -- \"$cur\"))")
	p("        fi ;;")
	if len(c.Ports) > 0 {
		p("    1) [[ -z $pathargs ]] && COMPREPLY=($(compgen -W '%s' -- \"$cur\")) ;;", strings.Join(bashQuoteWords(c.Ports), " "))
	}
	p("    esac")
	p("}")
	p("")
	p("complete -F %s %s", fn, c.Command)
	return b.String()
}

// longNames are the long names of the flags that match, as bash case
// patterns.
func (c *command) longNames(match func(flag) bool) []string {
	var names []string
	for _, f := range c.flags {
		if match(f) {
			names = append(names, bashPattern(f.long))
		}
	}
	return names
}

// shortSwitches are the short flags that take no value, as the inside of a
// bash bracket expression.
func (c *command) shortSwitches() string {
	var s strings.Builder
	for _, f := range c.flags {
		if f.short != "" && !f.takesNextWord() {
			s.WriteString(bashPattern(f.short))
		}
	}
	return s.String()
}

// bashPattern quotes the characters that mean something in a case
// pattern; flag names are letters, digits and '-' in practice.
func bashPattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !isWordRune(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// bashQuoteWords quotes words for a compgen -W list inside single quotes:
// compgen splits the list at white space and expands it once more.
func bashQuoteWords(words []string) []string {
	var out []string
	for _, w := range words {
		var b strings.Builder
		for _, r := range w {
			switch {
			case r == '\'':
				b.WriteString(`'\''`)
			case !isWordRune(r):
				b.WriteByte('\\')
				b.WriteRune(r)
			default:
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

func isWordRune(r rune) bool {
	return r == '-' || r == '_' || r == '.' || r == '/' || r == ',' || r == ':' || r == '+' || r == '@' ||
		(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// identifier is name made fit for a shell function name.
func identifier(name string) string {
	return strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			return r
		}
		return '_'
	}, name)
}
