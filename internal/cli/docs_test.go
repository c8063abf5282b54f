package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/completion"
	"github.com/rawtalk/rawtalk/internal/gendocs"
	"github.com/rawtalk/rawtalk/internal/manpage"
	"github.com/rawtalk/rawtalk/internal/version"
	"github.com/rawtalk/rawtalk/practice"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/secure"
	"github.com/rawtalk/rawtalk/term"
)

// repoRoot is where the generated files live, from this package's folder.
const repoRoot = "../.."

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errs strings.Builder
	code = run(args, strings.NewReader(""), &out, &errs)
	return code, out.String(), errs.String()
}

// --version prints the build's name from internal/version: the release,
// module version or commit, then the Go version and platform.
func TestVersionPrintsBuild(t *testing.T) {
	code, out, errs := runCLI("--version")
	if want := "rawtalk " + version.Get().String() + "\n"; code != 0 || out != want || errs != "" {
		t.Errorf("--version: exit %d, stdout %q, stderr %q; want 0, %q", code, out, errs, want)
	}
	if !strings.Contains(out, " (go") {
		t.Errorf("--version %q does not name the Go version", out)
	}
}

// --completion SHELL prints the script made from the real flag set.
func TestCompletionPrintsScript(t *testing.T) {
	for _, shell := range completion.Shells() {
		var want bytes.Buffer
		if err := completion.Write(&want, shell, FlagSet(), CompletionSpec()); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runCLI("--completion", shell)
		if code != 0 || errs != "" || out != want.String() {
			t.Errorf("--completion %s: exit %d, stderr %q, %d bytes of stdout, want 0, nothing, %d bytes",
				shell, code, errs, len(out), want.Len())
		}
		for _, word := range []string{"completion", "starttls", "proxy-type", "pop3", "socks5"} {
			if !strings.Contains(out, word) {
				t.Errorf("--completion %s: script lacks %q", shell, word)
			}
		}
	}
}

// A shell rawtalk has no script for is a usage error naming the shells.
func TestCompletionUnknownShell(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		listShells bool
	}{
		{[]string{"--completion", "csh"}, true},
		{[]string{"--completion=powershell"}, true},
		{[]string{"--completion", "bash", "extra"}, false},
	} {
		code, out, errs := runCLI(tc.args...)
		if code != 2 || out != "" || !strings.HasPrefix(errs, "rawtalk: --completion") || !strings.Contains(errs, "usage: rawtalk") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, usage error", tc.args, code, out, errs)
		}
		if tc.listShells && !strings.Contains(errs, "bash, zsh, fish") {
			t.Errorf("%q: stderr %q does not list the shells", tc.args, errs)
		}
	}
}

// The words the completion offers are the ones the flags' own checks
// accept: every one passes, so none can be a stale spelling.
func TestCompletionWordsAreAccepted(t *testing.T) {
	words := CompletionSpec().Words
	for flag, want := range map[string][]string{
		"demo": practice.Kinds(), "eol": term.EOLNames(), "starttls": secure.StartTLSProtocols(),
		"proxy-type": dial.ProxyKindNames(), "completion": completion.Shells(),
	} {
		if !slices.Equal(words[flag], want) {
			t.Errorf("--%s completes %q, want %q", flag, words[flag], want)
		}
	}
	for _, w := range words["eol"] {
		if err := checkSessionFlags(&options{eol: w}, nil); err != nil {
			t.Errorf("--eol %s: %v", w, err)
		}
	}
	for _, w := range words["starttls"] {
		if err := checkTLSFlags(&tlsFlags{starttls: w}, false); err != nil {
			t.Errorf("--starttls %s: %v", w, err)
		}
	}
	for _, w := range words["proto"] {
		if err := checkLearnFlags(&learnFlags{proto: w}); err != nil {
			t.Errorf("--proto %s: %v", w, err)
		}
	}
	for _, w := range words["proxy-type"] {
		if _, err := dial.ParseProxyKind(w); err != nil {
			t.Errorf("-X %s: %v", w, err)
		}
	}
	for _, w := range words["demo"] {
		if _, err := practice.New(w); err != nil {
			t.Errorf("--demo %s: %v", w, err)
		}
	}
}

