// Package manpage writes rawtalk(1): the OPTIONS section is made from the
// command's own flag set, so the page cannot drift from the flags; the rest
// (escape prompt, scripts, exit status, files, environment, examples) is
// hand-written roff in rawtalk.1.in.
package manpage

import (
	_ "embed"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

//go:embed rawtalk.1.in
var template string

// optionsMarker is the line of rawtalk.1.in that the options replace.
const optionsMarker = `.\" @OPTIONS@`

// Write writes the page for the flags in fs (hidden ones left out). The
// output depends on nothing else, no date or version, so the copy in the
// repository stays byte-identical until the flags or the text change.
func Write(w io.Writer, fs *pflag.FlagSet) error {
	before, after, ok := strings.Cut(template, optionsMarker+"\n")
	if !ok {
		return fmt.Errorf("manpage: rawtalk.1.in has no %q line", optionsMarker)
	}
	var flags strings.Builder
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			writeFlag(&flags, f)
		}
	})
	_, err := io.WriteString(w, before+fallbacks(flags.String())+flags.String()+after)
	return err
}

// asciiSpelling is how a character some usage text holds is written on a
// device without it (man in the C locale uses groff's ascii device).
var asciiSpelling = map[rune]string{
	'\u240D': "CR", '\u240A': "LF", '\u2026': "...", '\u2014': "--",
	'\u2013': "-", '\u2192': "->",
}

// fallbacks defines an ASCII spelling for each named character in roff,
// for devices that lack it, so that no locale renders the page with a
// warning or a gap.
func fallbacks(roff string) string {
	var b strings.Builder
	seen := map[string]bool{}
	for rest := roff; ; {
		i := strings.Index(rest, `\[u`)
		if i < 0 || len(rest) < i+8 {
			break
		}
		name := rest[i+2 : i+7] // uXXXX
		rest = rest[i+8:]
		if seen[name] {
			continue
		}
		seen[name] = true
		var r rune
		fmt.Sscanf(name, "u%X", &r)
		spelling, ok := asciiSpelling[r]
		if !ok {
			spelling = "<U+" + name[1:] + ">"
		}
		fmt.Fprintf(&b, ".if !c\\[%s] .char \\[%s] %s\n", name, name, spelling)
	}
	return b.String()
}

// writeFlag writes one flag as a tagged paragraph:
// "-w, --wait SECS" and its usage, as --help shows it.
func writeFlag(b *strings.Builder, f *pflag.Flag) {
	varname, usage := pflag.UnquoteUsage(f)
	b.WriteString(".TP\n")
	if f.Shorthand != "" {
		fmt.Fprintf(b, `\fB\-%s\fR, `, escape(f.Shorthand))
	}
	fmt.Fprintf(b, `\fB\-\-%s\fR`, escape(f.Name))
	switch {
	case varname == "":
	case f.NoOptDefVal != "": // --demo[=KIND]: a value only after '='
		fmt.Fprintf(b, `[=\fI%s\fR]`, escape(varname))
	default:
		fmt.Fprintf(b, ` \fI%s\fR`, escape(varname))
	}
	b.WriteString("\n")
	text := escape(usage)
	if shown := defaultShown(f); shown != "" {
		text += ` (default: ` + escape(shown) + `)`
	}
	b.WriteString(text + "\n")
}

// defaultShown is the default worth printing, as pflag's --help prints it:
// none for zero values and switches.
func defaultShown(f *pflag.Flag) string {
	switch f.DefValue {
	case "", "0", "false", "[]", "<nil>", "0s":
		return ""
	}
	if f.Value.Type() == "bool" {
		return ""
	}
	return f.DefValue
}

// escape makes text from a flag's usage safe as roff text: a backslash is
// printed, not an escape; '-' is a real hyphen-minus (so an option copied
// from the page works); a line cannot start a request; and characters
// outside ASCII are named, which every output device and locale renders.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r == '\n':
			b.WriteString("\n.br\n")
		case r > 0xffff || r < 0x20 || r == 0x7f:
			b.WriteRune('?') // no control or astral character has a place in a flag's usage
		case r > 0x7e:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if strings.HasPrefix(out, ".") || strings.HasPrefix(out, "'") {
		out = `\&` + out
	}
	return out
}

// MissingFlags lists the flags of fs (as --name) that page does not
// document, for a test that fails when a flag is missing from the page.
func MissingFlags(page []byte, fs *pflag.FlagSet) []string {
	text := string(page)
	var missing []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := `\fB\-\-` + escape(f.Name) + `\fR`
		if !strings.Contains(text, name) {
			missing = append(missing, "--"+f.Name)
		}
		if f.Shorthand != "" && !strings.Contains(text, `\fB\-`+escape(f.Shorthand)+`\fR, `+name) {
			missing = append(missing, "-"+f.Shorthand)
		}
	})
	return missing
}
