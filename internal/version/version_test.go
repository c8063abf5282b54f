package version

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

func buildInfo(module string, settings ...string) *debug.BuildInfo {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/rawtalk/rawtalk", Version: module}}
	for i := 0; i+1 < len(settings); i += 2 {
		info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return info
}

const commit = "0123456789abcdef0123456789abcdef01234567"

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		name    string
		release string
		info    *debug.BuildInfo
		want    string
	}{
		{"release set by the linker wins over everything", "v1.2.3",
			buildInfo("v0.9.0", "vcs.revision", commit, "vcs.modified", "true"), "v1.2.3"},
		{"release without build info", "v1.2.3", nil, "v1.2.3"},
		{"module version from go install @tag", "", buildInfo("v0.4.1"), "v0.4.1"},
		{"module version beats the commit when tagged", "", buildInfo("v0.4.1", "vcs.revision", commit), "v0.4.1"},
		{"pseudo-version without a commit: go install @commit", "",
			buildInfo("v0.0.0-20261130120000-0123456789ab"), "v0.0.0-20261130120000-0123456789ab"},
		{"checkout: the commit, not Go 1.24's pseudo-version", "",
			buildInfo("v0.0.0-20261130120000-0123456789ab", "vcs.revision", commit, "vcs.modified", "false"), "0123456789ab"},
		{"checkout with changes is dirty", "",
			buildInfo("v0.0.0-20261130120000-0123456789ab+dirty", "vcs.revision", commit, "vcs.modified", "true"), "0123456789ab-dirty"},
		{"checkout with -buildvcs=false records (devel)", "",
			buildInfo("(devel)", "vcs.revision", commit), "0123456789ab"},
		{"nothing known", "", buildInfo("(devel)"), "devel"},
		{"no build info at all", "", nil, "devel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describe(tc.release, tc.info).Version; got != tc.want {
				t.Errorf("version %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStringNamesGoVersionAndPlatform(t *testing.T) {
	b := describe("", buildInfo("(devel)", "vcs.revision", commit, "vcs.modified", "true", "GOOS", "freebsd", "GOARCH", "arm64"))
	if got, want := b.String(), "0123456789ab-dirty (go1.26.8 freebsd/arm64)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	b = describe("", nil)
	if want := "devel (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"; b.String() != want {
		t.Errorf("without build info: %q, want %q", b.String(), want)
	}
}

func TestIsPseudo(t *testing.T) {
	for v, want := range map[string]bool{
		"v0.0.0-20261130120000-0123456789ab":       true,
		"v0.0.0-20261130120000-0123456789ab+dirty": true,
		"v1.2.4-0.20261130120000-0123456789ab":     true,
		"v1.2.3-pre.0.20261130120000-0123456789ab": true,
		"v1.2.3":       false,
		"v1.2.3-rc.1":  false,
		"v1.2.3-beta":  false,
		"(devel)":      false,
		"v1.0.0-a-b-c": false,
	} {
		if got := isPseudo(v); got != want {
			t.Errorf("isPseudo(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestReleaseVarLinks builds a program with -X ReleaseVar=..., as the
// release build does, so a renamed variable cannot silently drop the
// version from releases.
func TestReleaseVarLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	bin := filepath.Join(winetest.TempDir(t), "printversion")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X "+ReleaseVar+"=v9.8.7", "./testdata/printversion")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); !strings.HasPrefix(got, "v9.8.7 (go") {
		t.Errorf("printed %q, want v9.8.7 (go...)", got)
	}
}
