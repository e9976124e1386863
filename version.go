package main

import (
	"runtime/debug"
	"strings"
)

// version is what --version prints and what the SARIF log and the API's
// User-Agent carry. Releases set it at build time with -ldflags
// "-X main.version=1.2.3"; any other build gets it from what the Go
// toolchain recorded in the binary (see buildVersion).
var version string

func init() {
	if version == "" {
		info, _ := debug.ReadBuildInfo()
		version = buildVersion(info)
	}
}

// develVersion is the version of a build that knows neither its release nor
// its commit, such as one from a source tarball or with -buildvcs=false. It
// is a valid SemVer prerelease, so SARIF still reports it as semanticVersion.
const develVersion = "0.0.0-devel"

// buildVersion is, first, the main module's version: "go install
// ...@v1.2.3" records v1.2.3, and since Go 1.24 a "go build" in a git clone
// records the tag at HEAD or a pseudo-version naming the commit
// (v0.0.0-20260102150405-0123456789ab, with +dirty for uncommitted changes).
// Without one it is the commit the toolchain stamped, then develVersion.
// The leading "v" goes: release versions have none (1.2.3).
func buildVersion(info *debug.BuildInfo) string {
	if info == nil {
		return develVersion
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return strings.TrimPrefix(v, "v")
	}
	var revision string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if revision == "" {
		return develVersion
	}
	// SemVer build metadata: dot-separated alphanumerics, as Go writes it.
	v := develVersion + "+" + revision[:min(len(revision), 12)]
	if modified {
		v += ".dirty"
	}
	return v
}
