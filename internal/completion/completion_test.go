package completion

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"

	"github.com/spf13/pflag"
)

// testFlags has one flag of each shape rawtalk uses, with its names.
func testFlags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("rawtalk", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.BoolP("ipv4", "4", false, "use IPv4 addresses only")
	fs.BoolP("verbose", "v", false, "report each connect try")
	fs.BoolP("listen", "l", false, "wait for one client")
	fs.BoolP("unixsock", "U", false, "the argument is a unix socket PATH")
	fs.Float64P("wait", "w", 0, "give up a connect after `SECS`; in piped mode also close")
	fs.StringP("source-port", "p", "", "send from local `PORT`")
	fs.StringP("proxy-type", "X", "", "the `KIND` of proxy: 5, 4 or connect")
	fs.String("proxy-auth", "", "`USER:PASS` for the proxy [SOCKS5]")
	fs.String("eol", "crlf", "interactive: what Enter sends after a line: `crlf|lf|cr|none`")
	fs.String("demo", "", "start a practice `KIND` server (it's on 127.0.0.1)")
	fs.Lookup("demo").NoOptDefVal = "http"
	fs.String("starttls", "", "speak `PROTO`'s preamble, then TLS")
	fs.String("log", "", "write a transcript to `FILE`")
	fs.String("key", "", "the private key, PEM `FILE`")
	fs.String("bundle", "", "a `BUNDLE` of CAs")
	fs.Bool("telnet", false, "speak telnet")
	fs.Lookup("telnet").NoOptDefVal = "true"
	fs.Bool("secret", false, "hidden")
	fs.MarkHidden("secret")
	return fs
}

var testSpec = Spec{
	Command: "rawtalk",
	Words: map[string][]string{
		"eol":        {"crlf", "lf", "cr", "none"},
		"demo":       {"http", "smtp", "echo"},
		"starttls":   {"smtp", "imap", "pop3"},
		"proxy-type": {"5", "4", "connect"},
	},
	Files:    []string{"bundle"},
	PathArgs: "unixsock",
	Ports:    []string{"http", "smtp", "ssh"},
}

func script(t *testing.T, shell string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, shell, testFlags(), testSpec); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSpecNamingAMissingFlagIsAnError(t *testing.T) {
	for _, spec := range []Spec{
		{Command: "rawtalk", Words: map[string][]string{"no-such": {"a"}}},
		{Command: "rawtalk", Files: []string{"secret"}},
		{Command: "rawtalk", PathArgs: "unix"},
	} {
		if err := Write(new(bytes.Buffer), "bash", testFlags(), spec); err == nil {
			t.Errorf("spec %+v: no error", spec)
		}
	}
	if err := Write(new(bytes.Buffer), "csh", testFlags(), testSpec); err == nil || !strings.Contains(err.Error(), "bash, zsh, fish") {
		t.Errorf("unknown shell: error %v, want one naming the shells", err)
	}
}

// TestEveryScriptNamesEveryFlag: each visible flag, long and short, is in
// every shell's script; hidden ones are not.
func TestEveryScriptNamesEveryFlag(t *testing.T) {
	for _, shell := range Shells() {
		s := script(t, shell)
		testFlags().VisitAll(func(f *pflag.Flag) {
			long, short := "--"+f.Name, "-"+f.Shorthand
			if shell == "fish" {
				long, short = "-l '"+f.Name+"'", "-s '"+f.Shorthand+"'"
			}
			switch {
			case f.Hidden:
				if strings.Contains(s, long) {
					t.Errorf("%s: hidden %s is in the script", shell, long)
				}
			case !strings.Contains(s, long):
				t.Errorf("%s: %s is missing", shell, long)
			case f.Shorthand != "" && !strings.Contains(s, short):
				t.Errorf("%s: %s is missing", shell, short)
			}
		})
	}
}

