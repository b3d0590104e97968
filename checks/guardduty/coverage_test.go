package guardduty_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/guardduty"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

// coverageYAML follows allPlans: an EKS cluster, an ECS cluster and an EC2
// instance, the instance unhealthy.
const coverageYAML = `              coverage:
                - {type: EKS, name: prod-eks, updated: 1h}
                - {type: ECS, name: prod-ecs, management_type: MANUAL, updated: 2h}
                - {type: EC2, name: i-0123456789abcdef0, status: UNHEALTHY, issue: "No agent reporting", updated: 3h}
`

// plansYAML is two Malware Protection for S3 plans, at the guardduty level.
const plansYAML = `          malware_protection_plans:
            - {id: aaaaaaaaaaaaaaaaaaaa, bucket: uploads}
            - {id: bbbbbbbbbbbbbbbbbbbb, bucket: share, object_prefixes: [incoming/], status: WARNING, status_reasons: ["role lost s3:PutObjectTagging"]}
`

var (
	wantCoverage = []checks.GuardDutyCoverage{
		{AccountID: account, ResourceID: "prod-eks", ResourceType: "EKS", Name: "prod-eks", Status: "HEALTHY", ManagementType: "AUTO_MANAGED", UpdatedAt: ago(time.Hour)},
		{AccountID: account, ResourceID: "prod-ecs", ResourceType: "ECS", Name: "prod-ecs", Status: "HEALTHY", ManagementType: "MANUAL", UpdatedAt: ago(2 * time.Hour)},
		{AccountID: account, ResourceID: "i-0123456789abcdef0", ResourceType: "EC2", Name: "i-0123456789abcdef0", Status: "UNHEALTHY", Issue: "No agent reporting", ManagementType: "AUTO_MANAGED", UpdatedAt: ago(3 * time.Hour)},
	}
	wantPlans = []checks.MalwareProtectionPlan{
		{ID: "aaaaaaaaaaaaaaaaaaaa", Bucket: "uploads", ObjectPrefixes: []string{}, Status: "ACTIVE", StatusReasons: []string{}},
		{ID: "bbbbbbbbbbbbbbbbbbbb", Bucket: "share", ObjectPrefixes: []string{"incoming/"}, Status: "WARNING", StatusReasons: []string{"AWSSIM: role lost s3:PutObjectTagging"}},
	}
)

// TestCollectCoverageAndPlans: ListCoverage's resources with their status
// and issue, the plans with bucket and status, plans without a detector,
// and each call's failure leaving only its own fact unobserved.
func TestCollectCoverageAndPlans(t *testing.T) {
	enabled := []checks.Detector{{ID: detectorID, Status: "ENABLED", Features: everyPlan}}
	tests := []struct {
		name   string
		world  string
		faults []awssim.Fault
		want   checks.AccountFacts
	}{
		{
			name:  "coverage and plans observed",
			world: world(allPlans + coverageYAML + plansYAML),
			want:  facts(checks.GuardDutyRegion{Detectors: enabled, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}, Coverage: wantCoverage, MalwareProtectionPlans: wantPlans}),
		},
		{
			name:  "plans need no detector",
			world: world("          detectors: []\n" + plansYAML),
			want:  facts(checks.GuardDutyRegion{Detectors: []checks.Detector{}, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}, MalwareProtectionPlans: wantPlans}),
		},
		{
			name:   "ListCoverage denied: coverage unobserved, the rest intact",
			world:  world(allPlans + coverageYAML + plansYAML),
			faults: []awssim.Fault{fault("ListCoverage", "AccessDeniedException", "explicit deny of guardduty:ListCoverage")},
			want: unobservedCoverage(facts(checks.GuardDutyRegion{Detectors: enabled, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}, MalwareProtectionPlans: wantPlans},
				collectionError("ListCoverage", "AccessDeniedException", "explicit deny of guardduty:ListCoverage"))),
		},
		{
			name:   "ListMalwareProtectionPlans denied: plans unobserved",
			world:  world(allPlans + coverageYAML + plansYAML),
			faults: []awssim.Fault{fault("ListMalwareProtectionPlans", "AccessDeniedException", "explicit deny of guardduty:ListMalwareProtectionPlans")},
			want: unobservedPlans(facts(checks.GuardDutyRegion{Detectors: enabled, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}, Coverage: wantCoverage},
				collectionError("ListMalwareProtectionPlans", "AccessDeniedException", "explicit deny of guardduty:ListMalwareProtectionPlans"))),
		},
		{
			name:   "GetMalwareProtectionPlan denied: plans unobserved",
			world:  world(allPlans + plansYAML),
			faults: []awssim.Fault{fault("GetMalwareProtectionPlan", "AccessDeniedException", "explicit deny of guardduty:GetMalwareProtectionPlan")},
			want: unobservedPlans(facts(checks.GuardDutyRegion{Detectors: enabled, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}},
				collectionError("GetMalwareProtectionPlan", "AccessDeniedException", "explicit deny of guardduty:GetMalwareProtectionPlan"))),
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
			got := guardduty.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
			awssimtest.Equal(t, "facts", got, tt.want)
		})
	}
}

