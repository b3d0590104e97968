package awssim

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/internal/awssim/awsmodel"
)

// TestWorldEnumsMatchTheModels holds every enumerated value a world may
// give the simulator to the AWS model's enum of the member it becomes in a
// response, so that a world cannot describe a state AWS cannot be in, and a
// value AWS adds fails here until the simulator can express it (or the gap
// is recorded below).
func TestWorldEnumsMatchTheModels(t *testing.T) {
	tests := []struct {
		name    string
		world   []string
		service string
		shape   string   // an enum shape, or structure.member whose documentation lists the values
		missing []string // model values a world cannot express, with the reason in a comment
	}{
		{"severity", severityLabels, "securityhub", "SeverityLabel", nil},
		{"compliance", complianceStatuses, "securityhub", "ComplianceStatus", nil},
		{"record_state", recordStates, "securityhub", "RecordState", nil},
		{"workflow", workflowStatuses, "securityhub", "WorkflowStatus", nil},
		{"standards status", standardStatuses, "securityhub", "StandardsStatus", nil},
		{"region_linking_mode", regionLinkingModes, "securityhub", "CreateFindingAggregatorRequest.RegionLinkingMode", nil},
		{"detector status", detectorStatuses, "guardduty", "DetectorStatus", nil},
		{"finding_publishing_frequency", publishFrequencies, "guardduty", "FindingPublishingFrequency", nil},
		{"features", guardDutyFeatures, "guardduty", "DetectorFeatureResult", nil},
		{"coverage status", gdCoverageStatuses, "guardduty", "CoverageStatus", nil},
		{"coverage type", gdCoverageTypes, "guardduty", "ResourceType", nil},
		{"management_type", gdManagementTypes, "guardduty", "ManagementType", nil},
		{"malware plan status", gdMalwarePlanStatus, "guardduty", "MalwareProtectionPlanStatus", nil},
		{"auto_enable_members", gdAutoEnableStatuses, "guardduty", "AutoEnableMembers", nil},
		{"organization features", gdOrgFeatures, "guardduty", "OrgFeature", nil},
		{"signal type", gdSignalTypes, "guardduty", "SignalType", nil},
		{"read_write_type", readWriteTypes, "cloudtrail", "ReadWriteType", nil},
		{"instance state", instanceStates, "ec2", "InstanceStateName", nil},
		{"ping_status", pingStatuses, "ssm", "PingStatus", nil},
		{"platform_type", platformTypes, "ssm", "PlatformType", nil},
		{"node resource_type", nodeResourceTypes, "ssm", "ResourceType", nil},
		{"patch operation", patchOperations, "ssm", "PatchOperationType", nil},
		// PENDING_CLOSURE: an account being closed is not simulated; the
		// scanner skips every account that is not ACTIVE alike.
		{"account status", accountStatuses, "organizations", "AccountStatus", []string{"PENDING_CLOSURE"}},
	}
	for _, tt := range tests {
		m, err := awsmodel.Load(tt.service)
		if err != nil {
			t.Fatal(err)
		}
		var enum []string
		if structure, member, ok := cutDot(tt.shape); ok {
			enum = m.DocumentedValues(structure, member)
		} else {
			enum = m.Enum(tt.shape)
		}
		if len(enum) == 0 {
			t.Errorf("%s: %s %s has no values in the model", tt.name, tt.service, tt.shape)
			continue
		}
		want := slices.DeleteFunc(slices.Clone(enum), func(v string) bool { return slices.Contains(tt.missing, v) })
		if got := slices.Sorted(slices.Values(tt.world)); !slices.Equal(got, want) {
			t.Errorf("%s: a world accepts %v; the %s model's %s has %v (not simulated: %v)", tt.name, got, tt.service, tt.shape, enum, tt.missing)
		}
	}
}

func cutDot(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// TestProtocolsMatchTheModels holds the simulator's wire protocols to the
// models': each service is served in its model's protocol, and each
// restJson1 operation at its model's HTTP method and request URI.
func TestProtocolsMatchTheModels(t *testing.T) {
	for svc, p := range protocols {
		m, err := awsmodel.Load(svc)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		switch p.(type) {
		case jsonProtocol:
			got = "json"
		case restProtocol:
			got = "rest-json"
		case queryProtocol:
			got = "query"
		case ec2Protocol:
			got = "ec2"
		}
		if got != m.Metadata.Protocol {
			t.Errorf("%s is served as %s, its model's protocol is %s", svc, got, m.Metadata.Protocol)
		}
		if jp, ok := p.(jsonProtocol); ok && !strings.HasSuffix(m.Metadata.TargetPrefix, jp.target) {
			t.Errorf("%s: X-Amz-Target prefix %s, the model's is %s", svc, jp.target, m.Metadata.TargetPrefix)
		}
	}
	labels := regexp.MustCompile(`\{[^}+]*(\+?)\}`)
	for _, rt := range restRoutes {
		m, err := awsmodel.Load(rt.service)
		if err != nil {
			t.Fatal(err)
		}
		op := m.Operations[rt.op].HTTP
		uri, _, _ := strings.Cut(op.RequestURI, "?")
		// Label names differ in case between models and member names; what
		// matters on the wire is where labels are and which are greedy.
		if op.Method != rt.method || labels.ReplaceAllString(uri, "{$1}") != labels.ReplaceAllString(rt.pattern, "{$1}") {
			t.Errorf("%s:%s is served at %s %s, the model says %s %s", rt.service, rt.op, rt.method, rt.pattern, op.Method, op.RequestURI)
		}
	}
}
