package buildinfo

import (
	"cmp"
	"fmt"
	"runtime/debug"
	"strings"

	opaversion "github.com/open-policy-agent/opa/v1/version"
)

// Version overrides the version read from the build. Release builds set it:
//
//	go build -ldflags "-X github.com/baseline-scanner/baseline/internal/buildinfo.Version=1.2.3"
//
// (see .goreleaser.yaml and the Dockerfile).
var Version = ""

// Revision overrides the VCS revision read from the build, for builds made
// without the repository's .git (the container image).
var Revision = ""

// OPAModule is the module whose version is reported as the OPA version.
const OPAModule = "github.com/open-policy-agent/opa"

// Info describes one build.
type Info struct {
	// Version is the release version (-ldflags -X), else the main module's
	// version as the go command recorded it (`go install …@v1.2.3`, or a
	// pseudo-version from the VCS for `go build` in a clone), else "dev".
	Version string
	// Revision is the VCS commit (vcs.revision); empty when unknown.
	Revision string
	// Time is the commit time (vcs.time, RFC 3339); empty when unknown.
	Time string
	// Modified is true when the build had uncommitted changes (vcs.modified).
	Modified bool
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string
	// OPAVersion is the version of the OPA module linked in, from the
	// build's dependencies (Read falls back on OPA's own version variable
	// when the binary lists none, as test binaries do).
	OPAVersion string
}

// Read is the running binary's Info.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	info := FromBuildInfo(bi, Version, Revision)
	if info.OPAVersion == "" {
		// Test binaries list no dependencies: OPA's own version variable
		// names the same release.
		info.OPAVersion = "v" + opaversion.Version
	}
	return info
}

// FromBuildInfo computes Info from the go command's build information (nil
// when the binary has none) and the -ldflags overrides.
func FromBuildInfo(bi *debug.BuildInfo, version, revision string) Info {
	var info Info
	if bi != nil {
		info.GoVersion = bi.GoVersion
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			info.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.time":
				info.Time = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
		for _, d := range bi.Deps {
			if d.Path == OPAModule {
				info.OPAVersion = d.Version
				if d.Replace != nil && d.Replace.Version != "" {
					info.OPAVersion = d.Replace.Version
				}
			}
		}
	}
	if version != "" {
		info.Version = version
	}
	if revision != "" {
		info.Revision = revision
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	return info
}

// ShortRevision is the first 12 characters of the revision.
func (i Info) ShortRevision() string {
	if len(i.Revision) > 12 {
		return i.Revision[:12]
	}
	return i.Revision
}

// String is the multi-line text of `baseline version`: the first line is
// "baseline VERSION", as before.
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "baseline %s\n", i.Version)
	rev := cmp.Or(i.Revision, "unknown")
	if i.Time != "" {
		rev += " (" + i.Time + ")"
	}
	if i.Modified {
		rev += ", with uncommitted changes"
	}
	fmt.Fprintf(&b, "  commit: %s\n", rev)
	fmt.Fprintf(&b, "  opa:    %s\n", cmp.Or(i.OPAVersion, "unknown"))
	fmt.Fprintf(&b, "  go:     %s\n", cmp.Or(i.GoVersion, "unknown"))
	return b.String()
}