// The bash script --completion prints, sourced into bash and called as bash
// calls it on Tab, completes the real flags and their words.
func TestBashCompletionOfRealFlags(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	_, script, _ := runCLI("--completion", "bash")
	file := filepath.Join(t.TempDir(), "rawtalk.bash")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(words ...string) []string {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + w + "'"
		}
		driver := "source " + file + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
			strconv.Itoa(len(words)-1) + "\n" + `COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
_rawtalk rawtalk "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"`
		out, err := exec.Command("bash", "--norc", "--noprofile", "-c", driver).CombinedOutput()
		if err != nil {
			t.Fatalf("bash %q: %v\n%s", words, err, out)
		}
		got := strings.Fields(string(out))
		slices.Sort(got)
		return got
	}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"rawtalk", "--starttls", ""}, sorted(secure.StartTLSProtocols())},
		{[]string{"rawtalk", "--demo", ""}, sorted(practice.Kinds())},
		{[]string{"rawtalk", "--eol", ""}, sorted(term.EOLNames())},
		{[]string{"rawtalk", "-X", ""}, sorted(dial.ProxyKindNames())},
		{[]string{"rawtalk", "--proto", ""}, sorted(append(term.Protocols(), "none"))},
		{[]string{"rawtalk", "--completion", ""}, sorted(completion.Shells())},
		{[]string{"rawtalk", "--compl"}, []string{"--completion"}},
		{[]string{"rawtalk", "--starttl"}, []string{"--starttls"}},
		{[]string{"rawtalk", "localhost", "redi"}, []string{"redis"}},
	} {
		if got := complete(tc.words...); !slices.Equal(got, tc.want) {
			t.Errorf("%q: COMPREPLY %q, want %q", tc.words, got, tc.want)
		}
	}
}

// The man page and completions in the repository are what the flags make
// now: this fails after a flag changes until `go generate ./internal/cli`.
func TestGeneratedFilesUpToDate(t *testing.T) {
	files, err := DocFiles()
	if err != nil {
		t.Fatal(err)
	}
	if stale := gendocs.Stale(repoRoot, files); len(stale) > 0 {
		t.Errorf("generated files out of date (run: go generate ./internal/cli):\n  %s", strings.Join(stale, "\n  "))
	}
}

// Every flag, long and short, has its entry in the shipped man page.
func TestManPageHasEveryFlag(t *testing.T) {
	page, err := os.ReadFile(filepath.Join(repoRoot, gendocs.ManPage))
	if err != nil {
		t.Fatal(err)
	}
	if missing := manpage.MissingFlags(page, FlagSet()); len(missing) > 0 {
		t.Errorf("%s lacks %s (run: go generate ./internal/cli)", gendocs.ManPage, strings.Join(missing, ", "))
	}
}

// The shipped page, with the real flags' text (␍␊ and all), renders with
// every warning on, in a UTF-8 and an ASCII locale, as `man -l` shows it.
func TestShippedManPageRendersWithoutWarnings(t *testing.T) {
	if _, err := exec.LookPath("man"); err != nil {
		t.Skip("man is not installed")
	}
	file, err := filepath.Abs(filepath.Join(repoRoot, gendocs.ManPage))
	if err != nil {
		t.Fatal(err)
	}
	for _, locale := range []string{"C.UTF-8", "C"} {
		cmd := exec.Command("man", "--warnings", "-l", file)
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "LC_ALL="+locale, "MAN_KEEP_FORMATTING=", "MANPAGER=cat", "PAGER=cat")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Errorf("man --warnings -l %s (LC_ALL=%s): %v\n%s", gendocs.ManPage, locale, err, stderr.Bytes())
		}
		if !bytes.Contains(out, []byte("--completion SHELL")) {
			t.Errorf("man -l (LC_ALL=%s) output lacks \"--completion SHELL\"", locale)
		}
	}
}

// The fish script, as --completion prints it, completes the real words.
func TestFishCompletionOfRealFlags(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed")
	}
	_, script, _ := runCLI("--completion", "fish")
	file := filepath.Join(t.TempDir(), "rawtalk.fish")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("fish", "--no-config", "-c", "source "+file+"; complete -C'rawtalk --starttls '").CombinedOutput()
	if err != nil {
		t.Fatalf("fish: %v\n%s", err, out)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		word, _, _ := strings.Cut(line, "\t")
		got = append(got, word)
	}
	slices.Sort(got)
	want := slices.Clone(secure.StartTLSProtocols())
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("fish completes --starttls with %q, want %q", got, want)
	}
}