// complete runs the bash script's function as bash does on Tab: words is
// the command line as bash splits it into COMP_WORDS (at '=' too, which is
// in COMP_WORDBREAKS by default), the last word the one being completed.
func complete(t *testing.T, dir string, words ...string) []string {
	t.Helper()
	file := filepath.Join(dir, "rawtalk.bash")
	if err := os.WriteFile(file, []byte(script(t, "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	cword := len(words) - 1
	driver := `source ` + file + `
complete -p rawtalk >/dev/null || exit 3
COMP_WORDS=(` + strings.Join(quoted, " ") + `)
COMP_CWORD=` + strconv.Itoa(cword) + `
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
_rawtalk rawtalk "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
`
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", driver)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOSTFILE="+filepath.Join(dir, "hosts"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("bash %q: %v\n%s", words, err, stderr.Bytes())
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) == 1 && got[0] == "" {
		got = nil
	}
	slices.Sort(got)
	return got
}

func TestBashCompletes(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	dir := winetest.TempDir(t)
	for _, name := range []string{"a b.txt", "abc.pem", "other"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte("127.0.0.1 localhost testhost.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	allFlags := []string{"--bundle", "--demo", "--eol", "--ipv4", "--key", "--listen", "--log", "--proxy-auth",
		"--proxy-type", "--source-port", "--starttls", "--telnet", "--unixsock", "--verbose", "--wait",
		"-4", "-U", "-X", "-l", "-p", "-v", "-w"}
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"rawtalk", "-"}, allFlags},
		{[]string{"rawtalk", "--e"}, []string{"--eol"}},
		{[]string{"rawtalk", "--proxy-"}, []string{"--proxy-auth", "--proxy-type"}},
		{[]string{"rawtalk", "--eol", ""}, []string{"cr", "crlf", "lf", "none"}},
		{[]string{"rawtalk", "--eol", "c"}, []string{"cr", "crlf"}},
		{[]string{"rawtalk", "--eol", "=", ""}, []string{"cr", "crlf", "lf", "none"}},
		{[]string{"rawtalk", "--eol", "="}, []string{"cr", "crlf", "lf", "none"}},
		{[]string{"rawtalk", "--eol", "=", "l"}, []string{"lf"}},
		{[]string{"rawtalk", "--eol=n"}, []string{"--eol=none"}}, // '=' taken out of COMP_WORDBREAKS
		{[]string{"rawtalk", "-X", ""}, []string{"4", "5", "connect"}},
		{[]string{"rawtalk", "-lvX", "c"}, []string{"connect"}},
		{[]string{"rawtalk", "-Xv", ""}, []string{"localhost", "testhost.example"}}, // -X's value is "v"
		{[]string{"rawtalk", "--starttls", "p"}, []string{"pop3"}},
		{[]string{"rawtalk", "--demo", ""}, []string{"echo", "http", "smtp"}},
		{[]string{"rawtalk", "--demo", "=", "s"}, []string{"smtp"}},
		{[]string{"rawtalk", "--log", "a"}, []string{"a b.txt", "abc.pem"}},
		{[]string{"rawtalk", "--key", "abc"}, []string{"abc.pem"}},
		{[]string{"rawtalk", "--bundle", "o"}, []string{"other"}},
		{[]string{"rawtalk", "--log", "=", "ot"}, []string{"other"}},
		{[]string{"rawtalk", "--wait", ""}, nil},
		{[]string{"rawtalk", "test"}, []string{"testhost.example"}},
		{[]string{"rawtalk", "-v", "-w", "3", "l"}, []string{"localhost"}},
		{[]string{"rawtalk", "-w", "3", "--eol", "=", "lf", "localhost", "s"}, []string{"smtp", "ssh"}},
		{[]string{"rawtalk", "--telnet", "=", "true", "localhost", "h"}, []string{"http"}},
		{[]string{"rawtalk", "localhost", "http", ""}, nil},
		{[]string{"rawtalk", "-U", "o"}, []string{"other"}},
		{[]string{"rawtalk", "-lU", "a"}, []string{"a b.txt", "abc.pem"}},
		{[]string{"rawtalk", "--unixsock", "/tmp/x", ""}, nil},
		{[]string{"rawtalk", "--", "-"}, nil},
		{[]string{"rawtalk", "--", "local"}, []string{"localhost"}},
	} {
		got := complete(t, dir, tc.words...)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: COMPREPLY %q, want %q", tc.words, got, tc.want)
		}
	}
}

func writeScript(t *testing.T, shell, name string) string {
	t.Helper()
	file := filepath.Join(winetest.TempDir(t), name)
	if err := os.WriteFile(file, []byte(script(t, shell)), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestZshScriptLoads checks the syntax, then loads the script into zsh's
// completion system as `source <(rawtalk --completion zsh)` does.
func TestZshScriptLoads(t *testing.T) {
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("zsh is not installed")
	}
	file := writeScript(t, "zsh", "_rawtalk")
	if out, err := exec.Command("zsh", "-n", file).CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	load := `autoload -Uz compinit && compinit -u -D && source ` + file + ` && print -r -- $_comps[rawtalk]`
	cmd := exec.Command("zsh", "-f", "-c", load)
	cmd.Env = append(os.Environ(), "HOME="+winetest.TempDir(t), "ZDOTDIR="+winetest.TempDir(t))
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "_rawtalk" {
		t.Errorf("loading into compinit: %v\n%s", err, out)
	}
}

// TestFishCompletes checks the syntax, then asks fish what it would offer
// for a command line (complete -C), as it does on Tab.
func TestFishCompletes(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed")
	}
	file := writeScript(t, "fish", "rawtalk.fish")
	if out, err := exec.Command("fish", "--no-execute", file).CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("fish --no-execute: %v\n%s", err, out)
	}
	dir := winetest.TempDir(t)
	for _, name := range []string{"a b.txt", "abc.pem", "other"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"rawtalk --e", []string{"--eol"}},
		{"rawtalk --eol ", []string{"cr", "crlf", "lf", "none"}},
		{"rawtalk --eol=l", []string{"--eol=lf"}},
		{"rawtalk -X ", []string{"4", "5", "connect"}},
		{"rawtalk -lX c", []string{"connect"}},
		{"rawtalk --demo ", []string{"echo", "http", "smtp"}},
		{"rawtalk --demo=s", []string{"--demo=smtp"}},
		{"rawtalk --log a", []string{"a b.txt", "abc.pem"}},
		{"rawtalk --bundle o", []string{"other"}},
		{"rawtalk --wait ", nil},
		{"rawtalk -U o", []string{"other"}},
		{"rawtalk localhost s", []string{"smtp", "ssh"}},
	} {
		cmd := exec.Command("fish", "--no-config", "-c", "source "+file+"; complete -C"+fishQuote(tc.line))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if word, _, _ := strings.Cut(line, "\t"); word != "" {
				got = append(got, word)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: fish offers %q, want %q", tc.line, got, tc.want)
		}
	}
}
