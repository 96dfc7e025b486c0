package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	cases := []struct {
		name                    string
		version, commit         string
		bi                      *debug.BuildInfo
		wantVersion, wantCommit string
	}{
		{"stamped wins", "v1.2.3", "abc123", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "v0.9.0"}, Settings: vcs("fff", "false")}, "v1.2.3", "abc123"},
		{"go install of a tag", "", "", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0", "unknown"},
		{"git checkout, clean", "", "", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123abcd", "false")}, "dev", "0123abcd"},
		{"git checkout, changed", "", "", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123abcd", "true")}, "dev", "0123abcd+dirty"},
		{"nothing known", "", "", nil, "dev", "unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := resolve(c.version, c.commit, c.bi)
			if got.Version != c.wantVersion || got.Commit != c.wantCommit {
				t.Errorf("resolve = %+v, want version %q commit %q", got, c.wantVersion, c.wantCommit)
			}
			if got.GoVersion == "" {
				t.Error("GoVersion is empty")
			}
			if c.bi != nil && got.GoVersion != c.bi.GoVersion {
				t.Errorf("GoVersion = %q, want the build info's %q", got.GoVersion, c.bi.GoVersion)
			}
		})
	}
}
