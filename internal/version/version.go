// Package version says which build of Leadbitz is running, from what the Go
// toolchain records in the binary (module version, VCS revision), so that a
// plain `go build` and a release build both report something useful.
package version

import (
	"runtime/debug"
	"strings"
)

// String is the module version ("v1.2.3"), or "devel" followed by the VCS
// revision (and "+dirty" for uncommitted changes) of a local build.
func String() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return strings.TrimSuffix("devel "+rev+dirty, " ")
}
