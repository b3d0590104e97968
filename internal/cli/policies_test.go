package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

const examplePolicies = "../../examples/policies"

// TestCustomPolicyDir runs the shipped example control end to end: its
// tests, the catalogue, and a demo scan with and without a config file.
func TestCustomPolicyDir(t *testing.T) {
	stdout, _, code := run(t, "policies", "test", "-v", examplePolicies)
	if code != ExitOK || !regexp.MustCompile(`(?m)^\d+ passed, 0 failed, 0 errors, 0 skipped$`).MatchString(stdout) ||
		!strings.Contains(stdout, "PASS  baseline.controls.acme.prod_findings_sla_test.test_overdue_findings_in_prod_fail_one_by_one") {
		t.Errorf("policies test %s: exit %d, output:\n%s", examplePolicies, code, stdout)
	}

	stdout, _, code = run(t, "policies", "list", "--format", "json", "--policy-dir", examplePolicies)
	var controls []policies.Control
	if err := json.Unmarshal([]byte(stdout), &controls); code != ExitOK || err != nil {
		t.Fatalf("policies list: exit %d, err %v", code, err)
	}
	var found bool
	for _, c := range controls {
		if c.ID == "acme.prod_findings_sla" {
			found = true
			if c.Source != examplePolicies+"/acme/prod_findings_sla.rego" || c.Severity != report.SeverityHigh || c.Scope != policies.ScopeRegion || c.Service != "acme" {
				t.Errorf("listed as %+v", c)
			}
		}
	}
	if !found || len(controls) != builtinControls(t)+1 {
		t.Errorf("policies list --policy-dir: %d controls, acme.prod_findings_sla listed: %v", len(controls), found)
	}
	table, _, _ := run(t, "policies", "list", "--policy-dir", examplePolicies)
	if !strings.Contains(table, "examples/policies/acme/prod_findings_sla.rego") {
		t.Errorf("the table does not name the control's source:\n%s", table)
	}

	acme := func(args ...string) map[string]string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "r.json")
		_, stderr, code := run(t, append([]string{"scan", "--demo", "-q", "--policy-dir", examplePolicies, "--format", "json", "-o", path}, args...)...)
		if code != ExitFailing {
			t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
		}
		got := map[string]string{} // account/region/resource → status: message
		for _, r := range readReport(t, path).Results {
			if r.ControlID == "acme.prod_findings_sla" {
				got[r.AccountName+" "+r.Region+" "+r.Resource] = string(r.Status) + ": " + r.Message
			}
		}
		return got
	}
	got := acme()
	for key, want := range map[string]string{
		"sandbox us-east-1 ":   "PASS: sandbox is not a production account",
		"prod ap-northeast-1 ": "PASS: no CRITICAL or HIGH finding open longer than the 72-hour production SLA",
		"prod us-east-1 arn:aws:s3:::acme-prod-marketing-assets": "FAIL: CRITICAL finding open for",
	} {
		if !strings.HasPrefix(got[key], want) {
			t.Errorf("%s: %q, want %q…", key, got[key], want)
		}
	}
	if len(got) < 12 {
		t.Errorf("%d results, want one per account and region at least: %v", len(got), got)
	}
	// The config file's custom section reaches the policy.
	got = acme("--config", examplePolicies+"/acme-config.yaml")
	if msg := got["prod ap-northeast-1 "]; msg != "PASS: no CRITICAL or HIGH finding open longer than the 24-hour production SLA" {
		t.Errorf("with acme-config.yaml: %q", msg)
	}
}

// writePolicyDir writes files into a new directory and returns it.
func writePolicyDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// control is a custom control module with valid METADATA and the rules.
func control(id, rules string) string {
	return `# METADATA
# title: Custom ` + id + `
# description: A custom control.
# custom:
#   id: ` + id + `
#   severity: medium
#   service: ` + strings.Split(id, ".")[0] + `
#   scope: region
#   remediation: Fix it.
#   references: ["internal wiki"]
#   requires: ["securityhub:DescribeHub"]
package baseline.controls.` + id + `

` + rules + "\n"
}

const passEveryRegion = `results contains {"status": "PASS", "region": r, "resource": "", "message": "ok"} if some r in input.regions`