func unobservedPlans(f checks.AccountFacts) checks.AccountFacts {
	f.GuardDuty["us-east-1"].MalwareProtectionPlans = nil
	return f
}

// TestCollectPaginatesCoverage lists 120 covered instances in pages of 50.
func TestCollectPaginatesCoverage(t *testing.T) {
	t.Parallel()
	var yaml strings.Builder
	yaml.WriteString(allPlans + "              coverage:\n")
	for i := range 120 {
		fmt.Fprintf(&yaml, "                - {type: EC2, name: i-%017x}\n", i)
	}
	srv, cfg := awssimtest.Start(t, world(yaml.String()))
	got := guardduty.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
	if n := len(got.GuardDuty["us-east-1"].Coverage); n != 120 || len(got.Errors) != 0 {
		t.Errorf("%d covered resources, errors %+v; want 120, none", n, got.Errors)
	}
	if n := srv.Calls().Count(awssim.Call{Account: account, Region: "us-east-1", Service: "guardduty", Operation: "ListCoverage"}); n != 3 {
		t.Errorf("ListCoverage calls = %d, want 3", n)
	}
}

// TestCollectAttackSequence: an AttackSequence finding (critical) is
// collected with its description and signals (Service.Detection.Sequence).
func TestCollectAttackSequence(t *testing.T) {
	t.Parallel()
	_, cfg := awssimtest.Start(t, world(allPlans+`              findings:
                - id: seq
                  type: AttackSequence:S3/CompromisedData
                  title: Potential data compromise
                  severity: 9.5
                  updated: 1h
                  resource: {type: S3Bucket, id: share}
                  sequence:
                    description: A sequence of actions indicating S3 data compromise.
                    signals:
                      - {type: FINDING, name: "Discovery:S3/AnomalousBehavior", count: 2, severity: 5.0}
                      - {type: CLOUD_TRAIL, name: PutBucketPolicy}
                - {id: plain, type: Recon:EC2/Portscan, title: Port scan, severity: 8.0, updated: 1h, resource: {type: Instance, id: i-0123456789abcdef0}}
`))
	got := guardduty.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
	awssimtest.Equal(t, "high findings", got.GuardDuty["us-east-1"].HighFindings, []checks.GuardDutyFinding{
		{ID: "seq", DetectorID: detectorID, Title: "Potential data compromise", Type: "AttackSequence:S3/CompromisedData", Severity: 9.5, ResourceType: "S3Bucket", ResourceID: "share", UpdatedAt: ago(time.Hour), CreatedAt: ago(time.Hour),
			Sequence: &checks.GuardDutySequence{Description: "A sequence of actions indicating S3 data compromise.", Signals: []checks.GuardDutySignal{
				{Type: "FINDING", Name: "Discovery:S3/AnomalousBehavior", Count: 2, Severity: 5},
				{Type: "CLOUD_TRAIL", Name: "PutBucketPolicy", Count: 1},
			}}},
		{ID: "plain", DetectorID: detectorID, Title: "Port scan", Type: "Recon:EC2/Portscan", Severity: 8, ResourceType: "Instance", ResourceID: "i-0123456789abcdef0", UpdatedAt: ago(time.Hour), CreatedAt: ago(time.Hour)},
	})
}
