package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/report"
)

// TestDemoNewSecurityHub holds the demo's new Security Hub: the account with
// only the new Security Hub passes securityhub.enabled (and its CSPM
// controls do not pass), and the overdue exposure finding FAILs
// securityhub.exposure_findings and reaches every format with its evidence.
func TestDemoNewSecurityHub(t *testing.T) {
	dir := t.TempDir()
	formats := []string{"table", "json", "ndjson", "markdown", "html", "junit", "metrics", "ocsf"}
	_, stderr, code := run(t, "scan", "--demo", "-q", "--format", strings.Join(formats, ","), "--out-dir", dir)
	if code != ExitFailing {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, ExitFailing, stderr)
	}
	rep := readReport(t, filepath.Join(dir, "report.json"))
	type key struct{ control, account, region string }
	got := map[key]report.Result{}
	for _, r := range rep.Results {
		got[key{r.ControlID, r.AccountID, r.Region}] = r
	}
	const exposure = "arn:aws:securityhub:us-east-1:222222222222:exposure/prod-api-1"
	for _, c := range []struct {
		key     key
		status  report.Status
		message string
	}{
		// sandbox Tokyo: only the new Security Hub.
		{key{"securityhub.enabled", "444444444444", "ap-northeast-1"}, report.StatusPass, "Security Hub is enabled (arn:aws:securityhub:ap-northeast-1:444444444444:hubv2/"},
		{key{"securityhub.standards", "444444444444", "ap-northeast-1"}, report.StatusFail, "Security Hub is not enabled"},
		{key{"securityhub.critical_findings", "444444444444", "ap-northeast-1"}, report.StatusError, "findings not observable"},
		{key{"securityhub.exposure_findings", "444444444444", "ap-northeast-1"}, report.StatusPass, "no critical or high exposure finding"},
		// Both products in management us-east-1; CSPM only elsewhere.
		{key{"securityhub.enabled", "111111111111", "us-east-1"}, report.StatusPass, "Security Hub CSPM and Security Hub are enabled"},
		{key{"securityhub.enabled", "111111111111", "eu-west-1"}, report.StatusPass, "Security Hub CSPM is enabled"},
		{key{"securityhub.exposure_findings", "111111111111", "us-east-1"}, report.StatusPass, "(critical 7 days, high 30 days; 1 open within it)"},
		{key{"securityhub.exposure_findings", "111111111111", "eu-west-1"}, report.StatusNotApplicable, "the new Security Hub is not enabled"},
		// prod us-east-1: the critical exposure is overdue; the suppressed
		// one and the Inspector finding do not count.
		{key{"securityhub.exposure_findings", "222222222222", "us-east-1"}, report.StatusFail, "1 exposure finding(s) open longer than the SLA (critical 7 days, high 30 days): " + exposure + " (Critical, "},
		// staging us-east-1: Security Hub denied outright.
		{key{"securityhub.exposure_findings", "333333333333", "us-east-1"}, report.StatusError, "securityhub:DescribeSecurityHubV2 failed: AccessDeniedException"},
	} {
		r, ok := got[c.key]
		if !ok {
			t.Errorf("%v: no result", c.key)
			continue
		}
		if r.Status != c.status || !strings.Contains(r.Message, c.message) {
			t.Errorf("%v: %s %q, want %s containing %q", c.key, r.Status, r.Message, c.status, c.message)
		}
	}

	// Every format carries the failure; those with messages name the finding.
	for _, f := range []struct{ file, want string }{
		{"report.txt", "securityhub.exposure_findings"},
		{"report.json", exposure},
		{"report.ndjson", exposure},
		{"report.md", exposure},
		{"report.html", exposure},
		{"report.xml", exposure},
		{"report.ocsf.ndjson", exposure},
		{"report.prom", `baseline_results{service="securityhub",severity="critical",status="FAIL",team="payments"}`},
	} {
		data, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), f.want) {
			t.Errorf("%s does not contain %q", f.file, f.want)
		}
	}
}
