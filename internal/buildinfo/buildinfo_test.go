package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	opa := &debug.Module{Path: OPAModule, Version: "v1.22.2"}
	vcs := []debug.BuildSetting{
		{Key: "-trimpath", Value: "true"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "d655a69e1f2c0b1a2b3c4d5e6f708192a3b4c5d6"},
		{Key: "vcs.time", Value: "2026-12-02T12:40:33Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := map[string]struct {
		bi                *debug.BuildInfo
		version, revision string
		want              Info
	}{
		"no build information": {want: Info{Version: "dev"}},
		"go run or go test: (devel), no VCS": {
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Deps: []*debug.Module{opa}},
			want: Info{Version: "dev", GoVersion: "go1.26.8", OPAVersion: "v1.22.2"},
		},
		"go install …@v1.4.0": {
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Deps: []*debug.Module{opa}},
			want: Info{Version: "v1.4.0", GoVersion: "go1.26.8", OPAVersion: "v1.22.2"},
		},
		"go build in a clone: pseudo-version and VCS": {
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261202124033-d655a69e1f2c+dirty"}, Deps: []*debug.Module{opa}, Settings: vcs},
			want: Info{Version: "v0.0.0-20261202124033-d655a69e1f2c+dirty", Revision: "d655a69e1f2c0b1a2b3c4d5e6f708192a3b4c5d6", Time: "2026-12-02T12:40:33Z", Modified: true, GoVersion: "go1.26.8", OPAVersion: "v1.22.2"},
		},
		"release: -ldflags -X wins over the module version": {
			bi:      &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Deps: []*debug.Module{opa}, Settings: vcs[:4]},
			version: "1.4.0",
			want:    Info{Version: "1.4.0", Revision: "d655a69e1f2c0b1a2b3c4d5e6f708192a3b4c5d6", Time: "2026-12-02T12:40:33Z", GoVersion: "go1.26.8", OPAVersion: "v1.22.2"},
		},
		"container: revision from -ldflags": {
			bi:       &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Deps: []*debug.Module{opa}},
			version:  "1.4.0",
			revision: "abc",
			want:     Info{Version: "1.4.0", Revision: "abc", GoVersion: "go1.26.8", OPAVersion: "v1.22.2"},
		},
		"replaced OPA module reports the replacement's version": {
			bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Deps: []*debug.Module{
				{Path: "github.com/spf13/cobra", Version: "v1.10.2"},
				{Path: OPAModule, Version: "v1.22.2", Replace: &debug.Module{Path: "example.com/opa", Version: "v1.22.3"}},
			}},
			want: Info{Version: "dev", OPAVersion: "v1.22.3"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := FromBuildInfo(tt.bi, tt.version, tt.revision); got != tt.want {
				t.Errorf("FromBuildInfo = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestInfoString(t *testing.T) {
	got := Info{Version: "1.4.0", Revision: "d655a69e1f2c0b1a", Time: "2026-12-02T12:40:33Z", Modified: true, GoVersion: "go1.26.8", OPAVersion: "v1.22.2"}.String()
	want := "baseline 1.4.0\n  commit: d655a69e1f2c0b1a (2026-12-02T12:40:33Z), with uncommitted changes\n  opa:    v1.22.2\n  go:     go1.26.8\n"
	if got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	if got := (Info{Version: "dev"}).String(); !strings.HasPrefix(got, "baseline dev\n  commit: unknown\n") {
		t.Errorf("String() of an unknown build = %q", got)
	}
}
