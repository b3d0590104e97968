package scan_test

import (
	"context"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// findingsWorld is one account whose us-east-1 Security Hub holds the
// findings given (indented under "findings:").
func findingsWorld(findings string) string {
	return `
regions: [us-east-1]
accounts:
  - id: "111111111111"
    name: management
    management: true
    tags: {team: platform}
    regions:
      us-east-1:
        securityhub:
          enabled: true
          standards:
            - arn: aws-foundational-security-best-practices/v/1.0.0
          findings:
` + findings
}

// scanWorld collects the world through the simulator over HTTP and builds
// its report with rv.
func scanWorld(t *testing.T, world string, rv scan.Review) *report.Report {
	t.Helper()
	ctx := t.Context()
	w, err := awssim.ParseWorld(ctx, "world.yaml", []byte(world))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awssim.Start(w, awssim.Options{Now: awssimtest.Clock, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg := awssimtest.Config(srv, awssimtest.ManagementAccount(w))
	snap, err := scan.Collect(ctx, scan.Options{
		Org: true, AWS: &cfg, Regions: []string{"us-east-1"}, Collection: scan.ModeDirect, TeamTag: "team",
		Tool: checks.Tool{Name: "baseline", Version: "test"}, Now: awssimtest.Clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	// scan.Collect stamps the snapshot with the wall clock; the world's
	// relative times are against awssimtest.Now.
	snap.CollectedAt = awssimtest.Now
	return evaluate(t, ctx, snap, rv)
}

func evaluate(t *testing.T, ctx context.Context, snap *checks.Snapshot, rv scan.Review) *report.Report {
	t.Helper()
	engine, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := scan.Evaluate(ctx, engine, policies.DefaultConfig(), snap, scan.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.BuildReport(snap, ev, report.Tool{Name: "baseline", Version: "test"}, awssimtest.Now, rv)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func findingResults(rep *report.Report, control string) []report.Result {
	var out []report.Result
	for _, r := range rep.Results {
		if r.ControlID == control {
			out = append(out, r)
		}
	}
	return out
}

// TestNewFindingReplacingAnOldOneIsNew is issue 10's test: a new critical
// finding on the resource of an old one that was closed is "new" in the
// diff and fails --fail-on-new, although the cell's count of overdue
// findings did not change; a finding within its SLA is upcoming, not failing.
func TestNewFindingReplacingAnOldOneIsNew(t *testing.T) {
	const old = `
            - {id: arn:aws:securityhub:us-east-1:111111111111:security-control/S3.2/finding/old, title: S3 general purpose buckets should block public read access, control: S3.2, severity: CRITICAL, resource: {type: AwsS3Bucket, id: "arn:aws:s3:::acme-share"}, first_observed: 30d}
            - {id: arn:aws:securityhub:us-east-1:111111111111:security-control/S3.8/finding/soon, title: S3 general purpose buckets should block public access, control: S3.8, severity: CRITICAL, resource: {type: AwsS3Bucket, id: "arn:aws:s3:::acme-logs"}, first_observed: 2d}
`
	const replaced = `
            - {id: arn:aws:securityhub:us-east-1:111111111111:security-control/S3.2/finding/old, title: S3 general purpose buckets should block public read access, control: S3.2, severity: CRITICAL, resource: {type: AwsS3Bucket, id: "arn:aws:s3:::acme-share"}, first_observed: 30d, workflow: RESOLVED, compliance: PASSED}
            - {id: arn:aws:securityhub:us-east-1:111111111111:security-control/S3.3/finding/new, title: S3 general purpose buckets should block public write access, control: S3.3, severity: CRITICAL, resource: {type: AwsS3Bucket, id: "arn:aws:s3:::acme-share"}, first_observed: 9d}
            - {id: arn:aws:securityhub:us-east-1:111111111111:security-control/S3.8/finding/soon, title: S3 general purpose buckets should block public access, control: S3.8, severity: CRITICAL, resource: {type: AwsS3Bucket, id: "arn:aws:s3:::acme-logs"}, first_observed: 2d}
`
	prev := scanWorld(t, findingsWorld(old), scan.Review{})
	fails := findingResults(prev, "securityhub.critical_findings")
	if len(fails) != 1 || fails[0].Status != report.StatusFail || fails[0].Resource != "arn:aws:s3:::acme-share" || fails[0].Finding == nil {
		t.Fatalf("first scan: %+v, want one FAIL on arn:aws:s3:::acme-share with its finding", fails)
	}
	f := fails[0].Finding
	if f.ControlID != "S3.2" || f.Product != "Security Hub" || f.Severity != "CRITICAL" || f.SLADays != 7 || f.DaysOverdue == nil || *f.DaysOverdue != 23 ||
		f.Title != "S3 general purpose buckets should block public read access" || f.SLADue == "" || f.FirstObservedAt == "" {
		t.Errorf("finding fields %+v (days overdue %v)", f, f.DaysOverdue)
	}
	if len(prev.Upcoming) != 1 || prev.Upcoming[0].Finding.ControlID != "S3.8" || *prev.Upcoming[0].Finding.DaysOverdue != -5 || prev.Upcoming[0].Team != "platform" {
		t.Errorf("upcoming %+v, want the S3.8 finding, 5 days left, team platform", prev.Upcoming)
	}
	if prev.Summary.Fail != countStatus(prev, report.StatusFail) {
		t.Errorf("upcoming findings counted in the summary")
	}

	cur := scanWorld(t, findingsWorld(replaced), scan.Review{Previous: prev, PreviousName: "previous.json"})
	fails = findingResults(cur, "securityhub.critical_findings")
	if len(fails) != 1 || fails[0].Resource != prev.Results[indexOf(prev, "securityhub.critical_findings")].Resource || fails[0].ID == fails[0].Key() && fails[0].ID == prev.Results[indexOf(prev, "securityhub.critical_findings")].ID {
		t.Fatalf("second scan: %+v, want one FAIL on the same resource with another id", fails)
	}
	d := cur.Diff
	if len(d.New) != 1 || d.New[0].Finding == nil || d.New[0].Finding.ControlID != "S3.3" || len(d.Fixed) != 1 || d.Fixed[0].Finding.ControlID != "S3.2" {
		t.Fatalf("diff new %+v fixed %+v: want the S3.3 finding new and the S3.2 one fixed", d.New, d.Fixed)
	}
	if code := scan.ExitCode(scan.Verdict{Report: cur, FailOn: report.SeverityHigh, OnlyNew: true}); code != report.ExitFail {
		t.Errorf("--fail-on-new exit %d, want %d", code, report.ExitFail)
	}
}

func countStatus(rep *report.Report, s report.Status) int {
	n := 0
	for _, r := range rep.Results {
		if r.Status == s {
			n++
		}
	}
	return n
}

func indexOf(rep *report.Report, control string) int {
	for i, r := range rep.Results {
		if r.ControlID == control {
			return i
		}
	}
	return -1
}
