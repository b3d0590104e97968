package policies

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

var collectedAt = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// healthyAccount is an account where every built-in control passes in each
// region, with one own multi-region trail homed in the first region.
func healthyAccount(id string, regions ...string) checks.AccountFacts {
	acct := checks.AccountFacts{
		AccountID:   id,
		AccountName: "acct-" + id,
		Regions:     regions,
		SecurityHub: map[string]*checks.SecurityHubRegion{},
		GuardDuty:   map[string]*checks.GuardDutyRegion{},
		SSM:         map[string]*checks.SSMRegion{},
		Errors:      []checks.CollectionError{},
	}
	recent := collectedAt.Add(-time.Hour)
	for _, r := range regions {
		acct.SecurityHub[r] = &checks.SecurityHubRegion{
			Enabled: ptr(true),
			HubARN:  "arn:aws:securityhub:" + r + ":" + id + ":hub/default",
			Standards: []checks.EnabledStandard{
				{StandardsARN: "arn:aws:securityhub:" + r + "::standards/aws-foundational-security-best-practices/v/1.0.0", Status: "READY"},
				{StandardsARN: "arn:aws:securityhub:" + r + "::standards/cis-aws-foundations-benchmark/v/3.0.0", Status: "READY"},
			},
			Findings: []checks.SecurityHubFinding{},
			// The new Security Hub, with no exposure finding.
			V2Enabled:        ptr(true),
			HubV2ARN:         "arn:aws:securityhub:" + r + ":" + id + ":hubv2/0f1e2d3c-4b5a-4968-a7b6-c5d4e3f2a1b0",
			ExposureFindings: []checks.ExposureFinding{},
		}
		features := []checks.DetectorFeature{}
		for _, f := range DefaultConfig().GuardDuty.RequiredFeatures {
			feature := checks.DetectorFeature{Name: f, Status: "ENABLED"}
			if f == "RUNTIME_MONITORING" {
				for _, a := range DefaultConfig().GuardDuty.RequiredRuntimeAgentManagement {
					feature.AdditionalConfiguration = append(feature.AdditionalConfiguration, checks.FeatureConfiguration{Name: a, Status: "ENABLED"})
				}
			}
			features = append(features, feature)
		}
		org := &checks.GuardDutyOrganization{AutoEnableOrganizationMembers: "ALL", AutoEnable: true, Features: []checks.GuardDutyOrganizationFeature{}}
		for _, f := range features {
			of := checks.GuardDutyOrganizationFeature{Name: f.Name, AutoEnable: "ALL", AdditionalConfiguration: []checks.GuardDutyOrganizationSetting{}}
			for _, c := range f.AdditionalConfiguration {
				of.AdditionalConfiguration = append(of.AdditionalConfiguration, checks.GuardDutyOrganizationSetting{Name: c.Name, AutoEnable: "ALL"})
			}
			org.Features = append(org.Features, of)
		}
		acct.GuardDuty[r] = &checks.GuardDutyRegion{
			Detectors:     []checks.Detector{{ID: "det-" + r, Status: "ENABLED", Features: features}},
			FindingCounts: map[string]int{},
			HighFindings:  []checks.GuardDutyFinding{},
			// One resource covered a region, and the account is its own
			// GuardDuty administrator.
			Coverage:               []checks.GuardDutyCoverage{{AccountID: id, ResourceID: "eks-" + r, ResourceType: "EKS", Name: "eks-" + r, Status: "HEALTHY"}},
			MalwareProtectionPlans: []checks.MalwareProtectionPlan{},
			Organization:           org,
		}
		iid := "i-" + r
		acct.SSM[r] = &checks.SSMRegion{
			Instances:    []checks.EC2Instance{{InstanceID: iid, State: "running"}},
			ManagedNodes: []checks.ManagedNode{{InstanceID: iid, PingStatus: "Online", AgentVersion: "3.3.1", ResourceType: "EC2Instance", LastPingAt: &recent}},
			PatchStates:  []checks.PatchState{{InstanceID: iid, Operation: "Scan", OperationEndTime: &recent}},
		}
	}
	acct.CloudTrail = &checks.CloudTrailFacts{Trails: []checks.Trail{{
		ARN:                       "arn:aws:cloudtrail:" + regions[0] + ":" + id + ":trail/main",
		Name:                      "main",
		HomeRegion:                regions[0],
		IsMultiRegion:             true,
		LogFileValidationEnabled:  true,
		KMSKeyID:                  "arn:aws:kms:" + regions[0] + ":" + id + ":key/k",
		S3BucketName:              "logs",
		CloudWatchLogsLogGroupARN: "arn:aws:logs:" + regions[0] + ":" + id + ":log-group:trail",
		Status: &checks.TrailStatus{
			IsLogging:                        true,
			LatestDeliveryTime:               &recent,
			LatestCloudWatchLogsDeliveryTime: &recent,
		},
		ManagementEvents:               ptr("all"),
		ExcludedManagementEventSources: []string{},
	}}}
	return acct
}

