package cli

import (
	"github.com/baseline-scanner/baseline/internal/buildinfo"
	"github.com/baseline-scanner/baseline/report"
)

// reportTool is the report's `tool`: this build's version, commit and OPA
// version (internal/buildinfo).
func reportTool() report.Tool {
	bi := buildinfo.Read()
	return report.Tool{
		Name:         "baseline",
		Version:      bi.Version,
		Revision:     bi.Revision,
		RevisionTime: bi.Time,
		Modified:     bi.Modified,
		OPAVersion:   bi.OPAVersion,
	}
}
