package cli

import (
	"path/filepath"
	"strings"
	"testing"

	opaversion "github.com/open-policy-agent/opa/v1/version"

	"github.com/baseline-scanner/baseline/internal/buildinfo"
)

// opaVersionOfThisBuild is the version of the OPA linked into the test
// binary, as OPA itself states it (test binaries list no module
// dependencies; cmd/baseline's release test checks the dependency list).
func opaVersionOfThisBuild(*testing.T) string { return "v" + opaversion.Version }

func TestVersionCommandAndFlagAgree(t *testing.T) {
	opa := opaVersionOfThisBuild(t)
	cmd, _, code := run(t, "version")
	if code != ExitOK {
		t.Fatalf("version exit %d", code)
	}
	flag, _, code := run(t, "--version")
	if code != ExitOK {
		t.Fatalf("--version exit %d", code)
	}
	if cmd != flag {
		t.Errorf("`version` and `--version` differ:\n%s\n---\n%s", cmd, flag)
	}
	for _, want := range []string{"baseline " + buildinfo.Read().Version + "\n", "commit:", "opa:    " + opa + "\n", "go:     go"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("version output lacks %q:\n%s", want, cmd)
		}
	}
}

func TestReportCarriesTheBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.json")
	if _, stderr, code := run(t, "scan", "--demo", "-q", "--format", "json", "-o", out); code != ExitFailing {
		t.Fatalf("scan --demo exit %d, want %d: %s", code, ExitFailing, stderr)
	}
	rep := readReport(t, out) // validated against the schema
	want := buildinfo.Read()
	if rep.Tool.Name != "baseline" || rep.Tool.Version != want.Version || rep.Tool.Revision != want.Revision ||
		rep.Tool.RevisionTime != want.Time || rep.Tool.Modified != want.Modified {
		t.Errorf("report tool = %+v, want the build %+v", rep.Tool, want)
	}
	if opa := opaVersionOfThisBuild(t); rep.Tool.OPAVersion != opa {
		t.Errorf("report tool.opa_version = %q, want %q", rep.Tool.OPAVersion, opa)
	}
}