// TestPolicyDirErrors: every invalid custom policy is one error line naming
// the file, line and column, exit 2, for every command that loads policies,
// and no report is written.
func TestPolicyDirErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // regexp, DIR for the directory
	}{
		{
			name:  "missing METADATA",
			files: map[string]string{"a.rego": "package baseline.controls.acme.a\n\n" + passEveryRegion + "\n"},
			want:  `DIR/a.rego:1:1: control acme.a has no package METADATA annotation`,
		},
		{
			name:  "bad severity",
			files: map[string]string{"a.rego": strings.Replace(control("acme.a", passEveryRegion), "severity: medium", "severity: severe", 1)},
			want:  `DIR/a.rego:1:1: control acme.a: custom.severity "severe" must be one of critical, high, medium, low`,
		},
		{
			name:  "bad scope",
			files: map[string]string{"a.rego": strings.Replace(control("acme.a", passEveryRegion), "scope: region", "scope: bucket", 1)},
			want:  `DIR/a.rego:1:1: control acme.a: custom.scope "bucket" must be one of account, region, trail, instance`,
		},
		{
			name:  "missing field",
			files: map[string]string{"a.rego": strings.Replace(control("acme.a", passEveryRegion), "#   remediation: Fix it.\n", "", 1)},
			want:  `DIR/a.rego:1:1: control acme.a: missing custom.remediation`,
		},
		{
			name: "duplicate id within the directory",
			files: map[string]string{
				"a.rego":       control("acme.a", passEveryRegion),
				"again/a.rego": control("acme.a", passEveryRegion),
			},
			want: `DIR/again/a.rego:1:1: duplicate control id acme.a: already defined at DIR/a.rego:1:1`,
		},
		{
			name:  "duplicate of a built-in id",
			files: map[string]string{"hub.rego": control("securityhub.enabled", passEveryRegion)},
			want:  `DIR/hub.rego:1:1: duplicate control id securityhub.enabled: already defined at policies/securityhub/enabled.rego:1:1`,
		},
		{
			name:  "results of strings",
			files: map[string]string{"a.rego": control("acme.a", `results contains r if some r in input.regions`)},
			want:  `DIR/a.rego:14:1: control acme.a: results must be a set of objects \{status, region, resource, message\}; its elements can be string`,
		},
		{
			name:  "results without status",
			files: map[string]string{"a.rego": control("acme.a", `results contains {"region": r, "resource": "", "message": "ok"} if some r in input.regions`)},
			want:  `DIR/a.rego:14:1: control acme.a: results elements lack the field "status"`,
		},
		{
			name:  "syntax error",
			files: map[string]string{"a.rego": control("acme.a", "results contains x if {\n")},
			want:  `DIR/a.rego:16:0: unexpected eof token`,
		},
		{
			name:  "misspelled input field",
			files: map[string]string{"a.rego": control("acme.a", "results contains {\"status\": \"PASS\", \"region\": r, \"resource\": \"\", \"message\": \"ok\"} if {\n\tsome r in input.regions\n\tinput.securityhub[r].enabeld\n}")},
			want:  `DIR/a.rego:16:2: undefined ref: input.securityhub\[r\].enabeld \(input.securityhub\[r\] has no key "enabeld"; it has: enabled, exposure_findings, findings, hub_arn, hub_v2_arn, standards, v2_enabled\)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writePolicyDir(t, tt.files)
			want := regexp.MustCompile(strings.ReplaceAll(tt.want, "DIR", regexp.QuoteMeta(filepath.ToSlash(dir))))
			out := filepath.Join(t.TempDir(), "report.json")
			for _, args := range [][]string{
				{"scan", "--demo", "-q", "--policy-dir", dir, "-o", out},
				{"policies", "list", "--policy-dir", examplePolicies, "--policy-dir", dir},
				{"policies", "test", dir},
			} {
				stdout, stderr, code := run(t, args...)
				if code != ExitUsage {
					t.Errorf("%v: exit code = %d, want %d", args, code, ExitUsage)
				}
				if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "baseline: load policies: ") {
					t.Errorf("%v: stderr is not one error line: %q", args, stderr)
				}
				if !want.MatchString(stderr) {
					t.Errorf("%v: stderr = %q, want a match for %q", args, stderr, want)
				}
				if stdout != "" {
					t.Errorf("%v: stdout = %q, want nothing", args, stdout)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a report was written: %v", err)
			}
		})
	}
}

// TestPolicyDirSandbox: a custom policy loaded with --policy-dir (or its
// tests, with policies test) cannot reach the network, the environment or
// the clock. OPA has no file-reading built-in, and a policy directory
// contributes only its .rego files, never data files.
func TestPolicyDirSandbox(t *testing.T) {
	t.Setenv("BASELINE_TEST_SECRET", "s3cr3t")
	for _, call := range []string{
		`http.send({"method": "GET", "url": "http://127.0.0.1:1/"})`,
		`net.lookup_ip_addr("example.com")`,
		`opa.runtime().env.BASELINE_TEST_SECRET`,
		`time.now_ns()`,
	} {
		name := strings.SplitN(call, "(", 2)[0]
		t.Run(name, func(t *testing.T) {
			rules := `results contains {"status": "PASS", "region": r, "resource": "", "message": sprintf("%v", [x])} if {
	some r in input.regions
	x := ` + call + `
}`
			policy := writePolicyDir(t, map[string]string{"a.rego": control("acme.a", rules)})
			test := writePolicyDir(t, map[string]string{
				"a.rego":      control("acme.a", passEveryRegion),
				"a_test.rego": "package acme.a_test\n\ntest_leak if {\n\t" + call + "\n}\n",
			})
			for _, args := range [][]string{
				{"scan", "--demo", "-q", "--policy-dir", policy},
				{"policies", "list", "--policy-dir", policy},
				{"policies", "test", policy},
				{"policies", "test", test}, // a scan does not run tests
			} {
				stdout, stderr, code := run(t, args...)
				if code != ExitUsage || !strings.Contains(stderr, "undefined function "+name) {
					t.Errorf("%v: exit %d, stderr %q, want exit 2 and undefined function %s", args, code, stderr, name)
				}
				if strings.Contains(stdout+stderr, "s3cr3t") {
					t.Errorf("%v: the environment leaked", args)
				}
			}
		})
	}

	// A data file in the policy directory is not policy data.
	dir := writePolicyDir(t, map[string]string{
		"data.json": `{"baseline": {"config": {"custom": {"leak": true}}}, "acme": {"leak": true}}`,
		"a.rego": control("acme.a", `results contains {"status": "PASS", "region": r, "resource": "", "message": "no data file loaded"} if {
	some r in input.regions
	not data.acme.leak
	not data.baseline.config.custom.leak
}`),
	})
	path := filepath.Join(t.TempDir(), "r.json")
	if _, stderr, code := run(t, "scan", "--demo", "-q", "--policy-dir", dir, "--format", "json", "-o", path); code != ExitFailing {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, r := range readReport(t, path).Results {
		if r.ControlID == "acme.a" && r.Status == report.StatusFail {
			t.Errorf("%s %s: %s", r.AccountID, r.Region, r.Message)
		}
	}
}
