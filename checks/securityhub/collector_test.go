package securityhub_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/securityhub"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

const (
	account = "111111111111"
	day     = 24 * time.Hour
)

// world is a one-account organization whose us-east-1 Security Hub is
// hubYAML (indented under "securityhub:"); eu-west-1 is enabled and empty.
func world(hubYAML string) string {
	return `
regions: [us-east-1, eu-west-1]
accounts:
  - id: "111111111111"
    name: management
    management: true
    regions:
      us-east-1:
        securityhub:
` + hubYAML
}

const healthyHub = `
          enabled: true
          standards:
            - arn: aws-foundational-security-best-practices/v/1.0.0
            - arn: cis-aws-foundations-benchmark/v/1.4.0
`

func ago(d time.Duration) time.Time { return awssimtest.Now.Add(-d) }

func hubARN(region string) string {
	return "arn:aws:securityhub:" + region + ":111111111111:hub/default"
}

func standard(region, path, status string) checks.EnabledStandard {
	return checks.EnabledStandard{
		StandardsARN:    "arn:aws:securityhub:" + region + "::standards/" + path,
		SubscriptionARN: "arn:aws:securityhub:" + region + ":111111111111:subscription/" + path,
		Status:          status,
	}
}

var (
	fsbp = standard("us-east-1", "aws-foundational-security-best-practices/v/1.0.0", "READY")
	cis  = standard("us-east-1", "cis-aws-foundations-benchmark/v/1.4.0", "READY")
)

// rootKeyYAML is an old, open, critical control finding.
const rootKeyYAML = `
            - id: arn:aws:securityhub:us-east-1:111111111111:security-control/IAM.4/finding/root-key
              title: IAM root user access key should not exist
              control: IAM.4
              severity: CRITICAL
              first_observed: 400d
              updated: 2h
`

var rootKey = checks.SecurityHubFinding{
	ID:               "arn:aws:securityhub:us-east-1:111111111111:security-control/IAM.4/finding/root-key",
	Title:            "IAM root user access key should not exist",
	SeverityLabel:    "CRITICAL",
	RecordState:      "ACTIVE",
	WorkflowStatus:   "NEW",
	ComplianceStatus: "FAILED",
	ResourceType:     "AwsAccount",
	ResourceID:       "AWS::::Account:111111111111",
	GeneratorID:      "security-control/IAM.4",
	ControlID:        "IAM.4",
	FirstObservedAt:  ago(400 * day),
	UpdatedAt:        ago(2 * time.Hour), ProductName: "Security Hub",
}

func denied(op string) awssim.Fault {
	return awssim.Fault{
		Account: account, Region: "us-east-1", Service: "securityhub", Operation: op,
		Code: "AccessDeniedException", Message: "explicit deny of securityhub:" + op,
	}
}

func collectionError(region, op, code, message string) checks.CollectionError {
	return checks.CollectionError{AccountID: account, Region: region, Service: "securityhub", Operation: op, Code: code, Message: message}
}

// calls are the expected numbers of DescribeHub, GetEnabledStandards and
// GetFindings requests in us-east-1, retries included.
type calls struct{ describeHub, getEnabledStandards, getFindings int }

