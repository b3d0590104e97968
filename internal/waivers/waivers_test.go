package waivers

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/report"
)

func TestParse(t *testing.T) {
	src := `# accepted risks, reviewed weekly
- control: ssm.*
  accounts: ["222222222222", 333333333333]
  regions: [eu-west-1, global]
  resource: "arn:aws:ec2:*:instance/i-0f3b*"
  reason: legacy Windows host, decommissioned in Q3
  owner: payments-oncall@acme.example
  expires: 2026-09-30
- control: guardduty.enabled
  reason: sandbox, no workloads
  owner: data@acme.example
  expires: "2026-01-15"
`
	ws, err := Parse(t.Context(), "waivers.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := []Waiver{}
	for _, w := range ws {
		w.control, w.resource = nil, nil
		got = append(got, w)
	}
	want := []Waiver{
		{Control: "ssm.*", Accounts: []string{"222222222222", "333333333333"}, Regions: []string{"eu-west-1", "global"},
			Resource: "arn:aws:ec2:*:instance/i-0f3b*", Reason: "legacy Windows host, decommissioned in Q3",
			Owner: "payments-oncall@acme.example", Expires: date("2026-09-30"), Line: 2},
		{Control: "guardduty.enabled", Reason: "sandbox, no workloads", Owner: "data@acme.example", Expires: date("2026-01-15"), Line: 9},
	}
	if diff := mismatch(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# no waivers yet\n", "[]\n"} {
		ws, err := Parse(t.Context(), "w.yaml", []byte(src))
		if err != nil || len(ws) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no waivers", src, ws, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const ok = "  reason: r\n  owner: o\n  expires: 2026-01-01\n"
	tests := []struct {
		name, src, want string
	}{
		{"bad date", "- control: a.b\n  reason: r\n  owner: o\n  expires: \"2026-13-01\"\n",
			`waivers.yaml:4:12: expires: "2026-13-01" is not a date (YYYY-MM-DD)`},
		{"date with time", "- control: a.b\n  reason: r\n  owner: o\n  expires: 2026-01-01T00:00:00Z\n",
			`waivers.yaml:4:12: expires: "2026-01-01T00:00:00Z" is not a date (YYYY-MM-DD)`},
		{"missing reason", "- control: a.b\n  owner: o\n  expires: 2026-01-01\n",
			`waivers.yaml:1:3: waiver 1 has no reason (every waiver needs control, reason, owner and expires)`},
		{"missing control in second", "- control: a\n" + ok + "- reason: r\n  owner: o\n  expires: 2026-01-01\n",
			`waivers.yaml:5:3: waiver 2 has no control`},
		{"empty owner", "- control: a\n  reason: r\n  owner: \"\"\n  expires: 2026-01-01\n",
			`waivers.yaml:3:10: owner: must not be empty`},
		{"unknown field", "- control: a\n" + ok + "  team: x\n",
			`waivers.yaml:5:3: unknown field "team"`},
		{"misspelt field", "- contorl: a\n" + ok,
			`waivers.yaml:1:3: unknown field "contorl"`},
		{"bad control glob", "- control: \"ssm.[a\"\n" + ok,
			`waivers.yaml:1:12: control: "ssm.[a" is not a valid glob: unclosed [`},
		{"bad resource glob", "- control: a\n  resource: 'arn:\\'\n" + ok,
			`waivers.yaml:2:13: resource: "arn:\\" is not a valid glob: trailing backslash`},
		{"bad account", "- control: a\n  accounts: [\"111111111111\", \"1234\"]\n" + ok,
			`waivers.yaml:2:30: accounts[1]: "1234" is not a 12-digit AWS account id`},
		{"bad region", "- control: a\n  regions:\n    - us-east-1\n    - eu-wst-1\n" + ok,
			`waivers.yaml:4:7: regions[1]: "eu-wst-1" is not an AWS region or "global"`},
		{"mapping, not a list", "control: a\nreason: r\n",
			`waivers.yaml:1:8: a waivers file is a YAML list of waivers`},
		{"list of strings", "- ssm.*\n",
			`waivers.yaml:1:3:`},
		{"not YAML", "- control: [a\n",
			`waivers.yaml:1:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(t.Context(), "waivers.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error = %q\nwant one line starting %q", err, tt.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"ssm.*", []string{"ssm.patch_compliant", "ssm."}, []string{"ssmx.a", "guardduty.enabled", "xssm.a"}},
		{"*.enabled", []string{"guardduty.enabled", "securityhub.enabled"}, []string{"guardduty.enabled2"}},
		{"arn:aws:cloudtrail:*:trail/*", []string{"arn:aws:cloudtrail:us-east-1:111111111111:trail/org/x"}, []string{"arn:aws:s3:::b"}},
		{"i-0?b", []string{"i-0ab"}, []string{"i-0b", "i-0abb"}},
		{"i-[0-3]x", []string{"i-2x"}, []string{"i-4x"}},
		{"i-[!0-3]x", []string{"i-4x"}, []string{"i-2x"}},
		{`a\*`, []string{"a*"}, []string{"ab"}},
		{"(a)+", []string{"(a)+"}, []string{"aa"}},
	}
	for _, tt := range tests {
		re, err := compileGlob(tt.pattern)
		if err != nil {
			t.Errorf("compileGlob(%q): %v", tt.pattern, err)
			continue
		}
		for _, s := range tt.match {
			if !re.MatchString(s) {
				t.Errorf("%q does not match %q", tt.pattern, s)
			}
		}
		for _, s := range tt.noMatch {
			if re.MatchString(s) {
				t.Errorf("%q matches %q", tt.pattern, s)
			}
		}
	}
	for _, bad := range []string{"", "a[", `a\`, "[]", "[!]", "[z-a]"} {
		if _, err := compileGlob(bad); err == nil {
			t.Errorf("compileGlob(%q) succeeded", bad)
		}
	}
}

func TestApply(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 4, 5, 0, time.UTC)
	res := func(control, account, region, resource string, status report.Status) report.Result {
		return report.Result{ControlID: control, AccountID: account, Region: region, Resource: resource, Status: status, Severity: report.SeverityHigh}
	}
	results := []report.Result{
		0: res("ssm.patch_compliant", "222222222222", "eu-west-1", "arn:aws:ec2:eu-west-1:222222222222:instance/i-0f3b7d9e1a5c28460", report.StatusFail),
		1: res("ssm.patch_compliant", "222222222222", "us-east-1", "arn:aws:ec2:us-east-1:222222222222:instance/i-0f3b0000000000000", report.StatusFail), // region not waived
		2: res("ssm.agent_online", "222222222222", "eu-west-1", "arn:aws:ec2:eu-west-1:222222222222:instance/i-0f3b7d9e1a5c28460", report.StatusError),   // ERROR is never waived
		3: res("ssm.agent_online", "222222222222", "eu-west-1", "arn:aws:ec2:eu-west-1:222222222222:instance/i-0a", report.StatusPass),                   // PASS stays PASS
		4: res("guardduty.enabled", "444444444444", "us-east-1", "444444444444/us-east-1", report.StatusFail),
		5: res("guardduty.enabled", "333333333333", "us-east-1", "333333333333/us-east-1", report.StatusFail), // account not waived
		6: res("cloudtrail.kms_encryption", "444444444444", "global", "arn:aws:cloudtrail:us-east-1:444444444444:trail/t", report.StatusFail),
		7: res("securityhub.enabled", "444444444444", "us-east-1", "444444444444/us-east-1", report.StatusFail),
	}
	ws := []Waiver{
		{Control: "ssm.*", Accounts: []string{"222222222222"}, Regions: []string{"eu-west-1"}, Resource: "*instance/i-0f3b*", Reason: "legacy", Owner: "payments", Expires: date("2026-06-30")},
		{Control: "guardduty.enabled", Accounts: []string{"444444444444"}, Reason: "sandbox", Owner: "data", Expires: date("2026-03-24")},               // 14 days left: expiring
		{Control: "guardduty.*", Reason: "shadowed by the one above for 444…", Owner: "x", Expires: date("2026-12-31"), Regions: []string{"eu-west-1"}}, // matches nothing
		{Control: "cloudtrail.kms_encryption", Reason: "old", Owner: "y", Expires: date("2026-03-09")},                                                  // expired yesterday
		{Control: "securityhub.enabled", Reason: "last day", Owner: "z", Expires: date("2026-03-10")},                                                   // applies through today
	}
	states := Apply(results, ws, now)

	wantStatus := []report.Status{report.StatusWaived, report.StatusFail, report.StatusError, report.StatusPass, report.StatusWaived, report.StatusFail, report.StatusFail, report.StatusWaived}
	for i, r := range results {
		if r.Status != wantStatus[i] {
			t.Errorf("results[%d] %s %s: status %s, want %s", i, r.ControlID, r.AccountID, r.Status, wantStatus[i])
		}
		if (r.Status == report.StatusWaived) != (r.Waiver != nil) {
			t.Errorf("results[%d]: status %s with waiver %v", i, r.Status, r.Waiver)
		}
	}
	if diff := mismatch(&report.Waiver{Control: "ssm.*", Reason: "legacy", Owner: "payments", Expires: "2026-06-30"}, results[0].Waiver); diff != "" {
		t.Errorf("results[0].waiver (-want +got):\n%s", diff)
	}
	want := []report.WaiverStatus{
		{Control: "ssm.*", Accounts: []string{"222222222222"}, Regions: []string{"eu-west-1"}, Resource: "*instance/i-0f3b*", Reason: "legacy", Owner: "payments", Expires: "2026-06-30", DaysLeft: 112, State: report.WaiverActive, Matched: 1},
		{Control: "guardduty.enabled", Accounts: []string{"444444444444"}, Reason: "sandbox", Owner: "data", Expires: "2026-03-24", DaysLeft: 14, State: report.WaiverExpiring, Matched: 1},
		{Control: "guardduty.*", Regions: []string{"eu-west-1"}, Reason: "shadowed by the one above for 444…", Owner: "x", Expires: "2026-12-31", DaysLeft: 296, State: report.WaiverUnused},
		{Control: "cloudtrail.kms_encryption", Reason: "old", Owner: "y", Expires: "2026-03-09", DaysLeft: -1, State: report.WaiverExpired},
		{Control: "securityhub.enabled", Reason: "last day", Owner: "z", Expires: "2026-03-10", DaysLeft: 0, State: report.WaiverExpiring, Matched: 1},
	}
	if diff := mismatch(want, states); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
}

func TestApplyFirstWaiverWins(t *testing.T) {
	results := []report.Result{{ControlID: "ssm.agent_online", AccountID: "111111111111", Region: "us-east-1", Status: report.StatusFail}}
	ws := []Waiver{
		{Control: "ssm.agent_online", Reason: "first", Owner: "a", Expires: date("2030-01-01")},
		{Control: "ssm.*", Reason: "second", Owner: "b", Expires: date("2030-01-01")},
	}
	states := Apply(results, ws, date("2026-01-01"))
	if results[0].Waiver.Reason != "first" || states[0].Matched != 1 || states[1].State != report.WaiverUnused {
		t.Errorf("waiver = %+v, states = %+v", results[0].Waiver, states)
	}
}

func date(s string) time.Time {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

// mismatch is "" when want and got are deeply equal, else both, one per line.
func mismatch(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("-want %+v\n+got  %+v", want, got)
}

// TestDaysLeftFarFuture: a waiver until 9999-12-31 has 2,912,374 days left
// on 2026-03-10, not the 106,751 a time.Duration overflow gave.
func TestDaysLeftFarFuture(t *testing.T) {
	w := Waiver{Expires: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}
	if got := w.DaysLeft(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)); got != 2912374 {
		t.Errorf("DaysLeft = %d, want 2912374", got)
	}
}

// TestWaiverByID: a waiver naming a result id waives that result only, even
// where its control glob matches others; a malformed id is a one-line error
// at its position.
func TestWaiverByID(t *testing.T) {
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	results := []report.Result{
		{ControlID: "securityhub.critical_findings", AccountID: "111111111111", Region: "eu-west-1", Resource: "arn:aws:s3:::b", Status: report.StatusFail, Finding: &report.Finding{ID: "f-1"}},
		{ControlID: "securityhub.critical_findings", AccountID: "111111111111", Region: "eu-west-1", Resource: "arn:aws:s3:::b", Status: report.StatusFail, Finding: &report.Finding{ID: "f-2"}},
	}
	id := results[0].StableID()
	src := "- id: " + id + "\n  control: securityhub.*\n  reason: r\n  owner: o\n  expires: 2026-12-31\n"
	ws, err := Parse(t.Context(), "waivers.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	states := Apply(results, ws, now)
	if results[0].Status != report.StatusWaived || results[1].Status != report.StatusFail {
		t.Errorf("statuses %s, %s; want WAIVED for the named id only", results[0].Status, results[1].Status)
	}
	if results[0].Waiver == nil || results[0].Waiver.ID != id || states[0].ID != id || states[0].Matched != 1 {
		t.Errorf("waiver %+v, state %+v: want id %s and 1 match", results[0].Waiver, states[0], id)
	}

	_, err = Parse(t.Context(), "waivers.yaml", []byte("- id: ABC\n  control: a\n  reason: r\n  owner: o\n  expires: 2026-01-01\n"))
	want := `waivers.yaml:1:7: id: "ABC" is not a result id`
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("error = %v, want one line starting %q", err, want)
	}
}
