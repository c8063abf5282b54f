package manpage

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"

	"github.com/spf13/pflag"
)

// testFlags has one flag of each shape rawtalk uses.
func testFlags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("rawtalk", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.BoolP("ipv4", "4", false, "use IPv4 addresses only")
	fs.Float64P("wait", "w", 0, "give up a connect after `SECS`")
	fs.Float64P("quit", "q", -1, "quit `SECS` after EOF; -1 waits for the server")
	fs.String("eol", "crlf", "what Enter sends: `crlf|lf|cr|none`")
	fs.String("demo", "", "start a practice `KIND` server")
	fs.Lookup("demo").NoOptDefVal = "http"
	fs.StringSlice("alpn", nil, "offer these ALPN `PROTOCOLS` (h2,http/1.1)")
	fs.DurationP("idle-timeout", "i", 0, "close after `SECS` idle")
	fs.String("log", "", "write a transcript to `FILE`")
	fs.Bool("show-ends", false, "show line endings: ␍␊ for CRLF, \\r\\n in C")
	fs.String("dots", "", ".starts with a dot, 'and a quote")
	fs.Bool("secret", false, "hidden from the page")
	fs.MarkHidden("secret")
	return fs
}

func render(t *testing.T, fs *pflag.FlagSet) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, fs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEveryFlagIsOnThePage(t *testing.T) {
	fs := testFlags()
	page := render(t, fs)
	if missing := MissingFlags(page, fs); len(missing) > 0 {
		t.Errorf("flags missing from the page: %v", missing)
	}
	if strings.Contains(string(page), `\-\-secret`) {
		t.Error("a hidden flag is on the page")
	}
	for _, want := range []string{
		".TP\n\\fB\\-w\\fR, \\fB\\-\\-wait\\fR \\fISECS\\fR\ngive up a connect after SECS\n",
		"\\fB\\-\\-eol\\fR \\fIcrlf|lf|cr|none\\fR\nwhat Enter sends: crlf|lf|cr|none (default: crlf)\n",
		"\\fB\\-\\-demo\\fR[=\\fIKIND\\fR]\n",
		"\\fB\\-q\\fR, \\fB\\-\\-quit\\fR \\fISECS\\fR\nquit SECS after EOF; \\-1 waits for the server (default: \\-1)\n",
		"\\fB\\-4\\fR, \\fB\\-\\-ipv4\\fR\nuse IPv4 addresses only\n",
		"\\[u240D]\\[u240A] for CRLF, \\er\\en in C",
		"\n\\&.starts with a dot",
		".if !c\\[u240D] .char \\[u240D] CR\n",
		".SH ESCAPE PROMPT", ".SH SCRIPTS", ".SH EXIT STATUS", ".SH FILES", ".SH ENVIRONMENT", ".SH EXAMPLES",
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestMissingFlagsFailsForAnUndocumentedFlag shows the check has teeth: a
// flag added after the page was made is reported, long and short name.
func TestMissingFlagsFailsForAnUndocumentedFlag(t *testing.T) {
	fs := testFlags()
	page := render(t, fs)
	fs.BoolP("new-flag", "Z", false, "added later")
	missing := MissingFlags(page, fs)
	if strings.Join(missing, " ") != "--new-flag -Z" {
		t.Errorf("MissingFlags = %v, want [--new-flag -Z]", missing)
	}
}

func TestPageIsReproducible(t *testing.T) {
	a, b := render(t, testFlags()), render(t, testFlags())
	if !bytes.Equal(a, b) {
		t.Error("two renderings differ")
	}
	if bytes.Contains(a, []byte(time.Now().Format("2006"))) {
		t.Error("the page holds this year: it would change with the date")
	}
}

// TestManRendersWithoutWarnings formats the page as man(1) and groff do for
// a reader, with every warning on, in a UTF-8 and an ASCII locale.
func TestManRendersWithoutWarnings(t *testing.T) {
	file := filepath.Join(winetest.TempDir(t), "rawtalk.1")
	if err := os.WriteFile(file, render(t, testFlags()), 0o644); err != nil {
		t.Fatal(err)
	}
	checked := false
	if _, err := exec.LookPath("groff"); err == nil {
		checked = true
		for _, device := range []string{"utf8", "ascii"} {
			cmd := exec.Command("groff", "-ww", "-man", "-T"+device, "-z", file)
			if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("groff -ww -man -T%s: %v\n%s", device, err, out)
			}
		}
	}
	if _, err := exec.LookPath("man"); err == nil {
		checked = true
		for _, locale := range []string{"C.UTF-8", "C"} {
			cmd := exec.Command("man", "--warnings", "-l", file)
			cmd.Env = append(os.Environ(), "MANWIDTH=80", "LC_ALL="+locale, "MAN_KEEP_FORMATTING=", "MANPAGER=cat", "PAGER=cat")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Errorf("man --warnings -l (LC_ALL=%s): %v\n%s", locale, err, stderr.Bytes())
			}
			if !bytes.Contains(out, []byte("--idle-timeout SECS")) {
				t.Errorf("man -l (LC_ALL=%s) output lacks \"--idle-timeout SECS\":\n%s", locale, out)
			}
		}
	}
	if !checked {
		t.Skip("neither groff nor man is installed")
	}
}