func TestCollect(t *testing.T) {
	tests := []struct {
		name    string
		world   string
		faults  []awssim.Fault
		regions []string // default us-east-1
		want    checks.AccountFacts
		calls   calls
	}{
		{
			name:  "pass: hub enabled with FSBP and CIS ready and no findings",
			world: world(healthyHub),
			want: checks.AccountFacts{SecurityHub: map[string]*checks.SecurityHubRegion{
				"us-east-1": {Enabled: aws.Bool(true), HubARN: hubARN("us-east-1"), Standards: []checks.EnabledStandard{fsbp, cis}, Findings: []checks.SecurityHubFinding{}, V2Enabled: aws.Bool(false)},
			}},
			calls: calls{1, 1, 1},
		},
		{
			name:  "fail: hub not enabled is a fact, not an error",
			world: world("          enabled: false\n"),
			want: checks.AccountFacts{SecurityHub: map[string]*checks.SecurityHubRegion{
				"us-east-1": {Enabled: aws.Bool(false), V2Enabled: aws.Bool(false)},
			}},
			calls: calls{1, 0, 0},
		},
		{
			name:    "fail: each region observed, one with no hub at all",
			world:   world(healthyHub),
			regions: []string{"us-east-1", "eu-west-1"},
			want: checks.AccountFacts{SecurityHub: map[string]*checks.SecurityHubRegion{
				"us-east-1": {Enabled: aws.Bool(true), HubARN: hubARN("us-east-1"), Standards: []checks.EnabledStandard{fsbp, cis}, Findings: []checks.SecurityHubFinding{}, V2Enabled: aws.Bool(false)},
				"eu-west-1": {Enabled: aws.Bool(false), V2Enabled: aws.Bool(false)},
			}},
			calls: calls{1, 1, 1},
		},
		{
			name: "fail: standard incomplete, open findings kept (RESOLVED ones too, for the policy to judge), closed ones filtered out",
			world: world(`
          enabled: true
          standards:
            - arn: aws-foundational-security-best-practices/v/1.0.0
            - arn: cis-aws-foundations-benchmark/v/1.4.0
              status: INCOMPLETE
          findings:` + rootKeyYAML + `
            - id: arn:aws:securityhub:us-east-1:111111111111:security-control/S3.2/finding/public-bucket
              title: S3 general purpose buckets should block public read access
              control: S3.2
              severity: HIGH
              workflow: NOTIFIED
              resource: {type: AwsS3Bucket, id: "arn:aws:s3:::acme-public"}
              first_observed: 40d
            - id: arn:aws:securityhub:us-east-1:111111111111:finding/inspector-cve
              title: CVE-2026-0001 in openssl
              severity: CRITICAL
              generator_id: arn:aws:inspector2:us-east-1::product/aws/inspector
              resource: {type: AwsEc2Instance, id: "arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0"}
              first_observed: 3d
              updated: 1d
            - id: passed
              title: Passed control
              control: IAM.6
              severity: CRITICAL
              compliance: PASSED
              workflow: RESOLVED
            - id: suppressed
              title: Suppressed finding
              control: EC2.19
              severity: CRITICAL
              workflow: SUPPRESSED
            - id: resolved
              title: Resolved finding
              control: EC2.18
              severity: HIGH
              workflow: RESOLVED
            - id: archived
              title: Archived finding
              control: RDS.1
              severity: CRITICAL
              record_state: ARCHIVED
            - id: medium
              title: Medium finding
              control: EC2.7
              severity: MEDIUM
`),
			want: checks.AccountFacts{SecurityHub: map[string]*checks.SecurityHubRegion{
				"us-east-1": {
					Enabled: aws.Bool(true), HubARN: hubARN("us-east-1"), V2Enabled: aws.Bool(false),
					Standards: []checks.EnabledStandard{fsbp, standard("us-east-1", "cis-aws-foundations-benchmark/v/1.4.0", "INCOMPLETE")},
					Findings: []checks.SecurityHubFinding{
						rootKey,
						{
							ID:               "arn:aws:securityhub:us-east-1:111111111111:security-control/S3.2/finding/public-bucket",
							Title:            "S3 general purpose buckets should block public read access",
							SeverityLabel:    "HIGH",
							RecordState:      "ACTIVE",
							WorkflowStatus:   "NOTIFIED",
							ComplianceStatus: "FAILED",
							ResourceType:     "AwsS3Bucket",
							ResourceID:       "arn:aws:s3:::acme-public",
							GeneratorID:      "security-control/S3.2",
							ControlID:        "S3.2",
							FirstObservedAt:  ago(40 * day),
							UpdatedAt:        ago(40 * day), ProductName: "Security Hub",
						},
						{
							ID:              "arn:aws:securityhub:us-east-1:111111111111:finding/inspector-cve",
							Title:           "CVE-2026-0001 in openssl",
							SeverityLabel:   "CRITICAL",
							RecordState:     "ACTIVE",
							WorkflowStatus:  "NEW",
							ResourceType:    "AwsEc2Instance",
							ResourceID:      "arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0",
							GeneratorID:     "arn:aws:inspector2:us-east-1::product/aws/inspector",
							FirstObservedAt: ago(3 * day),
							UpdatedAt:       ago(1 * day), ProductName: "Security Hub",
						},
						// Read because RESOLVED is; the policy drops it (PASSED).
						{
							ID: "passed", Title: "Passed control", SeverityLabel: "CRITICAL", RecordState: "ACTIVE",
							WorkflowStatus: "RESOLVED", ComplianceStatus: "PASSED", ResourceType: "AwsAccount",
							ResourceID: "AWS::::Account:111111111111", GeneratorID: "security-control/IAM.6", ControlID: "IAM.6",
							FirstObservedAt: ago(0), UpdatedAt: ago(0), ProductName: "Security Hub",
						},
						// RESOLVED by hand but still FAILED: open for the policy.
						{
							ID: "resolved", Title: "Resolved finding", SeverityLabel: "HIGH", RecordState: "ACTIVE",
							WorkflowStatus: "RESOLVED", ComplianceStatus: "FAILED", ResourceType: "AwsAccount",
							ResourceID: "AWS::::Account:111111111111", GeneratorID: "security-control/EC2.18", ControlID: "EC2.18",
							FirstObservedAt: ago(0), UpdatedAt: ago(0), ProductName: "Security Hub",
						},
					},
				},
			}},
			calls: calls{1, 1, 1},
		},
		{
			name:   "error: GetEnabledStandards denied, Enabled and Findings intact",
			world:  world(healthyHub + "          findings:" + rootKeyYAML),
			faults: []awssim.Fault{denied("GetEnabledStandards")},
			want: checks.AccountFacts{
				SecurityHub: map[string]*checks.SecurityHubRegion{
					"us-east-1": {Enabled: aws.Bool(true), HubARN: hubARN("us-east-1"), Findings: []checks.SecurityHubFinding{rootKey}, V2Enabled: aws.Bool(false)},
				},
				Errors: []checks.CollectionError{collectionError("us-east-1", "GetEnabledStandards", "AccessDeniedException", "explicit deny of securityhub:GetEnabledStandards")},
			},
			calls: calls{1, 1, 1},
		},
		{
			name:  "error: GetFindings fails with 500 after every retry, Standards intact",
			world: world(healthyHub + "          findings:" + rootKeyYAML),
			faults: []awssim.Fault{{
				Account: account, Region: "us-east-1", Service: "securityhub", Operation: "GetFindings",
				Code: "InternalException", Message: "Internal service failure.",
			}},
			want: checks.AccountFacts{
				SecurityHub: map[string]*checks.SecurityHubRegion{
					"us-east-1": {Enabled: aws.Bool(true), HubARN: hubARN("us-east-1"), Standards: []checks.EnabledStandard{fsbp, cis}, V2Enabled: aws.Bool(false)},
				},
				Errors: []checks.CollectionError{collectionError("us-east-1", "GetFindings", "InternalException", "Internal service failure.")},
			},
			calls: calls{1, 1, awssimtest.MaxAttempts},
		},
		{
			name:   "error: DescribeHub denied leaves every fact unobserved",
			world:  world(healthyHub),
			faults: []awssim.Fault{denied("DescribeHub")},
			want: checks.AccountFacts{
				SecurityHub: map[string]*checks.SecurityHubRegion{"us-east-1": {V2Enabled: aws.Bool(false)}},
				Errors:      []checks.CollectionError{collectionError("us-east-1", "DescribeHub", "AccessDeniedException", "explicit deny of securityhub:DescribeHub")},
			},
			calls: calls{1, 0, 0},
		},
		{
			name:    "error: a denied region does not touch the other",
			world:   world(healthyHub),
			regions: []string{"eu-west-1", "us-east-1"},
			faults: []awssim.Fault{{
				Account: account, Region: "eu-west-1", Service: "securityhub",
				Code: "AccessDeniedException", Message: "explicit deny in eu-west-1",
			}},
			want: checks.AccountFacts{
				SecurityHub: map[string]*checks.SecurityHubRegion{
					"us-east-1": {Enabled: aws.Bool(true), HubARN: hubARN("us-east-1"), Standards: []checks.EnabledStandard{fsbp, cis}, Findings: []checks.SecurityHubFinding{}, V2Enabled: aws.Bool(false)},
					"eu-west-1": {},
				},
				Errors: []checks.CollectionError{
					collectionError("eu-west-1", "DescribeHub", "AccessDeniedException", "explicit deny in eu-west-1"),
					collectionError("eu-west-1", "DescribeSecurityHubV2", "AccessDeniedException", "explicit deny in eu-west-1"),
				},
			},
			calls: calls{1, 1, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, cfg := awssimtest.Start(t, tt.world)
			for _, f := range tt.faults {
				if err := srv.AddFault(f); err != nil {
					t.Fatal(err)
				}
			}
			regions := tt.regions
			if regions == nil {
				regions = []string{"us-east-1"}
			}
			got := securityhub.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: regions, Config: cfg})
			awssimtest.Equal(t, "facts", got, tt.want)
			assertCalls(t, srv, tt.calls)
		})
	}
}