func snapshot(accounts ...checks.AccountFacts) *checks.Snapshot {
	return &checks.Snapshot{SchemaVersion: checks.SnapshotSchemaVersion, CollectedAt: collectedAt, Accounts: accounts}
}

// verdict is the part of a result the error rule decides.
type verdict struct {
	Control, Region, Resource string
	Status                    report.Status
	Message                   string
}

func (v verdict) String() string {
	return fmt.Sprintf("%s %s %q %s %q", v.Control, v.Region, v.Resource, v.Status, v.Message)
}

// verdicts projects the results of the controls with one of the prefixes.
func verdicts(results []report.Result, prefixes ...string) []verdict {
	var out []verdict
	for _, r := range results {
		if slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(r.ControlID, p) }) {
			out = append(out, verdict{r.ControlID, r.Region, r.Resource, r.Status, r.Message})
		}
	}
	return out
}

func assertVerdicts(t *testing.T, got, want []verdict) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		var b strings.Builder
		b.WriteString("results differ\n got:\n")
		for _, v := range got {
			b.WriteString("  " + v.String() + "\n")
		}
		b.WriteString(" want:\n")
		for _, v := range want {
			b.WriteString("  " + v.String() + "\n")
		}
		t.Error(b.String())
	}
}

func evaluate(t *testing.T, e *Engine, snap *checks.Snapshot) Evaluation {
	t.Helper()
	if e == nil {
		var err error
		if e, err = Builtin(); err != nil {
			t.Fatal(err)
		}
	}
	ev, err := e.Evaluate(context.Background(), snap, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// healthyResults is the number of results of a healthyAccount with the
// given number of regions, from the catalogue: one per account-scoped
// control, and one per region for every other (the account has one trail,
// not applicable outside its home region, and one managed instance a
// region).
func healthyResults(t *testing.T, regions int) int {
	t.Helper()
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range e.Controls() {
		if c.Scope == ScopeAccount {
			n++
		} else {
			n += regions
		}
	}
	return n
}

func TestHealthyAccountPassesEverything(t *testing.T) {
	ev := evaluate(t, nil, snapshot(healthyAccount("111122223333", "eu-west-1", "us-east-1")))
	if want := healthyResults(t, 2); len(ev.Results) != want {
		t.Errorf("got %d results, want %d", len(ev.Results), want)
	}
	for _, r := range ev.Results {
		// The trail is judged once, in its home region: the trail-scoped
		// controls have nothing of their own to judge in the other region.
		if r.Region == "us-east-1" && r.Service() == "cloudtrail" && r.Status == report.StatusNotApplicable &&
			r.Message == "no trail judged in this account is homed in this region" {
			continue
		}
		if offByDefault(r) {
			continue
		}
		if r.Status != report.StatusPass {
			t.Errorf("%s %s %s: %s %s", r.ControlID, r.Region, r.Resource, r.Status, r.Message)
		}
	}
	first := ev.Results[0]
	want := report.Result{
		ControlID:   "cloudtrail.cloudwatch_logs",
		Control:     &report.ControlText{Title: "CloudTrail delivers to CloudWatch Logs", Service: "cloudtrail", Remediation: first.Remediation(), References: []string{"CloudTrail.5", "CIS AWS Foundations 3.4", "Prowler cloudtrail_cloudwatch_logging_enabled"}},
		Severity:    report.SeverityLow,
		Status:      report.StatusPass,
		AccountID:   "111122223333",
		AccountName: "acct-111122223333",
		Region:      "eu-west-1",
		Resource:    "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main",
		Message:     "delivers to arn:aws:logs:eu-west-1:111122223333:log-group:trail (last delivery 1 hours ago)",
	}
	if !reflect.DeepEqual(first, want) || !strings.HasPrefix(first.Remediation(), "Create a log group") {
		t.Errorf("first result:\n got %+v\nwant %+v", first, want)
	}
}

func TestErrorRule(t *testing.T) {
	const eu, us = "eu-west-1", "us-east-1"
	denied := func(region, service, op string) checks.CollectionError {
		return checks.CollectionError{AccountID: "111122223333", Region: region, Service: service, Operation: op,
			Code: "AccessDeniedException", Message: "User: arn:aws:sts::111122223333:assumed-role/audit is not authorized to perform: " + service + ":" + op}
	}
	msg := func(e checks.CollectionError, where string) string {
		return fmt.Sprintf("%s failed%s: %s: %s", e.Action(), where, e.Code, e.Message)
	}
	trail := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"

	t.Run("a failed optional call voids only the controls that need it", func(t *testing.T) {
		acct := healthyAccount("111122223333", eu, us)
		e := denied(eu, "securityhub", "GetEnabledStandards")
		acct.Errors = append(acct.Errors, e)
		acct.SecurityHub[eu].Standards = nil
		ev := evaluate(t, nil, snapshot(acct))
		assertVerdicts(t, verdicts(ev.Results, "securityhub."), []verdict{
			{"securityhub.critical_findings", eu, "", "PASS", "no CRITICAL finding open longer than the 7-day SLA (0 open within it)"},
			{"securityhub.critical_findings", us, "", "PASS", "no CRITICAL finding open longer than the 7-day SLA (0 open within it)"},
			{"securityhub.enabled", eu, "", "PASS", "Security Hub CSPM and Security Hub are enabled (arn:aws:securityhub:eu-west-1:111122223333:hub/default, arn:aws:securityhub:eu-west-1:111122223333:hubv2/0f1e2d3c-4b5a-4968-a7b6-c5d4e3f2a1b0)"},
			{"securityhub.enabled", us, "", "PASS", "Security Hub CSPM and Security Hub are enabled (arn:aws:securityhub:us-east-1:111122223333:hub/default, arn:aws:securityhub:us-east-1:111122223333:hubv2/0f1e2d3c-4b5a-4968-a7b6-c5d4e3f2a1b0)"},
			{"securityhub.exposure_findings", eu, "", "PASS", "no critical or high exposure finding open longer than the SLA (critical 7 days, high 30 days; 0 open within it)"},
			{"securityhub.exposure_findings", us, "", "PASS", "no critical or high exposure finding open longer than the SLA (critical 7 days, high 30 days; 0 open within it)"},
			{"securityhub.high_findings", eu, "", "PASS", "no HIGH finding open longer than the 30-day SLA (0 open within it)"},
			{"securityhub.high_findings", us, "", "PASS", "no HIGH finding open longer than the 30-day SLA (0 open within it)"},
			{"securityhub.standards", eu, "", "ERROR", msg(e, "")},
			{"securityhub.standards", us, "", "PASS", "required standards are READY: aws-foundational-security-best-practices, cis-aws-foundations-benchmark"},
		})
		if want := []report.Error{{AccountID: "111122223333", Region: eu, Service: "securityhub", Operation: "GetEnabledStandards", Code: e.Code, Message: e.Message}}; !reflect.DeepEqual(ev.Errors, want) {
			t.Errorf("errors: got %+v, want %+v", ev.Errors, want)
		}
	})

	t.Run("failed credentials void every control of the account", func(t *testing.T) {
		e := checks.CollectionError{AccountID: "111122223333", Region: checks.Global, Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: "not authorized to perform sts:AssumeRole"}
		acct := checks.AccountFacts{AccountID: "111122223333", AccountName: "denied", Regions: []string{eu, us}, Errors: []checks.CollectionError{e}}
		// A healthy second account is not affected.
		ev := evaluate(t, nil, snapshot(acct, healthyAccount("222233334444", eu)))
		e2, err := Builtin()
		if err != nil {
			t.Fatal(err)
		}
		var want []verdict
		for _, c := range e2.Controls() {
			if c.Scope == ScopeAccount {
				want = append(want, verdict{c.ID, "global", "", "ERROR", msg(e, "")})
				continue
			}
			for _, r := range []string{eu, us} {
				want = append(want, verdict{c.ID, r, "", "ERROR", msg(e, "")})
			}
		}
		var got []verdict
		for _, r := range ev.Results {
			if r.AccountID == "111122223333" {
				got = append(got, verdict{r.ControlID, r.Region, r.Resource, r.Status, r.Message})
			} else if r.Status != report.StatusPass && !offByDefault(r) {
				t.Errorf("healthy account: %s %s %s", r.ControlID, r.Status, r.Message)
			}
		}
		assertVerdicts(t, got, want)
		for _, c := range ev.Coverage {
			if c.AccountID == "111122223333" && c.State != report.CoverageError {
				t.Errorf("coverage %+v, want error", c)
			}
		}
	})

	t.Run("an account without regions has an ERROR for every control", func(t *testing.T) {
		// Under --regions all, a denied role or unlistable regions leave the
		// account with no region: no control may vanish from the report.
		stsErr := checks.CollectionError{AccountID: "111122223333", Region: checks.Global, Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: "not authorized to perform sts:AssumeRole"}
		listErr := checks.CollectionError{AccountID: "111122223333", Region: checks.Global, Service: "account", Operation: "ListRegions", Code: "AccessDeniedException",
			Message: "list enabled regions: account:ListRegions: denied; ec2:DescribeRegions: denied"}
		builtin, err := Builtin()
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name    string
			errors  []checks.CollectionError
			message string
		}{
			{"role denied", []checks.CollectionError{stsErr}, msg(stsErr, "")},
			{"regions not listed", []checks.CollectionError{listErr}, msg(listErr, "")},
			{"every region excluded", nil, "no region in scope for this account"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				acct := checks.AccountFacts{AccountID: "111122223333", AccountName: "no-regions", Regions: nil, Errors: tt.errors}
				ev := evaluate(t, builtin, snapshot(acct, healthyAccount("222233334444", eu)))
				var want []verdict
				for _, c := range builtin.Controls() {
					want = append(want, verdict{c.ID, checks.Global, "", "ERROR", tt.message})
				}
				var got []verdict
				for _, r := range ev.Results {
					if r.AccountID == "111122223333" {
						got = append(got, verdict{r.ControlID, r.Region, r.Resource, r.Status, r.Message})
					} else if r.Status != report.StatusPass && !offByDefault(r) {
						t.Errorf("healthy account: %s %s %s", r.ControlID, r.Status, r.Message)
					}
				}
				assertVerdicts(t, got, want)
			})
		}
	})

	t.Run("a region's error does not leak into another region", func(t *testing.T) {
		acct := healthyAccount("111122223333", eu, us)
		e := denied(us, "ssm", "DescribeInstanceInformation")
		acct.Errors = append(acct.Errors, e)
		acct.SSM[us].ManagedNodes, acct.SSM[us].PatchStates = nil, nil
		ev := evaluate(t, nil, snapshot(acct))
		assertVerdicts(t, verdicts(ev.Results, "ssm."), []verdict{
			{"ssm.agent_online", eu, "i-eu-west-1", "PASS", "SSM agent 3.3.1 is Online"},
			{"ssm.agent_online", us, "", "ERROR", msg(e, "")},
			{"ssm.instances_managed", eu, "i-eu-west-1", "PASS", "instance (running) is a managed node (ping status Online)"},
			{"ssm.instances_managed", us, "", "ERROR", msg(e, "")},
			{"ssm.patch_compliant", eu, "i-eu-west-1", "PASS", "patch compliant (patch group \"\")"},
			{"ssm.patch_compliant", us, "", "ERROR", msg(e, "")},
			{"ssm.patch_scan_recent", eu, "i-eu-west-1", "PASS", "last patch Scan finished 0 days ago"},
			{"ssm.patch_scan_recent", us, "", "ERROR", msg(e, "")},
		})
	})

	t.Run("an account-scoped control errors on a failure in any region", func(t *testing.T) {
		acct := healthyAccount("111122223333", eu, us)
		e := denied(us, "cloudtrail", "DescribeTrails")
		acct.Errors = append(acct.Errors, e)
		ev := evaluate(t, nil, snapshot(acct))
		assertVerdicts(t, verdicts(ev.Results, "cloudtrail.multi_region_logging", "cloudtrail.log_file_validation"), []verdict{
			{"cloudtrail.log_file_validation", eu, trail, "PASS", "log file validation is enabled"},
			{"cloudtrail.log_file_validation", us, "", "ERROR", msg(e, "")},
			{"cloudtrail.multi_region_logging", "global", "", "ERROR", msg(e, " in us-east-1")},
		})
	})

	t.Run("several failed calls are all named", func(t *testing.T) {
		acct := healthyAccount("111122223333", eu)
		e1, e2 := denied(eu, "guardduty", "ListFindings"), denied(checks.Global, "guardduty", "ListDetectors")
		acct.Errors = append(acct.Errors, e1, e2, e1)
		ev := evaluate(t, nil, snapshot(acct))
		assertVerdicts(t, verdicts(ev.Results, "guardduty.high_findings"), []verdict{
			{"guardduty.high_findings", eu, "", "ERROR", msg(e1, "") + "; " + msg(e2, "")},
		})
	})
}

