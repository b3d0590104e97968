package policies

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
)

// compileError compiles the built-in controls plus the directories, each a
// set of files, and returns the error with each directory replaced by DIR1,
// DIR2, ….
func compileError(t *testing.T, dirs ...map[string]string) string {
	t.Helper()
	var paths []string
	for _, files := range dirs {
		paths = append(paths, writePolicies(t, files))
	}
	_, err := NewEngine(paths...)
	if err == nil {
		t.Fatal("compiled without error")
	}
	msg := err.Error()
	for i, p := range paths {
		msg = strings.ReplaceAll(msg, filepath.ToSlash(p), "DIR"+string(rune('1'+i)))
	}
	return msg
}

const okResults = "\nresults contains {\"status\": \"PASS\", \"region\": r, \"resource\": \"\", \"message\": \"ok\"} if some r in input.regions\n"

func TestDuplicateControls(t *testing.T) {
	tests := []struct {
		name string
		dirs []map[string]string
		want string
	}{
		{
			name: "twice in one directory",
			dirs: []map[string]string{{
				"a.rego":     metadata("acme.dup", "region", "ec2:DescribeInstances") + okResults,
				"sub/b.rego": metadata("acme.dup", "region", "ec2:DescribeInstances") + okResults,
			}},
			want: "DIR1/sub/b.rego:1:1: duplicate control id acme.dup: already defined at DIR1/a.rego:1:1",
		},
		{
			name: "in two directories",
			dirs: []map[string]string{
				{"a.rego": metadata("acme.dup", "region", "ec2:DescribeInstances") + okResults},
				{"a.rego": metadata("acme.dup", "region", "ec2:DescribeInstances") + okResults},
			},
			want: "DIR2/a.rego:1:1: duplicate control id acme.dup: already defined at DIR1/a.rego:1:1",
		},
		{
			name: "a built-in id",
			dirs: []map[string]string{{"gd.rego": metadata("guardduty.enabled", "region", "guardduty:ListDetectors") + okResults}},
			want: "DIR1/gd.rego:1:1: duplicate control id guardduty.enabled: already defined at policies/guardduty/enabled.rego:1:1",
		},
		{
			name: "extending a built-in control without METADATA",
			dirs: []map[string]string{{"gd.rego": "package baseline.controls.guardduty.enabled\n" + okResults}},
			want: "DIR1/gd.rego:1:1: duplicate control id guardduty.enabled: already defined at policies/guardduty/enabled.rego:1:1",
		},
		{
			name: "the built-in library package",
			dirs: []map[string]string{{"lib.rego": "package baseline.lib\n\nalways_pass := true\n"}},
			want: "DIR1/lib.rego:1:1: package baseline.lib belongs to the built-in policies (policies/lib/cloudtrail.rego); give custom libraries a package of their own, e.g. package acme.lib",
		},
		{
			name: "rules in the config data",
			dirs: []map[string]string{{"cfg.rego": "package baseline.config.custom\n\nthreshold := 1\n"}},
			want: "DIR1/cfg.rego:1:1: package baseline.config.custom is the configuration data (data.baseline.config); it cannot hold rules",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compileError(t, tt.dirs...); got != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}

	// One control split over two files of a directory is fine.
	dir := writePolicies(t, map[string]string{
		"split.rego":         metadata("acme.split", "region", "ec2:DescribeInstances") + okResults,
		"split_helpers.rego": "package baseline.controls.acme.split\n\nhelper := 1\n",
	})
	if _, err := NewEngine(dir); err != nil {
		t.Errorf("a control split over two files: %v", err)
	}
}

func TestResultShapeIsTypeChecked(t *testing.T) {
	tests := []struct {
		name, rules, want string
	}{
		{
			name:  "a set of strings",
			rules: `results contains r if some r in input.regions`,
			want:  `DIR1/x.rego:14:1: control acme.x: results must be a set of objects {status, region, resource, message}; its elements can be string`,
		},
		{
			name:  "missing status",
			rules: `results contains {"region": r, "resource": "", "message": "ok"} if some r in input.regions`,
			want:  `DIR1/x.rego:14:1: control acme.x: results elements lack the field "status" (each result is {status, region, resource, message})`,
		},
		{
			name:  "a number for a string",
			rules: `results contains {"status": "PASS", "region": r, "resource": 0, "message": "ok"} if some r in input.regions`,
			want:  `DIR1/x.rego:14:1: control acme.x: results field "resource" must be a string, not number`,
		},
		{
			name:  "one object, not a set",
			rules: `results := {"status": "PASS", "region": "global", "resource": "", "message": "ok"}`,
			want:  "DIR1/x.rego:14:1: control acme.x: results must be a set of objects {status, region, resource, message}, not an object (write `results contains {...} if ...`)",
		},
		{
			name: "one branch of a function returns a string",
			rules: `results contains verdict(r) if some r in input.regions

verdict(r) := {"status": "PASS", "region": r, "resource": "", "message": "ok"} if {
	input.securityhub[r].enabled == true
} else := "not enabled"`,
			want: `DIR1/x.rego:14:1: control acme.x: results must be a set of objects {status, region, resource, message}; its elements can be string`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compileError(t, map[string]string{"x.rego": metadata("acme.x", "region", "securityhub:DescribeHub") + "\n" + tt.rules + "\n"})
			if got != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestInputIsTypeChecked(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{
			name: "a misspelled field below a region",
			body: `input.securityhub[r].enabeld == true`,
			want: `DIR1/x.rego:16:2: undefined ref: input.securityhub[r].enabeld (input.securityhub[r] has no key "enabeld"; it has: enabled, exposure_findings, findings, hub_arn, hub_v2_arn, standards, v2_enabled)`,
		},
		{
			name: "a misspelled field of a list element",
			body: `some f in input.securityhub[r].findings
	f.severty_label == "CRITICAL"`,
			want: `DIR1/x.rego:17:2: undefined ref: f.severty_label (f has no key "severty_label"; it has: compliance_status, control_id, first_observed_at, generator_id, id, product_name, record_state, resource_id, resource_tags, resource_type, severity_label, title, …)`,
		},
		{
			name: "a misspelled top-level field",
			body: `input.acount_id == "111122223333"`,
			want: `DIR1/x.rego:16:2: undefined ref: input.acount_id (input has no key "acount_id"; it has: account_id, account_name, cloudtrail, collected_at, errors, guardduty, regions, securityhub, ssm, team)`,
		},
		{
			name: "a field of a nullable object",
			body: `some trail in input.cloudtrail.trails
	trail.status.is_loging`,
			want: `DIR1/x.rego:17:2: undefined ref: trail.status.is_loging (trail.status has no key "is_loging"; it has: is_logging, latest_cloudwatch_logs_delivery_error, latest_cloudwatch_logs_delivery_time, latest_delivery_error, latest_delivery_time)`,
		},
		{
			name: "a region that does not exist",
			body: `input.guardduty["eu-wst-1"].detectors == []`,
			want: `DIR1/x.rego:16:2: undefined ref: input.guardduty["eu-wst-1"]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compileError(t, map[string]string{"x.rego": metadata("acme.x", "region", "securityhub:DescribeHub") + `
results contains {"status": "PASS", "region": r, "resource": "", "message": "ok"} if {
	some r in input.regions
	` + tt.body + `
}
`})
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("error:\n%s\nwant it to start with:\n%s", got, tt.want)
			}
		})
	}
}

// TestNullComparisons proves that facts may be compared with null, as the
// snapshot's "not observed" convention needs, and mean what they say.
func TestNullComparisons(t *testing.T) {
	dir := writePolicies(t, map[string]string{"nulls.rego": metadata("acme.nulls", "region", "securityhub:DescribeHub,cloudtrail:DescribeTrails") + `
results contains {"status": status, "region": r, "resource": "", "message": msg} if {
	some r in input.regions
	hub := input.securityhub[r]
	msg := sprintf("hub null %v, enabled null %v, findings null %v, findings not null %v, trails not null %v", [
		hub == null,
		hub.enabled == null,
		null == hub.findings,
		hub.findings != null,
		input.cloudtrail.trails != null,
	])
	status := "PASS"
}
`})
	e, err := NewEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	acct := healthyAccount("111122223333", "eu-west-1", "us-east-1")
	acct.SecurityHub["us-east-1"] = &checks.SecurityHubRegion{}
	ev := evaluate(t, e, snapshot(acct))
	assertVerdicts(t, verdicts(ev.Results, "acme."), []verdict{
		{"acme.nulls", "eu-west-1", "", "PASS", "hub null false, enabled null false, findings null false, findings not null true, trails not null true"},
		{"acme.nulls", "us-east-1", "", "PASS", "hub null false, enabled null true, findings null true, findings not null false, trails not null true"},
	})
}
