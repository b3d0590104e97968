package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/report"
)

// TestBoundaryAgesJudgedAlikeWhateverTheGap: the generated world's ages
// are whole days, so some open findings are exactly as old as their SLA
// (7 days CRITICAL, 30 days HIGH). The scan judges ages against its
// collected_at, which is cut to the whole second; the simulator resolved
// them when it started, a fraction of a second earlier. Whether that
// second's boundary fell between the two used to decide whether such a
// finding was overdue (a FAIL in the results) or not yet (UPCOMING), and
// every finding's "open N days" — so runs of one seed differed. With the
// simulator's clock from worldNow, every run of a world gives one report,
// however far into its second the bench started and however long the
// scan took to begin collecting.
func TestBoundaryAgesJudgedAlikeWhateverTheGap(t *testing.T) {
	regions := allRegions[:1]
	newWorld := func() *awssim.World {
		w := awssim.Generate(awssim.GenerateOptions{Accounts: 1, Regions: regions, Seed: 1, LargeAccountShare: -1})
		sh := w.Accounts[0].Regions[regions[0]].SecurityHub
		if sh == nil {
			t.Fatal("seed 1: no Security Hub in the management account")
		}
		id := string(w.Accounts[0].ID)
		finding := func(n int, severity string, age awssim.Time) awssim.SecurityHubFinding {
			return awssim.SecurityHubFinding{
				ID:    fmt.Sprintf("arn:aws:securityhub:%s:%s:security-control/S3.8/finding/boundary-%d", regions[0], id, n),
				Title: "boundary " + severity, Severity: severity, Control: "S3.8", GeneratorID: "security-control/S3.8",
				Compliance: "FAILED", RecordState: "ACTIVE", Workflow: "NEW",
				Resource:      awssim.Resource{Type: "AwsS3Bucket", ID: fmt.Sprintf("arn:aws:s3:::boundary-%d", n)},
				FirstObserved: age, Updated: age,
			}
		}
		sh.Findings = append(sh.Findings, finding(1, "CRITICAL", "7d"), finding(2, "HIGH", "30d"))
		return w
	}
	// One scan: the bench started at benchStart and its collection at
	// benchStart+gap (the scan's clock, frozen there).
	scanAt := func(benchStart time.Time, gap time.Duration) *report.Report {
		f := flags{seed: 1, worldNow: worldNow(benchStart)}
		srv, err := startSimulator(newWorld(), f, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		akid, secret := srv.Credentials()
		cfg := aws.Config{Region: regions[0], Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(akid, secret, "")), BaseEndpoint: aws.String(srv.URL())}
		scanNow := benchStart.Add(gap)
		o := scan.Options{Org: true, AWS: &cfg, Regions: regions, Collection: scan.ModeDirect, TeamTag: "team",
			Tool: checks.Tool{Name: "baseline", Version: "test"}, Calls: checks.NewCallCounter(), Observer: &benchObserver{},
			Now: func() time.Time { return scanNow }}
		var rep *report.Report
		if _, err := runPipeline(context.Background(), pipelineStreamed, o, func() {}, func(r *report.Report) error { rep = r; return nil }); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	verdicts := func(rep *report.Report) map[string]string {
		m := map[string]string{}
		for _, r := range rep.Results {
			m[r.ID] = string(r.Status) + " " + r.Message
		}
		for _, u := range rep.Upcoming {
			overdue := 0
			if u.Finding.DaysOverdue != nil {
				overdue = *u.Finding.DaysOverdue
			}
			m[u.ID] = fmt.Sprintf("UPCOMING %s due %s (%d days): %s", u.Finding.Severity, u.Finding.SLADue, overdue, u.Finding.Title)
		}
		return m
	}
	second := time.Date(2026, 12, 3, 7, 8, 12, 0, time.UTC)
	var want map[string]string
	var wantAt string
	for _, into := range []time.Duration{0, 300 * time.Millisecond, 999 * time.Millisecond} {
		for _, gap := range []time.Duration{0, 200 * time.Millisecond, 1500 * time.Millisecond} {
			at := fmt.Sprintf("bench started %s into its second, collection %s later", into, gap)
			rep := scanAt(second.Add(into), gap)
			got := verdicts(rep)
			var boundary []string
			for _, v := range got {
				if strings.Contains(v, ": boundary ") {
					boundary = append(boundary, v)
				}
			}
			slices.Sort(boundary)
			wantBoundary := []string{
				"FAIL CRITICAL finding open 7 days (SLA 7 days): boundary CRITICAL",
				"FAIL HIGH finding open 30 days (SLA 30 days): boundary HIGH",
			}
			if !slices.Equal(boundary, wantBoundary) {
				t.Errorf("%s: the findings exactly as old as their SLA: %q, want %q", at, boundary, wantBoundary)
			}
			if want == nil {
				want, wantAt = got, at
				continue
			}
			if !maps.Equal(got, want) {
				for id, v := range got {
					if want[id] != v {
						t.Errorf("%s: %s is %q; %s: %q", at, id, v, wantAt, want[id])
					}
				}
				for id, v := range want {
					if _, ok := got[id]; !ok {
						t.Errorf("%s: no %s; %s: %q", at, id, wantAt, v)
					}
				}
			}
		}
	}
}