func assertCalls(t *testing.T, srv *awssim.Server, want calls) {
	t.Helper()
	count := func(op string) int {
		return srv.Calls().Count(awssim.Call{Account: account, Region: "us-east-1", Service: "securityhub", Operation: op})
	}
	got := calls{count("DescribeHub"), count("GetEnabledStandards"), count("GetFindings")}
	if got != want {
		t.Errorf("us-east-1 calls {DescribeHub, GetEnabledStandards, GetFindings} = %v, want %v", got, want)
	}
}

// TestCollectPaginatesFindings reads 230 findings in pages of 100: three
// GetFindings calls, each page once.
func TestCollectPaginatesFindings(t *testing.T) {
	t.Parallel()
	const n = 230
	var yaml strings.Builder
	yaml.WriteString(healthyHub + "          findings:\n")
	var want []checks.SecurityHubFinding
	for i := range n {
		id := fmt.Sprintf("arn:aws:securityhub:us-east-1:111111111111:security-control/S3.8/finding/%04d", i)
		bucket := fmt.Sprintf("arn:aws:s3:::bucket-%04d", i)
		fmt.Fprintf(&yaml, "            - {id: %q, title: Block public access, control: S3.8, severity: HIGH, resource: {type: AwsS3Bucket, id: %q}, first_observed: %dh}\n", id, bucket, i+1)
		want = append(want, checks.SecurityHubFinding{
			ID: id, Title: "Block public access", SeverityLabel: "HIGH", RecordState: "ACTIVE", WorkflowStatus: "NEW",
			ComplianceStatus: "FAILED", ResourceType: "AwsS3Bucket", ResourceID: bucket, GeneratorID: "security-control/S3.8",
			ControlID: "S3.8", FirstObservedAt: ago(time.Duration(i+1) * time.Hour), UpdatedAt: ago(time.Duration(i+1) * time.Hour), ProductName: "Security Hub",
		})
	}
	// Closed findings between the open ones must not take page slots on the client.
	yaml.WriteString("            - {id: closed, title: Closed, control: S3.8, severity: HIGH, workflow: SUPPRESSED}\n")

	srv, cfg := awssimtest.Start(t, world(yaml.String()))
	got := securityhub.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
	awssimtest.Equal(t, "facts", got, checks.AccountFacts{SecurityHub: map[string]*checks.SecurityHubRegion{
		"us-east-1": {Enabled: aws.Bool(true), HubARN: hubARN("us-east-1"), Standards: []checks.EnabledStandard{fsbp, cis}, Findings: want, V2Enabled: aws.Bool(false)},
	}})
	assertCalls(t, srv, calls{1, 1, 3})
	if got := srv.Calls().Total; got != 6 {
		t.Errorf("total calls = %d, want 6 (DescribeHub, GetEnabledStandards, 3 × GetFindings, DescribeSecurityHubV2)", got)
	}
}
