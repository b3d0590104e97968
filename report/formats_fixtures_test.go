package report

import (
	"fmt"
	"strings"
	"time"
)

// largeReport is n failing results spread over teams and severities, with
// messages of msgLen characters (0 for short ones): big enough to hit the
// Markdown size cap.
func largeReport(n, msgLen int) *Report {
	r := &Report{
		Tool:        Tool{Name: "baseline", Version: "1.2.3"},
		GeneratedAt: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC),
		Scope:       Scope{Accounts: []string{"111111111111"}, Regions: []string{"eu-west-1"}},
	}
	teams := []string{"payments", "platform", ""}
	for i := range n {
		msg := fmt.Sprintf("instance %d is missing patches", i)
		if msgLen > len(msg) {
			msg += strings.Repeat("x", msgLen-len(msg))
		}
		r.Results = append(r.Results, Result{
			ControlID: "ssm.patch_compliant",
			Control:   &ControlText{Title: "Instances are patch compliant", Service: "ssm"},
			Severity:  Severities[i%len(Severities)], Status: StatusFail,
			AccountID: fmt.Sprintf("%012d", 100000000000+i%50), Region: "eu-west-1",
			Resource: fmt.Sprintf("arn:aws:ec2:eu-west-1:111111111111:instance/i-%017x", i),
			Message:  msg, Team: teams[i%len(teams)],
		})
	}
	r.Finalize()
	return r
}

// Shape of demoLikeReport: accounts × regions × services.
var (
	demoAccounts = []struct{ id, name, team string }{
		{"111111111111", "management", "platform"},
		{"222222222222", "prod", "payments"},
		{"333333333333", "staging", "payments"},
		{"444444444444", "sandbox", ""},
	}
	demoRegions  = []string{"ap-northeast-1", "eu-west-1", "us-east-1"}
	demoServices = []string{"cloudtrail", "guardduty", "securityhub", "ssm"}
)

// demoLikeReport is shaped like the --demo scan (4 accounts × 3 regions × 4
// services, every status, three teams) and carries hostile text from AWS,
// a waiver expiring soon and a diff against a previous scan.
func demoLikeReport() *Report {
	now := time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
	r := &Report{
		Tool:        Tool{Name: "baseline", Version: "1.2.3"},
		GeneratedAt: now,
		Scope:       Scope{Regions: demoRegions},
	}
	controls := []struct {
		id, title, service string
		sev                Severity
	}{
		{"securityhub.enabled", "Security Hub is enabled", "securityhub", SeverityHigh},
		{"securityhub.critical_findings", "No overdue critical findings", "securityhub", SeverityCritical},
		{"guardduty.enabled", "GuardDuty is enabled", "guardduty", SeverityHigh},
		{"guardduty.protection_plans", "GuardDuty protection plans are enabled", "guardduty", SeverityMedium},
		{"cloudtrail.log_file_validation", "Log file validation is enabled", "cloudtrail", SeverityLow},
		{"ssm.patch_compliant", "Instances are patch compliant", "ssm", SeverityHigh},
	}
	states := []CoverageState{CoverageEnabled, CoverageEnabled, CoverageEnabled, CoverageDisabled, CoverageEnabled, CoverageError}
	statuses := []Status{StatusPass, StatusFail, StatusPass, StatusError, StatusFail, StatusPass, StatusPass}
	i := 0
	for a, acct := range demoAccounts {
		r.Scope.Accounts = append(r.Scope.Accounts, acct.id)
		for g, region := range demoRegions {
			for s, service := range demoServices {
				r.Coverage = append(r.Coverage, Coverage{AccountID: acct.id, Region: region, Service: service, State: states[(a*7+g*5+s*3)%len(states)]})
			}
			for _, c := range controls {
				i++
				res := Result{
					ControlID: c.id,
					Control:   &ControlText{Title: c.title, Service: c.service, Remediation: "Fix it.", References: []string{"https://docs.aws.amazon.com/" + c.service}}, Severity: c.sev,
					Status:    statuses[i%len(statuses)],
					AccountID: acct.id, AccountName: acct.name, Region: region, Team: acct.team,
					Resource: fmt.Sprintf("arn:aws:%s:%s:%s:thing/%d", c.service, region, acct.id, i),
					Message:  fmt.Sprintf("%s in %s: result %d", c.title, region, i),
				}
				r.Results = append(r.Results, res)
			}
		}
	}
	// Text an attacker controls: a tag value, an instance name.
	r.Results[1].Message = `tag Name=<script>alert(1)</script> | owner` + "`x`\n"
	r.Results[1].Resource = `arn:aws:ec2:eu-west-1:111111111111:instance/<script>alert(1)</script>`
	r.Results[1].Status = StatusFail
	r.Results[2].Status = StatusWaived
	r.Results[2].Waiver = &Waiver{Control: r.Results[2].ControlID, Reason: "migrating", Owner: "bob@example.com", Expires: "2025-03-20"}
	r.Results[8].Status = StatusWaived
	r.Results[8].Waiver = &Waiver{Control: r.Results[8].ControlID, Reason: "<b>long-term</b>", Owner: "carol@example.com", Expires: "2025-12-31"}
	r.Errors = []Error{{AccountID: "444444444444", Region: "us-east-1", Service: "guardduty", Operation: "ListDetectors", Code: "AccessDeniedException", Message: "denied <img src=x onerror=alert(2)>"}}
	r.Waivers = []WaiverStatus{
		{Control: r.Results[2].ControlID, Reason: "migrating", Owner: "bob@example.com", Expires: "2025-03-20", DaysLeft: 6, State: WaiverExpiring, Matched: 1},
		{Control: "ssm.agent_online", Accounts: []string{"444444444444"}, Reason: "old", Owner: "dan@example.com", Expires: "2025-03-01", DaysLeft: -13, State: WaiverExpired},
	}
	r.Finalize()

	prev := *r
	prev.GeneratedAt = now.Add(-7 * 24 * time.Hour)
	prev.Results = nil
	for _, res := range r.Results {
		switch {
		case res.Status == StatusFail && res.Severity == SeverityHigh:
			res.Status = StatusPass // now a regression
		case res.Status == StatusPass && res.Severity == SeverityMedium:
			res.Status = StatusFail // now fixed
		case res.Status == StatusFail && res.Severity == SeverityCritical:
			continue // now new
		}
		prev.Results = append(prev.Results, res)
	}
	prev.Coverage = append([]Coverage(nil), r.Coverage...)
	prev.Coverage[3].State = CoverageEnabled
	prev.Coverage[4].State = CoverageEnabled
	d, err := Compare(&prev, r)
	if err != nil {
		panic(err)
	}
	r.Diff = d
	return r
}
