// Package version names the build for --version, from what the Go toolchain
// records in the binary (runtime/debug build info) and, for release builds,
// from a string the linker sets, so that a bug report says exactly which
// rawtalk it is about.
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// release is the release's version, set by the release build:
//
//	go build -ldflags "-X github.com/rawtalk/rawtalk/internal/version.release=v1.2.3"
//
// .goreleaser.yaml does this; a plain go build leaves it empty.
var release string

// ReleaseVar is the linker's name for release, for -ldflags "-X ReleaseVar=v1.2.3".
const ReleaseVar = "github.com/rawtalk/rawtalk/internal/version.release"

// shortHash is how many hex digits of a commit hash are shown: the length
// Go's pseudo-versions use, unambiguous in any repository of this size.
const shortHash = 12

// Build describes one binary.
type Build struct {
	Version   string // v1.2.3, a pseudo-version, abc123def456-dirty, or "devel"
	GoVersion string // go1.26.8
	Platform  string // linux/amd64
}

// Get describes the running binary.
func Get() Build {
	info, _ := debug.ReadBuildInfo()
	return describe(release, info)
}

// String is the line --version prints after "rawtalk ":
// "v1.2.3 (go1.26.8 linux/amd64)".
func (b Build) String() string {
	return b.Version + " (" + b.GoVersion + " " + b.Platform + ")"
}

// describe picks the most precise name the build has: the release version
// the linker set; else the module's version (go install ...@v1.2.3); else
// the commit it was built from (go build in a git checkout); else "devel".
// info may be nil (a binary built without module support).
func describe(release string, info *debug.BuildInfo) Build {
	b := Build{Version: "devel", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info == nil {
		if release != "" {
			b.Version = release
		}
		return b
	}
	if info.GoVersion != "" {
		b.GoVersion = info.GoVersion
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["GOOS"] != "" && settings["GOARCH"] != "" {
		b.Platform = settings["GOOS"] + "/" + settings["GOARCH"]
	}
	revision := settings["vcs.revision"]
	module := info.Main.Version
	switch {
	case release != "":
		b.Version = release
	case module != "" && module != "(devel)" && (revision == "" || !isPseudo(module)):
		// A tagged version, or a pseudo-version with no commit to show
		// instead (go install ...@COMMIT builds from the module cache).
		b.Version = module
	case revision != "":
		if len(revision) > shortHash {
			revision = revision[:shortHash]
		}
		b.Version = revision
		if settings["vcs.modified"] == "true" {
			b.Version += "-dirty"
		}
	}
	return b
}

// isPseudo reports whether v is a pseudo-version
// (v0.0.0-20261130120000-abcdef123456, with +dirty since Go 1.24): the
// toolchain's name for an untagged commit, less readable than the commit.
func isPseudo(v string) bool {
	v, _, _ = strings.Cut(v, "+")
	parts := strings.Split(v, "-")
	if len(parts) < 3 {
		return false
	}
	stamp := parts[len(parts)-2]
	if i := strings.LastIndex(stamp, "."); i >= 0 { // v1.2.4-0.2026...: after a tag
		stamp = stamp[i+1:]
	}
	hash := parts[len(parts)-1]
	return len(stamp) == 14 && allDigits(stamp) && len(hash) == 12 && isHex(hash)
}

func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

func isHex(s string) bool {
	return strings.Trim(s, "0123456789abcdef") == ""
}