// writePolicies writes files into a new policy directory.
func writePolicies(t *testing.T, files map[string]string) string {
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

// metadata is a custom control's METADATA and package line; requires is a
// comma list of actions.
func metadata(id, scope, requires string) string {
	quoted := make([]string, 0, 2)
	for _, a := range strings.Split(requires, ",") {
		quoted = append(quoted, strconv.Quote(a))
	}
	return fmt.Sprintf(`# METADATA
# title: Custom %[1]s
# description: A custom control.
# custom:
#   id: %[1]s
#   severity: medium
#   service: %[2]s
#   scope: %[3]s
#   remediation: Fix it.
#   references: ["internal wiki"]
#   requires: [%[4]s]
package baseline.controls.%[1]s
`, id, strings.Split(id, ".")[0], scope, strings.Join(quoted, ", "))
}

func TestCustomControlsCannotHideErrors(t *testing.T) {
	dir := writePolicies(t, map[string]string{
		// Always PASS, even where facts are missing.
		"always.rego": metadata("custom.always_pass", "region", "ssm:DescribeInstanceInformation") + `
results contains {"status": "PASS", "region": r, "resource": "", "message": "fine"} if some r in input.regions
`,
		// Emits nothing for us-east-1, something outside scope, and a bad status.
		"sloppy.rego": metadata("custom.sloppy", "region", "ec2:DescribeInstances") + `
results contains {"status": "PASS", "region": "eu-west-1", "resource": "", "message": "fine"}
results contains {"status": "PASS", "region": "ap-south-1", "resource": "", "message": "out of scope"}
results contains {"status": "OK", "region": "eu-west-1", "resource": "x", "message": "bad"}
`,
		// A run-time conflict in one control must not hide the others.
		"conflict.rego": metadata("custom.conflict", "account", "sts:GetCallerIdentity") + `
results contains {"status": "PASS", "region": "global", "resource": "", "message": value}
value := "a" if count(input.regions) > 0
value := "b" if count(input.regions) > 1
`,
	})
	e, err := NewEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	acct := healthyAccount("111122223333", "eu-west-1", "us-east-1")
	denied := checks.CollectionError{AccountID: "111122223333", Region: "us-east-1", Service: "ssm", Operation: "DescribeInstanceInformation", Code: "ThrottlingException", Message: "Rate exceeded"}
	acct.Errors = append(acct.Errors, denied)
	ev := evaluate(t, e, snapshot(acct))
	got := verdicts(ev.Results, "custom.")
	for i := range got {
		got[i].Message = strings.ReplaceAll(got[i].Message, filepath.ToSlash(dir), "DIR")
	}
	assertVerdicts(t, got, []verdict{
		{"custom.always_pass", "eu-west-1", "", "PASS", "fine"},
		{"custom.always_pass", "us-east-1", "", "ERROR", "ssm:DescribeInstanceInformation failed: ThrottlingException: Rate exceeded"},
		{"custom.conflict", "global", "", "ERROR", `policy evaluation failed: DIR/conflict.rego:16: eval_conflict_error: rule data.baseline.controls.custom.conflict.value produced conflicting values: "a" at DIR/conflict.rego:15 "b" at DIR/conflict.rego:16`},
		{"custom.sloppy", "eu-west-1", "", "PASS", "fine"},
		{"custom.sloppy", "eu-west-1", "x", "ERROR", `control returned an invalid result: status "OK" is not PASS, FAIL, ERROR, NOT_APPLICABLE or UPCOMING`},
		{"custom.sloppy", "us-east-1", "", "ERROR", "control produced no result for this region"},
	})
	// The built-in controls still evaluated normally.
	if got := len(verdicts(ev.Results, "securityhub.enabled")); got != 2 {
		t.Errorf("securityhub.enabled: %d results, want 2", got)
	}
}

func TestSandbox(t *testing.T) {
	for _, call := range []string{
		`http.send({"method": "GET", "url": "https://example.com"})`,
		`net.lookup_ip_addr("example.com")`,
		`opa.runtime()`,
		`time.now_ns()`,
		// Chain verification reads the wall clock, which the evaluation
		// time (collected_at) cannot pin.
		`crypto.x509.parse_and_verify_certificates("x")`,
		`crypto.x509.parse_and_verify_certificates_with_options("x", {})`,
	} {
		name := strings.SplitN(call, "(", 2)[0]
		t.Run(name, func(t *testing.T) {
			dir := writePolicies(t, map[string]string{"net.rego": metadata("custom.net", "account", "sts:GetCallerIdentity") + `
results contains {"status": "PASS", "region": "global", "resource": "", "message": sprintf("%v", [x])} if {
	x := ` + call + `
}
`})
			_, err := NewEngine(dir)
			if err == nil {
				t.Fatal("compiled a policy that calls " + name)
			}
			want := filepath.ToSlash(filepath.Join(dir, "net.rego")) + ":15:7: undefined function " + name
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
	// Pure network helpers stay available.
	dir := writePolicies(t, map[string]string{"cidr.rego": metadata("custom.cidr", "account", "sts:GetCallerIdentity") + `
results contains {"status": "PASS", "region": "global", "resource": "", "message": "ok"} if net.cidr_contains("10.0.0.0/8", "10.1.2.3")
`})
	if _, err := NewEngine(dir); err != nil {
		t.Errorf("net.cidr_contains: %v", err)
	}
}

func TestMetadataValidation(t *testing.T) {
	results := "\nresults contains {\"status\": \"PASS\", \"region\": \"global\", \"resource\": \"\", \"message\": \"ok\"}\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string // lines of the error, with DIR for the directory
	}{
		{
			name:  "no metadata",
			files: map[string]string{"a.rego": "package baseline.controls.custom.a\n" + results},
			want:  []string{"DIR/a.rego:1:1: control custom.a has no package METADATA annotation"},
		},
		{
			name: "missing and invalid fields",
			files: map[string]string{"b.rego": `# METADATA
# title: B
# custom:
#   id: custom.other
#   severity: urgent
#   service: custom
#   scope: bucket
#   references: "not a list"
#   requires: ["DescribeHub"]
package baseline.controls.custom.b
` + results},
			want: []string{
				"DIR/b.rego:1:1: control custom.b: missing description",
				"DIR/b.rego:1:1: control custom.b: missing custom.remediation",
				"DIR/b.rego:1:1: control custom.b: custom.references must be a non-empty list of strings",
				`DIR/b.rego:1:1: control custom.b: custom.id "custom.other" must be "custom.b", the package path below baseline.controls`,
				`DIR/b.rego:1:1: control custom.b: custom.severity "urgent" must be one of critical, high, medium, low`,
				`DIR/b.rego:1:1: control custom.b: custom.scope "bucket" must be one of account, region, trail, instance`,
				`DIR/b.rego:1:1: control custom.b: custom.requires entry "DescribeHub" must be an IAM action such as "securityhub:DescribeHub"`,
			},
		},
		{
			name:  "no results rule",
			files: map[string]string{"c.rego": metadata("custom.c", "account", "sts:GetCallerIdentity") + "\nallow := true\n"},
			want:  []string{"DIR/c.rego:12:1: control custom.c defines no results rule"},
		},
		{
			name: "duplicate id",
			files: map[string]string{
				"d1.rego": metadata("custom.d", "account", "sts:GetCallerIdentity") + results,
				"d2.rego": metadata("custom.d", "account", "sts:GetCallerIdentity") + results,
			},
			want: []string{"DIR/d2.rego:1:1: duplicate control id custom.d: already defined at DIR/d1.rego:1:1"},
		},
		{
			name:  "a built-in id",
			files: map[string]string{"e.rego": metadata("securityhub.enabled", "region", "securityhub:DescribeHub") + results},
			want:  []string{"DIR/e.rego:1:1: duplicate control id securityhub.enabled: already defined at policies/securityhub/enabled.rego:1:1"},
		},
		{
			// A typo would never match a collection error, so the central
			// error rule would never void the control.
			name:  "requires an action baseline does not call",
			files: map[string]string{"g.rego": metadata("securityhub.g", "region", "securityhub:GetFinding") + results},
			want: []string{`DIR/g.rego:1:1: control securityhub.g: custom.requires entry "securityhub:GetFinding" is not an action baseline calls; ` +
				"the closest is \"securityhub:GetFindings\" (`baseline iam-policy` lists them all)"},
		},
		{
			name:  "syntax error",
			files: map[string]string{"f.rego": "package baseline.controls.custom.f\n\nresults contains x if {\n"},
			want:  []string{"DIR/f.rego:4:0: unexpected eof token"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writePolicies(t, tt.files)
			_, err := NewEngine(dir)
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.ReplaceAll(err.Error(), filepath.ToSlash(dir), "DIR")
			if want := strings.Join(tt.want, "\n"); got != want {
				t.Errorf("error:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestCoverage(t *testing.T) {
	acct := healthyAccount("111122223333", "eu-west-1", "us-east-1", "us-west-2")
	// us-east-1: Security Hub off, no detector, an unmanaged instance; the
	// multi-region trail still covers it.
	acct.SecurityHub["us-east-1"] = &checks.SecurityHubRegion{Enabled: ptr(false)}
	acct.GuardDuty["us-east-1"].Detectors = []checks.Detector{}
	acct.SSM["us-east-1"].Instances = append(acct.SSM["us-east-1"].Instances, checks.EC2Instance{InstanceID: "i-rogue", State: "running"})
	// eu-west-1: a stopped instance is never a managed node (AWS does not
	// list it, SSM-10), so it does not turn SSM coverage off.
	acct.SSM["eu-west-1"].Instances = append(acct.SSM["eu-west-1"].Instances, checks.EC2Instance{InstanceID: "i-parked", State: "stopped"})
	// us-west-2: nothing observed.
	delete(acct.SecurityHub, "us-west-2")
	acct.GuardDuty["us-west-2"].Detectors = nil
	acct.SSM["us-west-2"] = &checks.SSMRegion{}
	// A stopped single-region trail does not cover eu-west-1 by itself.
	acct.CloudTrail.Trails[0].IsMultiRegion = false
	acct.CloudTrail.Trails = append(acct.CloudTrail.Trails, checks.Trail{ARN: "arn:aws:cloudtrail:us-west-2:111122223333:trail/w", HomeRegion: "us-west-2", Status: nil})

	ev := evaluate(t, nil, snapshot(acct))
	type cell struct{ region, service, state string }
	var got []cell
	for _, c := range ev.Coverage {
		got = append(got, cell{c.Region, c.Service, string(c.State)})
	}
	want := []cell{
		{"eu-west-1", "cloudtrail", "enabled"},
		{"eu-west-1", "guardduty", "enabled"},
		{"eu-west-1", "securityhub", "enabled"},
		{"eu-west-1", "ssm", "enabled"},
		{"us-east-1", "cloudtrail", "disabled"},
		{"us-east-1", "guardduty", "disabled"},
		{"us-east-1", "securityhub", "disabled"},
		{"us-east-1", "ssm", "disabled"},
		{"us-west-2", "cloudtrail", "error"},
		{"us-west-2", "guardduty", "error"},
		{"us-west-2", "securityhub", "error"},
		{"us-west-2", "ssm", "error"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("coverage:\n got %v\nwant %v", got, want)
	}
}

func TestEvaluateIsDeterministic(t *testing.T) {
	var accounts []checks.AccountFacts
	for i := range 40 {
		acct := healthyAccount(fmt.Sprintf("%012d", 100000000000+i), "us-east-1", "eu-west-1", "ap-south-1")
		if i%3 == 0 {
			acct.Errors = append(acct.Errors, checks.CollectionError{Region: "eu-west-1", Service: "guardduty", Operation: "GetDetector", Code: "InternalServerErrorException", Message: "boom"})
		}
		if i%4 == 0 {
			acct.SSM["ap-south-1"].Instances = append(acct.SSM["ap-south-1"].Instances, checks.EC2Instance{InstanceID: fmt.Sprintf("i-%d", i), State: "running"})
		}
		accounts = append(accounts, acct)
	}
	snap := snapshot(accounts...)
	first := evaluate(t, nil, snap)
	second := evaluate(t, nil, snap)
	if !reflect.DeepEqual(first, second) {
		t.Fatal("two evaluations of one snapshot differ")
	}
	if !slices.IsSortedFunc(first.Results, func(a, b report.Result) int {
		return strings.Compare(a.AccountID+" "+a.ControlID+" "+a.Region+" "+a.Resource, b.AccountID+" "+b.ControlID+" "+b.Region+" "+b.Resource)
	}) {
		t.Error("results are not sorted by account, control, region, resource")
	}
	// Each extra instance is one more ssm.instances_managed result.
	if got, want := len(first.Results), 40*healthyResults(t, 3)+10; got != want {
		t.Errorf("got %d results, want %d", got, want)
	}
}

func TestEvaluateWithConfig(t *testing.T) {
	acct := healthyAccount("111122223333", "eu-west-1")
	acct.SecurityHub["eu-west-1"].Findings = []checks.SecurityHubFinding{{
		ID: "f-3d", SeverityLabel: "CRITICAL", RecordState: "ACTIVE", WorkflowStatus: "NEW", ComplianceStatus: "FAILED",
		FirstObservedAt: collectedAt.Add(-72 * time.Hour),
	}}
	cfg := DefaultConfig()
	cfg.SecurityHub.CriticalSLADays = 2
	e, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := e.Evaluate(context.Background(), snapshot(acct), cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertVerdicts(t, verdicts(ev.Results, "securityhub.critical_findings"), []verdict{
		{"securityhub.critical_findings", "eu-west-1", "f-3d", "FAIL", "CRITICAL finding open 3 days (SLA 2 days): "},
	})

	cfg.SSM.PatchScanMaxAgeDays = 0
	if _, err := e.Evaluate(context.Background(), snapshot(acct), cfg); err == nil || err.Error() != "evaluate: config ssm.patch_scan_max_age_days: must be a positive number, got 0" {
		t.Errorf("invalid config: got %v", err)
	}
}

// offByDefault: a control the default config leaves NOT_APPLICABLE (no
// bucket is required to have Malware Protection).
func offByDefault(r report.Result) bool {
	return r.ControlID == "guardduty.s3_malware_protection" && r.Status == report.StatusNotApplicable
}
