// Package buildinfo says which build of Leadbitz is running: the release
// version and commit stamped by the release build (scripts/build.sh sets
// them with -ldflags -X), or else what the Go toolchain recorded in the
// binary (debug.ReadBuildInfo: the module version of `go install …@v1.2.3`,
// the VCS revision of a build inside a git checkout).
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set by the release build:
//
//	-X github.com/leadbitz/leadbitz/internal/buildinfo.version=v1.2.3
//	-X github.com/leadbitz/leadbitz/internal/buildinfo.commit=<git sha>
var version, commit string

// Info is one build's identity.
type Info struct {
	Version   string // "v1.2.3", or "dev" when nothing says
	Commit    string // the git revision, "+dirty" when the tree had changes; "unknown" when nothing says
	GoVersion string // the toolchain that built the binary
}

// Get returns this binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(version, commit, bi)
}

// resolve prefers the stamped values, then the build info's, then says
// "dev"/"unknown".
func resolve(stampedVersion, stampedCommit string, bi *debug.BuildInfo) Info {
	info := Info{Version: stampedVersion, Commit: stampedCommit, GoVersion: runtime.Version()}
	if bi != nil {
		info.GoVersion = bi.GoVersion
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		if info.Commit == "" {
			info.Commit = vcsRevision(bi.Settings)
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

func vcsRevision(settings []debug.BuildSetting) string {
	rev, dirty := "", false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" && dirty {
		rev += "+dirty"
	}
	return rev
}

// String is the version and commit in one line ("v1.2.3 (abc123)"), as the
// System page and backup manifests show them.
func (i Info) String() string { return i.Version + " (" + i.Commit + ")" }
