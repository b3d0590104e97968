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

// v2Hub is a us-east-1 with only the new Security Hub: an overdue critical
// exposure, a suppressed one, a medium one (filtered out server-side) and a
// critical Inspector finding (not an exposure).
const v2Hub = `
          enabled: false
          v2:
            enabled: true
            findings:
              - id: exposure-critical
                title: Potential Remote Execution
                severity: Critical
                resource: {type: AWS::EC2::Instance, id: "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc"}
                first_seen: 12d
              - id: exposure-suppressed
                title: Potential Data Destruction
                severity: High
                status: Suppressed
                resource: {type: AWS::S3::Bucket, id: "arn:aws:s3:::acme-uploads"}
                first_seen: 40d
              - id: exposure-medium
                title: Potential Data Exposure
                severity: Medium
                first_seen: 90d
              - id: inspector-cve
                title: CVE-2026-0142 in openssl
                severity: Critical
                feature: inspector/Vulnerability
                first_seen: 60d
`

func hubV2ARN(t *testing.T, got checks.AccountFacts) string {
	t.Helper()
	arn := got.SecurityHub["us-east-1"].HubV2ARN
	if !strings.HasPrefix(arn, "arn:aws:securityhub:us-east-1:111111111111:hubv2/") {
		t.Errorf("HubV2ARN = %q, want the account's hubv2 ARN", arn)
	}
	return arn
}

func TestCollectV2(t *testing.T) {
	critical := checks.ExposureFinding{
		ID: "exposure-critical", Title: "Potential Remote Execution", Severity: "Critical", SeverityID: 5, Status: "New",
		ProductFeature: "security-hub/Exposure", Analytic: "Exposure",
		ResourceType: "AWS::EC2::Instance", ResourceID: "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
		FirstSeenAt: ago(12 * day),
	}
	suppressed := checks.ExposureFinding{
		ID: "exposure-suppressed", Title: "Potential Data Destruction", Severity: "High", SeverityID: 4, Status: "Suppressed",
		ProductFeature: "security-hub/Exposure", Analytic: "Exposure",
		ResourceType: "AWS::S3::Bucket", ResourceID: "arn:aws:s3:::acme-uploads",
		FirstSeenAt: ago(40 * day),
	}
	tests := []struct {
		name   string
		faults []awssim.Fault
		want   func(arn string) *checks.SecurityHubRegion
		errors []checks.CollectionError
	}{
		{
			name: "only the new Security Hub: exposures of High and above kept, closed ones too (the policy judges status)",
			want: func(arn string) *checks.SecurityHubRegion {
				return &checks.SecurityHubRegion{Enabled: aws.Bool(false), V2Enabled: aws.Bool(true), HubV2ARN: arn,
					ExposureFindings: []checks.ExposureFinding{critical, suppressed}}
			},
		},
		{
			name:   "DescribeSecurityHubV2 denied: the new Security Hub unobserved",
			faults: []awssim.Fault{denied("DescribeSecurityHubV2")},
			want: func(string) *checks.SecurityHubRegion {
				return &checks.SecurityHubRegion{Enabled: aws.Bool(false)}
			},
			errors: []checks.CollectionError{collectionError("us-east-1", "DescribeSecurityHubV2", "AccessDeniedException", "explicit deny of securityhub:DescribeSecurityHubV2")},
		},
		{
			name:   "GetFindingsV2 denied: enabled, exposures unobserved",
			faults: []awssim.Fault{denied("GetFindingsV2")},
			want: func(arn string) *checks.SecurityHubRegion {
				return &checks.SecurityHubRegion{Enabled: aws.Bool(false), V2Enabled: aws.Bool(true), HubV2ARN: arn}
			},
			errors: []checks.CollectionError{collectionError("us-east-1", "GetFindingsV2", "AccessDeniedException", "explicit deny of securityhub:GetFindingsV2")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, cfg := awssimtest.Start(t, world(v2Hub))
			for _, f := range tt.faults {
				if err := srv.AddFault(f); err != nil {
					t.Fatal(err)
				}
			}
			got := securityhub.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
			arn := ""
			if got.SecurityHub["us-east-1"].V2Enabled != nil && *got.SecurityHub["us-east-1"].V2Enabled {
				arn = hubV2ARN(t, got)
			}
			awssimtest.Equal(t, "facts", got, checks.AccountFacts{
				SecurityHub: map[string]*checks.SecurityHubRegion{"us-east-1": tt.want(arn)},
				Errors:      tt.errors,
			})
		})
	}
}

// TestCollectV2PaginatesExposures reads 230 exposures in pages of 100.
func TestCollectV2PaginatesExposures(t *testing.T) {
	t.Parallel()
	const n = 230
	var yaml strings.Builder
	yaml.WriteString("          enabled: false\n          v2:\n            enabled: true\n            findings:\n")
	for i := range n {
		fmt.Fprintf(&yaml, "              - {id: x-%03d, title: Exposure %d, severity: High, first_seen: %dh}\n", i, i, i+1)
	}
	srv, cfg := awssimtest.Start(t, world(yaml.String()))
	got := securityhub.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
	findings := got.SecurityHub["us-east-1"].ExposureFindings
	if len(findings) != n || findings[0].ID != "x-000" || findings[n-1].ID != fmt.Sprintf("x-%03d", n-1) {
		t.Fatalf("read %d exposures, want %d in order", len(findings), n)
	}
	if !findings[n-1].FirstSeenAt.Equal(awssimtest.Now.Add(-n * time.Hour)) {
		t.Errorf("last first-seen %v, want %v", findings[n-1].FirstSeenAt, awssimtest.Now.Add(-n*time.Hour))
	}
	if c := srv.Calls().Count(awssim.Call{Account: account, Region: "us-east-1", Service: "securityhub", Operation: "GetFindingsV2"}); c != 3 {
		t.Errorf("GetFindingsV2 calls = %d, want 3", c)
	}
}
