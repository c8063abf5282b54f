package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

// TestBuildFromCheckoutNamesCommit builds a program from a fresh git
// repository, as `go build` in a clone does, and checks that it names the
// commit, then the commit with -dirty once a file changed. -buildvcs=true
// is explicit: the environment may set GOFLAGS=-buildvcs=false. (Go stamps
// nothing in a git worktree, whose .git is a file: there it says devel.)
func TestBuildFromCheckoutNamesCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := winetest.TempDir(t)
	copyFile(t, filepath.Join(repo, "go.mod"), []byte("module github.com/rawtalk/rawtalk\n\ngo 1.24\n"))
	copyFile(t, filepath.Join(repo, "internal/version/version.go"), readFile(t, "version.go"))
	copyFile(t, filepath.Join(repo, "main.go"), readFile(t, "testdata/printversion/main.go"))
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "one commit")
	commit := git("rev-parse", "HEAD")[:shortHash]

	printed := func() string {
		t.Helper()
		bin := filepath.Join(winetest.TempDir(t), "printversion")
		build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
		build.Dir = repo
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	if got := printed(); !strings.HasPrefix(got, commit+" (go") {
		t.Errorf("clean checkout printed %q, want %s (go...)", got, commit)
	}
	copyFile(t, filepath.Join(repo, "main.go"), append(readFile(t, "testdata/printversion/main.go"), "\n// changed\n"...))
	if got := printed(); !strings.HasPrefix(got, commit+"-dirty (go") {
		t.Errorf("modified checkout printed %q, want %s-dirty (go...)", got, commit)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
