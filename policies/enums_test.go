package policies

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim/awsmodel"
	"github.com/baseline-scanner/baseline/report"
)

// These tests map every value of each enum the controls branch on, as AWS's
// API model lists it, to the verdict AWS's documentation implies, and
// evaluate the control for each value. The table's keys must equal the
// model's value set: a value AWS adds (seen when the models under
// internal/awssim/testdata/models are refreshed) fails here until the
// controls decide what it means. Each also evaluates a value the model does
// not have, which must never PASS.

const enumRegion = "eu-west-1"

// notPass accepts any status but PASS: where AWS documents no meaning the
// strict verdicts (FAIL, ERROR) are both acceptable.
const notPass report.Status = "not PASS"

// modelEnum fails the test unless the table interprets exactly the values
// of the model's enum shape.
func modelEnum[V any](t *testing.T, service, shape string, table map[string]V) {
	t.Helper()
	m, err := awsmodel.Load(service)
	if err != nil {
		t.Fatal(err)
	}
	enum := m.Enum(shape)
	if enum == nil {
		t.Fatalf("%s has no enum shape %s", service, shape)
	}
	if got := slices.Sorted(maps.Keys(table)); !slices.Equal(got, enum) {
		t.Fatalf("%s %s: the model has %v, this table interprets %v", service, shape, enum, got)
	}
}

// statusOf evaluates one account with cfg and returns control's status in enumRegion.
func statusOf(t *testing.T, acct checks.AccountFacts, cfg Config, control string) (report.Status, string) {
	t.Helper()
	e, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := e.Evaluate(context.Background(), snapshot(acct), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []report.Status
	var msgs []string
	for _, r := range ev.Results {
		if r.ControlID == control && r.Region == enumRegion {
			statuses = append(statuses, r.Status)
			msgs = append(msgs, r.Message)
		}
	}
	if len(statuses) != 1 {
		t.Fatalf("%s in %s: %d results (%v), want 1", control, enumRegion, len(statuses), msgs)
	}
	return statuses[0], msgs[0]
}

func wantStatus(t *testing.T, what string, got report.Status, msg string, want report.Status) {
	t.Helper()
	if want == notPass && got == report.StatusPass || want != notPass && got != want {
		t.Errorf("%s: %s (%s), want %s", what, got, msg, want)
	}
}

// TestPingStatusesOfTheModel: ssm.agent_online passes only an Online agent.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstanceInformation.html:
// PingStatus is the "Connection status of SSM Agent"; ConnectionLost is an
// agent that stopped pinging; "The status Inactive has been deprecated and
// is no longer in use", so a node reported Inactive is not a healthy agent.
func TestPingStatusesOfTheModel(t *testing.T) {
	table := map[string]report.Status{
		"Online":         report.StatusPass,
		"ConnectionLost": report.StatusFail,
		"Inactive":       notPass,
	}
	modelEnum(t, "ssm", "PingStatus", table)
	for status, want := range withUnknown(table, notPass) {
		acct := healthyAccount("111122223333", enumRegion)
		acct.SSM[enumRegion].ManagedNodes[0].PingStatus = status
		got, msg := statusOf(t, acct, DefaultConfig(), "ssm.agent_online")
		wantStatus(t, "PingStatus "+status, got, msg, want)
	}
}

// TestStandardsStatusesOfTheModel: securityhub.standards passes a required
// standard only when its subscription is READY.
// https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_StandardsSubscription.html:
// PENDING is being enabled, READY is enabled, INCOMPLETE could not be fully
// enabled, DELETING is being disabled, FAILED could not be enabled.
func TestStandardsStatusesOfTheModel(t *testing.T) {
	table := map[string]report.Status{
		"READY":      report.StatusPass,
		"PENDING":    report.StatusFail,
		"INCOMPLETE": report.StatusFail,
		"DELETING":   report.StatusFail,
		"FAILED":     report.StatusFail,
	}
	modelEnum(t, "securityhub", "StandardsStatus", table)
	for status, want := range withUnknown(table, notPass) {
		acct := healthyAccount("111122223333", enumRegion)
		for i := range acct.SecurityHub[enumRegion].Standards {
			acct.SecurityHub[enumRegion].Standards[i].Status = status
		}
		got, msg := statusOf(t, acct, DefaultConfig(), "securityhub.standards")
		wantStatus(t, "StandardsStatus "+status, got, msg, want)
	}
}

// TestDetectorStatusesOfTheModel: guardduty.enabled passes an ENABLED
// detector only (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetDetector.html:
// Status, "The detector status", ENABLED | DISABLED), and protection_plans
// does not credit a DISABLED detector's plans.
func TestDetectorStatusesOfTheModel(t *testing.T) {
	table := map[string]report.Status{"ENABLED": report.StatusPass, "DISABLED": report.StatusFail}
	modelEnum(t, "guardduty", "DetectorStatus", table)
	for status, want := range withUnknown(table, notPass) {
		for _, control := range []string{"guardduty.enabled", "guardduty.protection_plans"} {
			acct := healthyAccount("111122223333", enumRegion)
			acct.GuardDuty[enumRegion].Detectors[0].Status = status
			got, msg := statusOf(t, acct, DefaultConfig(), control)
			wantStatus(t, control+" with detector status "+status, got, msg, want)
		}
	}
}

// TestFeatureStatusesOfTheModel: a required protection plan counts only
// when ENABLED (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfigurationResult.html).
func TestFeatureStatusesOfTheModel(t *testing.T) {
	table := map[string]report.Status{"ENABLED": report.StatusPass, "DISABLED": report.StatusFail}
	modelEnum(t, "guardduty", "FeatureStatus", table)
	for status, want := range withUnknown(table, notPass) {
		acct := healthyAccount("111122223333", enumRegion)
		features := acct.GuardDuty[enumRegion].Detectors[0].Features
		features[len(features)-1].Status = status
		got, msg := statusOf(t, acct, DefaultConfig(), "guardduty.protection_plans")
		wantStatus(t, "feature status "+status, got, msg, want)
	}
}

// featureMeaning is what the code makes of a GuardDuty feature name.
type featureMeaning struct {
	requiredByDefault bool
	why               string
}

// TestFeatureNamesOfTheModel maps every feature GetDetector reports
// (DetectorFeatureResult) to whether guardduty.protection_plans requires it
// by default, and holds the control to each one when it is required.
func TestFeatureNamesOfTheModel(t *testing.T) {
	const foundational = "a foundational data source, on with every detector and not a protection plan " +
		"(https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_data-sources.html)"
	table := map[string]featureMeaning{
		"CLOUD_TRAIL":            {false, foundational},
		"DNS_LOGS":               {false, foundational},
		"FLOW_LOGS":              {false, foundational},
		"S3_DATA_EVENTS":         {true, "S3 Protection"},
		"EKS_AUDIT_LOGS":         {true, "EKS Protection"},
		"EBS_MALWARE_PROTECTION": {true, "Malware Protection for EC2"},
		"RDS_LOGIN_EVENTS":       {true, "RDS Protection"},
		"LAMBDA_NETWORK_LOGS":    {true, "Lambda Protection"},
		"RUNTIME_MONITORING":     {true, "Runtime Monitoring (EKS, ECS Fargate and EC2)"},
		"EKS_RUNTIME_MONITORING": {false, "superseded by RUNTIME_MONITORING, which includes EKS " +
			"(https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html)"},
	}
	modelEnum(t, "guardduty", "DetectorFeatureResult", table)
	var want []string
	for name, m := range table {
		if m.requiredByDefault {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	if got := slices.Sorted(slices.Values(DefaultConfig().GuardDuty.RequiredFeatures)); !slices.Equal(got, want) {
		t.Errorf("default required_features %v, want %v", got, want)
	}
	for name := range table {
		for status, want := range map[string]report.Status{"ENABLED": report.StatusPass, "DISABLED": report.StatusFail} {
			acct := healthyAccount("111122223333", enumRegion)
			acct.GuardDuty[enumRegion].Detectors[0].Features = []checks.DetectorFeature{{Name: name, Status: status}}
			cfg := DefaultConfig()
			cfg.GuardDuty.RequiredFeatures = []string{name}
			// The feature's own status only: agent management (GD-11) is
			// another test's.
			cfg.GuardDuty.RequiredRuntimeAgentManagement = []string{}
			got, msg := statusOf(t, acct, cfg, "guardduty.protection_plans")
			wantStatus(t, "required "+name+" "+status, got, msg, want)
			if got == report.StatusFail && !strings.Contains(msg, name) {
				t.Errorf("required %s %s: the message %q does not name it", name, status, msg)
			}
		}
	}
}

// TestFindingEnumsOfTheModel maps every value of the finding fields the
// Security Hub findings controls read to whether a finding with it is open
// (counts against the SLA), with the other fields at their open values:
// https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html,
// API_Workflow.html, API_Compliance.html. A finding whose workflow is
// RESOLVED while its control still FAILS is open (AWS re-opens a RESOLVED
// finding only on a new PASSED→FAILED change); SUPPRESSED is the documented
// way to accept a risk; WARNING and NOT_AVAILABLE are not PASSED.
func TestFindingEnumsOfTheModel(t *testing.T) {
	old := collectedAt.Add(-400 * 24 * time.Hour)
	open := func(t *testing.T, f checks.SecurityHubFinding) report.Status {
		t.Helper()
		acct := healthyAccount("111122223333", enumRegion)
		acct.SecurityHub[enumRegion].Findings = []checks.SecurityHubFinding{f}
		got, _ := statusOf(t, acct, DefaultConfig(), "securityhub.critical_findings")
		return got
	}
	base := checks.SecurityHubFinding{ID: "f-1", Title: "t", SeverityLabel: "CRITICAL", RecordState: "ACTIVE",
		WorkflowStatus: "NEW", ComplianceStatus: "FAILED", FirstObservedAt: old, UpdatedAt: old}

	t.Run("WorkflowStatus", func(t *testing.T) {
		table := map[string]report.Status{"NEW": report.StatusFail, "NOTIFIED": report.StatusFail, "RESOLVED": report.StatusFail, "SUPPRESSED": report.StatusPass}
		modelEnum(t, "securityhub", "WorkflowStatus", table)
		for v, want := range table {
			f := base
			f.WorkflowStatus = v
			wantStatus(t, "WorkflowStatus "+v, open(t, f), "", want)
		}
	})
	t.Run("RecordState", func(t *testing.T) {
		table := map[string]report.Status{"ACTIVE": report.StatusFail, "ARCHIVED": report.StatusPass}
		modelEnum(t, "securityhub", "RecordState", table)
		for v, want := range table {
			f := base
			f.RecordState = v
			wantStatus(t, "RecordState "+v, open(t, f), "", want)
		}
	})
	t.Run("ComplianceStatus", func(t *testing.T) {
		table := map[string]report.Status{"PASSED": report.StatusPass, "FAILED": report.StatusFail, "WARNING": report.StatusFail, "NOT_AVAILABLE": report.StatusFail}
		modelEnum(t, "securityhub", "ComplianceStatus", table)
		for v, want := range withUnknown(table, report.StatusFail) {
			f := base
			f.ComplianceStatus = v
			wantStatus(t, "ComplianceStatus "+v, open(t, f), "", want)
		}
		f := base
		f.ComplianceStatus = "" // another product's finding: no Compliance block
		wantStatus(t, "no ComplianceStatus", open(t, f), "", report.StatusFail)
	})
	t.Run("SeverityLabel", func(t *testing.T) {
		// Which control judges a finding of each label.
		table := map[string]string{"CRITICAL": "securityhub.critical_findings", "HIGH": "securityhub.high_findings", "MEDIUM": "", "LOW": "", "INFORMATIONAL": ""}
		modelEnum(t, "securityhub", "SeverityLabel", table)
		for label, judge := range table {
			for _, control := range []string{"securityhub.critical_findings", "securityhub.high_findings"} {
				acct := healthyAccount("111122223333", enumRegion)
				f := base
				f.SeverityLabel = label
				acct.SecurityHub[enumRegion].Findings = []checks.SecurityHubFinding{f}
				got, msg := statusOf(t, acct, DefaultConfig(), control)
				want := report.StatusPass
				if control == judge {
					want = report.StatusFail
				}
				wantStatus(t, control+" with a "+label+" finding", got, msg, want)
			}
		}
	})
}

// TestInstanceStatesOfTheModel: ssm.instances_managed judges running
// instances only. DescribeInstanceInformation does not list a stopped or
// terminated instance's agent, so only a running instance can be told
// managed or not (SSM.1 and Prowler judge running instances:
// https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-1).
func TestInstanceStatesOfTheModel(t *testing.T) {
	const judged, notJudged = "judged", "not judged"
	table := map[string]string{
		"running": judged, "pending": notJudged, "stopping": notJudged, "stopped": notJudged,
		"shutting-down": notJudged, "terminated": notJudged,
	}
	modelEnum(t, "ec2", "InstanceStateName", table)
	for state, meaning := range table {
		acct := healthyAccount("111122223333", enumRegion)
		acct.SSM[enumRegion].Instances = append(acct.SSM[enumRegion].Instances, checks.EC2Instance{InstanceID: "i-unmanaged", State: state})
		e, err := Builtin()
		if err != nil {
			t.Fatal(err)
		}
		ev, err := e.Evaluate(context.Background(), snapshot(acct), DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		var got []report.Status
		for _, r := range ev.Results {
			if r.ControlID == "ssm.instances_managed" && r.Resource == "i-unmanaged" {
				got = append(got, r.Status)
			}
		}
		switch {
		case meaning == judged && !slices.Equal(got, []report.Status{report.StatusFail}):
			t.Errorf("an unmanaged %s instance: %v, want one FAIL", state, got)
		case meaning == notJudged && slices.Contains(got, report.StatusFail):
			t.Errorf("an unmanaged %s instance: %v, want no FAIL", state, got)
		}
	}
}

// withUnknown adds a value no model has, with the verdict it must get.
func withUnknown[V any](table map[string]V, unknown V) map[string]V {
	out := maps.Clone(table)
	out["SOME_VALUE_AWS_ADDS"] = unknown
	return out
}
