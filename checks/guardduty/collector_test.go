package guardduty_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awsguardduty "github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/guardduty"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

const (
	account    = "111111111111"
	detectorID = "0123456789abcdef0123456789abcdef"
	day        = 24 * time.Hour
)

// world is a one-account organization whose us-east-1 GuardDuty is
// guardDutyYAML (indented under "guardduty:"); eu-west-1 has no detector.
func world(guardDutyYAML string) string {
	return `
regions: [us-east-1, eu-west-1]
accounts:
  - id: "111111111111"
    name: management
    management: true
    regions:
      us-east-1:
        guardduty:
` + guardDutyYAML
}

// allPlans is a detector with every protection plan enabled; findings may follow.
const allPlans = `
          detectors:
            - id: 0123456789abcdef0123456789abcdef
              features:
                S3_DATA_EVENTS: ENABLED
                EKS_AUDIT_LOGS: ENABLED
                EBS_MALWARE_PROTECTION: ENABLED
                RDS_LOGIN_EVENTS: ENABLED
                EKS_RUNTIME_MONITORING: ENABLED
                LAMBDA_NETWORK_LOGS: ENABLED
                RUNTIME_MONITORING: ENABLED
`

// features lists GuardDuty's protection plans in its order; the
// foundational sources and the named plans are ENABLED, the rest DISABLED.
func features(enabled ...string) []checks.DetectorFeature {
	var out []checks.DetectorFeature
	for _, name := range []string{
		"CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION",
		"RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING",
	} {
		status := "DISABLED"
		if slices.Contains([]string{"CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS"}, name) || slices.Contains(enabled, name) {
			status = "ENABLED"
		}
		out = append(out, checks.DetectorFeature{Name: name, Status: status, AdditionalConfiguration: agentManagement(name, status)})
	}
	return out
}

// agentManagement is the additional configuration GetDetector reports for a
// feature, each with status: the agent management of the runtime monitoring
// features (GD-11), none for the others.
func agentManagement(feature, status string) []checks.FeatureConfiguration {
	var names []string
	switch feature {
	case "EKS_RUNTIME_MONITORING":
		names = []string{"EKS_ADDON_MANAGEMENT"}
	case "RUNTIME_MONITORING":
		names = []string{"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"}
	}
	out := []checks.FeatureConfiguration{}
	for _, n := range names {
		out = append(out, checks.FeatureConfiguration{Name: n, Status: status})
	}
	return out
}

var everyPlan = features("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS",
	"EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING")

func ago(d time.Duration) time.Time { return awssimtest.Now.Add(-d) }

// findingsYAML follows allPlans: one finding per resource kind, two below
// high severity and one archived.
const findingsYAML = `              findings:
                - id: crypto
                  type: CryptoCurrency:EC2/BitcoinTool.B!DNS
                  title: EC2 instance is querying a Bitcoin domain.
                  severity: 8.0
                  resource: {type: Instance, id: i-0d52e8a91c7f3b640}
                  created: 2d
                  updated: 20m
                - id: root-key
                  type: UnauthorizedAccess:IAMUser/MaliciousIPCaller
                  title: API was invoked from a known malicious IP address.
                  severity: 9.5
                  resource: {type: AccessKey, id: AKIAQZ7EXAMPLE}
                  created: 1d
                - id: public-bucket
                  type: Policy:S3/BucketAnonymousAccessGranted
                  title: S3 bucket grants anonymous access.
                  severity: 7.0
                  resource: {type: S3Bucket, id: acme-share}
                  created: 3d
                  updated: 1d
                - id: eks
                  type: Execution:Kubernetes/ExecInKubeSystemPod
                  title: Command executed inside a kube-system pod.
                  severity: 7.5
                  resource: {type: EKSCluster, id: prod-eks}
                  created: 5h
                - id: lambda
                  type: Backdoor:Lambda/C&CActivity.B
                  title: Lambda function is querying a C&C server.
                  severity: 8.5
                  resource: {type: Lambda, id: invoice-webhook}
                  created: 6h
                - id: rds
                  type: CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce
                  title: Successful brute force against an RDS instance.
                  severity: 7.2
                  resource: {type: RDSDBInstance, id: orders-db}
                  created: 7h
                - id: archived-high
                  type: Backdoor:EC2/C&CActivity.B!DNS
                  title: Archived high finding.
                  severity: 8.0
                  archived: true
                  resource: {type: Instance, id: i-07c1e3f9b6d8a0524}
                  created: 70d
                - id: probe
                  type: Recon:EC2/PortProbeUnprotectedPort
                  title: Unprotected port is being probed.
                  severity: 5.0
                  resource: {type: Instance, id: i-0b7e4f21a9c3d8065}
                  created: 30d
                - id: root-usage
                  type: Policy:IAMUser/RootCredentialUsage
                  title: Root credentials were used.
                  severity: 2.0
                  resource: {type: AccessKey, id: ASIAQZ7EXAMPLE2ROOT}
                  created: 9d
`

// highFindings are findingsYAML's unarchived findings of severity 7 and up, in order.
var highFindings = []checks.GuardDutyFinding{
	{ID: "crypto", DetectorID: detectorID, Title: "EC2 instance is querying a Bitcoin domain.", Type: "CryptoCurrency:EC2/BitcoinTool.B!DNS", Severity: 8, ResourceType: "Instance", ResourceID: "i-0d52e8a91c7f3b640", UpdatedAt: ago(20 * time.Minute), CreatedAt: ago(2 * day)},
	{ID: "root-key", DetectorID: detectorID, Title: "API was invoked from a known malicious IP address.", Type: "UnauthorizedAccess:IAMUser/MaliciousIPCaller", Severity: 9.5, ResourceType: "AccessKey", ResourceID: "AKIAQZ7EXAMPLE", UpdatedAt: ago(day), CreatedAt: ago(day)},
	{ID: "public-bucket", DetectorID: detectorID, Title: "S3 bucket grants anonymous access.", Type: "Policy:S3/BucketAnonymousAccessGranted", Severity: 7, ResourceType: "S3Bucket", ResourceID: "acme-share", UpdatedAt: ago(day), CreatedAt: ago(3 * day)},
	{ID: "eks", DetectorID: detectorID, Title: "Command executed inside a kube-system pod.", Type: "Execution:Kubernetes/ExecInKubeSystemPod", Severity: 7.5, ResourceType: "EKSCluster", ResourceID: "prod-eks", UpdatedAt: ago(5 * time.Hour), CreatedAt: ago(5 * time.Hour)},
	{ID: "lambda", DetectorID: detectorID, Title: "Lambda function is querying a C&C server.", Type: "Backdoor:Lambda/C&CActivity.B", Severity: 8.5, ResourceType: "Lambda", ResourceID: "invoice-webhook", UpdatedAt: ago(6 * time.Hour), CreatedAt: ago(6 * time.Hour)},
	{ID: "rds", DetectorID: detectorID, Title: "Successful brute force against an RDS instance.", Type: "CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce", Severity: 7.2, ResourceType: "RDSDBInstance", ResourceID: "orders-db", UpdatedAt: ago(7 * time.Hour), CreatedAt: ago(7 * time.Hour)},
}

// findingCounts are findingsYAML's unarchived findings by severity band.
var findingCounts = map[string]int{"low": 1, "medium": 1, "high": 5, "critical": 1}

func fault(op, code, message string) awssim.Fault {
	return awssim.Fault{Account: account, Region: "us-east-1", Service: "guardduty", Operation: op, Code: code, Message: message}
}

func collectionError(op, code, message string) checks.CollectionError {
	return checks.CollectionError{AccountID: account, Region: "us-east-1", Service: "guardduty", Operation: op, Code: code, Message: message}
}

// facts is the account's facts with r in us-east-1. Coverage and
// MalwareProtectionPlans left nil are observed and empty (the
// test worlds have none); use unobservedCoverage for a region whose
// coverage was not observed.
func facts(r checks.GuardDutyRegion, errs ...checks.CollectionError) checks.AccountFacts {
	if r.Coverage == nil {
		r.Coverage = []checks.GuardDutyCoverage{}
	}
	if r.MalwareProtectionPlans == nil {
		r.MalwareProtectionPlans = []checks.MalwareProtectionPlan{}
	}
	return checks.AccountFacts{GuardDuty: map[string]*checks.GuardDutyRegion{"us-east-1": &r}, Errors: errs}
}

// calls are the expected requests in us-east-1 by operation, retries
// included; the counts by band take one GetFindingsStatistics per band.
type calls struct{ listDetectors, getDetector, getFindingsStatistics, listFindings, getFindings int }

func TestCollect(t *testing.T) {
	enabledDetector := []checks.Detector{{ID: detectorID, Status: "ENABLED", Features: everyPlan}}
	tests := []struct {
		name   string
		world  string
		faults []awssim.Fault
		want   checks.AccountFacts
		calls  calls
	}{
		{
			name:  "pass: detector enabled with every plan and no findings",
			world: world(allPlans),
			want:  facts(checks.GuardDutyRegion{Detectors: enabledDetector, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}}),
			calls: calls{1, 1, 4, 1, 0},
		},
		{
			name:  "fail: no detector is an empty list, not an error",
			world: world("          detectors: []\n"),
			want:  facts(checks.GuardDutyRegion{Detectors: []checks.Detector{}, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}}),
			calls: calls{1, 0, 0, 0, 0},
		},
		{
			name: "fail: detector disabled with the default plans",
			world: world(`
          detectors:
            - id: 0123456789abcdef0123456789abcdef
              status: DISABLED
`),
			want: facts(checks.GuardDutyRegion{
				Detectors:     []checks.Detector{{ID: detectorID, Status: "DISABLED", Features: features()}},
				FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{},
			}),
			calls: calls{1, 1, 4, 1, 0},
		},
		{
			name: "fail: plans disabled, high findings kept, archived and lower ones left out",
			world: world(`
          detectors:
            - id: 0123456789abcdef0123456789abcdef
              features:
                S3_DATA_EVENTS: ENABLED
                RUNTIME_MONITORING: DISABLED
` + findingsYAML),
			want: facts(checks.GuardDutyRegion{
				Detectors:     []checks.Detector{{ID: detectorID, Status: "ENABLED", Features: features("S3_DATA_EVENTS")}},
				FindingCounts: findingCounts,
				HighFindings:  highFindings,
			}),
			calls: calls{1, 1, 4, 1, 1},
		},
		{
			name: "fail: runtime monitoring on, EC2 agent management off",
			world: world(allPlans + `              additional_configuration:
                RUNTIME_MONITORING: {EC2_AGENT_MANAGEMENT: DISABLED}
`),
			want: facts(checks.GuardDutyRegion{
				Detectors: []checks.Detector{{ID: detectorID, Status: "ENABLED", Features: func() []checks.DetectorFeature {
					f := features("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS",
						"EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING")
					f[len(f)-1].AdditionalConfiguration[2].Status = "DISABLED"
					return f
				}()}},
				FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{},
			}),
			calls: calls{1, 1, 4, 1, 0},
		},
		{
			name:  "pass: a plan the region does not offer is absent, not DISABLED",
			world: "guardduty_features_not_offered: {us-east-1: [RDS_LOGIN_EVENTS]}\n" + world(allPlans),
			want: facts(checks.GuardDutyRegion{
				Detectors: []checks.Detector{{ID: detectorID, Status: "ENABLED", Features: slices.DeleteFunc(slices.Clone(everyPlan), func(f checks.DetectorFeature) bool {
					return f.Name == "RDS_LOGIN_EVENTS"
				})}},
				FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{},
			}),
			calls: calls{1, 1, 4, 1, 0},
		},
		{
			name:   "error: ListDetectors denied leaves every fact unobserved",
			world:  world(allPlans + findingsYAML),
			faults: []awssim.Fault{fault("ListDetectors", "AccessDeniedException", "explicit deny of guardduty:ListDetectors")},
			want:   unobservedCoverage(facts(checks.GuardDutyRegion{}, collectionError("ListDetectors", "AccessDeniedException", "explicit deny of guardduty:ListDetectors"))),
			calls:  calls{1, 0, 0, 0, 0},
		},
		{
			name:   "error: GetDetector denied, findings intact",
			world:  world(allPlans + findingsYAML),
			faults: []awssim.Fault{fault("GetDetector", "AccessDeniedException", "explicit deny of guardduty:GetDetector")},
			want: facts(checks.GuardDutyRegion{FindingCounts: findingCounts, HighFindings: highFindings},
				collectionError("GetDetector", "AccessDeniedException", "explicit deny of guardduty:GetDetector")),
			calls: calls{1, 1, 4, 1, 1},
		},
		{
			name:   "error: GetFindingsStatistics denied, detectors and high findings intact",
			world:  world(allPlans + findingsYAML),
			faults: []awssim.Fault{fault("GetFindingsStatistics", "AccessDeniedException", "explicit deny of guardduty:GetFindingsStatistics")},
			want: facts(checks.GuardDutyRegion{Detectors: enabledDetector, HighFindings: highFindings},
				collectionError("GetFindingsStatistics", "AccessDeniedException", "explicit deny of guardduty:GetFindingsStatistics")),
			calls: calls{1, 1, 1, 1, 1},
		},
		{
			name:   "error: ListFindings denied, no GetFindings",
			world:  world(allPlans + findingsYAML),
			faults: []awssim.Fault{fault("ListFindings", "AccessDeniedException", "explicit deny of guardduty:ListFindings")},
			want: facts(checks.GuardDutyRegion{Detectors: enabledDetector, FindingCounts: findingCounts},
				collectionError("ListFindings", "AccessDeniedException", "explicit deny of guardduty:ListFindings")),
			calls: calls{1, 1, 4, 1, 0},
		},
		{
			name:   "error: GetFindings fails with 500 after every retry",
			world:  world(allPlans + findingsYAML),
			faults: []awssim.Fault{fault("GetFindings", "InternalServerErrorException", "The request failed due to an internal server error.")},
			want: facts(checks.GuardDutyRegion{Detectors: enabledDetector, FindingCounts: findingCounts},
				collectionError("GetFindings", "InternalServerErrorException", "The request failed due to an internal server error.")),
			calls: calls{1, 1, 4, 1, awssimtest.MaxAttempts},
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
			assertCalls(t, srv, tt.calls)
		})
	}
}

func assertCalls(t *testing.T, srv *awssim.Server, want calls) {
	t.Helper()
	count := func(op string) int {
		return srv.Calls().Count(awssim.Call{Account: account, Region: "us-east-1", Service: "guardduty", Operation: op})
	}
	got := calls{count("ListDetectors"), count("GetDetector"), count("GetFindingsStatistics"), count("ListFindings"), count("GetFindings")}
	if got != want {
		t.Errorf("us-east-1 calls {ListDetectors, GetDetector, GetFindingsStatistics, ListFindings, GetFindings} = %+v, want %+v", got, want)
	}
}

// TestCollectRegions collects two regions at once: one with a detector, one
// without; each region's facts are its own.
func TestCollectRegions(t *testing.T) {
	t.Parallel()
	_, cfg := awssimtest.Start(t, world(allPlans))
	got := guardduty.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1", "eu-west-1"}, Config: cfg})
	awssimtest.Equal(t, "facts", got, checks.AccountFacts{GuardDuty: map[string]*checks.GuardDutyRegion{
		"us-east-1": {Detectors: []checks.Detector{{ID: detectorID, Status: "ENABLED", Features: everyPlan}}, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}, Coverage: []checks.GuardDutyCoverage{}, MalwareProtectionPlans: []checks.MalwareProtectionPlan{}},
		"eu-west-1": {Detectors: []checks.Detector{}, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}, Coverage: []checks.GuardDutyCoverage{}, MalwareProtectionPlans: []checks.MalwareProtectionPlan{}},
	}})
}

// TestCollectPaginatesHighFindings lists 60 high findings in pages of 50 and
// reads them in GetFindings batches of at most 50 ids: two of each.
func TestCollectPaginatesHighFindings(t *testing.T) {
	t.Parallel()
	const n = 60
	var yaml strings.Builder
	yaml.WriteString(allPlans + "              findings:\n")
	var want []checks.GuardDutyFinding
	for i := range n {
		id := fmt.Sprintf("high-%02d", i)
		instance := fmt.Sprintf("i-%017x", i)
		fmt.Fprintf(&yaml, "                - {id: %s, type: Recon:EC2/Portscan, title: Port scan %d, severity: 8.0, resource: {type: Instance, id: %s}, created: %dm}\n", id, i, instance, i+1)
		want = append(want, checks.GuardDutyFinding{
			ID: id, DetectorID: detectorID, Title: fmt.Sprintf("Port scan %d", i), Type: "Recon:EC2/Portscan", Severity: 8,
			ResourceType: "Instance", ResourceID: instance, UpdatedAt: ago(time.Duration(i+1) * time.Minute), CreatedAt: ago(time.Duration(i+1) * time.Minute),
		})
	}
	// Neither takes a GetFindings slot.
	yaml.WriteString("                - {id: archived, type: Recon:EC2/Portscan, title: Archived, severity: 8.0, archived: true, resource: {type: Instance, id: i-0aaaaaaaaaaaaaaaa}}\n")
	yaml.WriteString("                - {id: low, type: Recon:EC2/Portscan, title: Low, severity: 2.0, resource: {type: Instance, id: i-0bbbbbbbbbbbbbbbb}}\n")

	srv, cfg := awssimtest.Start(t, world(yaml.String()))
	got := guardduty.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
	awssimtest.Equal(t, "facts", got, facts(checks.GuardDutyRegion{
		Detectors:     []checks.Detector{{ID: detectorID, Status: "ENABLED", Features: everyPlan}},
		FindingCounts: map[string]int{"high": n, "low": 1},
		HighFindings:  want,
	}))
	assertCalls(t, srv, calls{1, 1, 4, 2, 2})
}

// statisticsRecorder records the GetFindingsStatistics requests the
// collector makes.
type statisticsRecorder struct {
	*awsguardduty.Client
	mu   sync.Mutex
	reqs []*awsguardduty.GetFindingsStatisticsInput
}

func (r *statisticsRecorder) GetFindingsStatistics(ctx context.Context, in *awsguardduty.GetFindingsStatisticsInput, optFns ...func(*awsguardduty.Options)) (*awsguardduty.GetFindingsStatisticsOutput, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, in)
	r.mu.Unlock()
	return r.Client.GetFindingsStatistics(ctx, in, optFns...)
}

// TestCountsWithoutDeprecatedStatisticTypes: GetFindingsStatistics'
// FindingStatisticTypes (and CountBySeverity) are deprecated in the
// GuardDuty model in favour of GroupBy (GD-10), so the counts by band are
// read grouped by account, one request per band, and stay exact.
func TestCountsWithoutDeprecatedStatisticTypes(t *testing.T) {
	t.Parallel()
	_, cfg := awssimtest.Start(t, world(allPlans+findingsYAML))
	rec := &statisticsRecorder{Client: awsguardduty.NewFromConfig(cfg, func(o *awsguardduty.Options) { o.Region = "us-east-1" })}
	got, errs := guardduty.CollectRegion(t.Context(), rec, account, "us-east-1")
	if len(errs) != 0 {
		t.Fatalf("errors: %+v", errs)
	}
	awssimtest.Equal(t, "counts", got.FindingCounts, findingCounts)
	if len(rec.reqs) == 0 {
		t.Fatal("no GetFindingsStatistics request")
	}
	for _, in := range rec.reqs {
		if len(in.FindingStatisticTypes) != 0 || in.GroupBy != types.GroupByTypeAccount {
			t.Errorf("request uses FindingStatisticTypes %v, GroupBy %q; want GroupBy ACCOUNT only", in.FindingStatisticTypes, in.GroupBy)
		}
	}
}

// unobservedCoverage marks us-east-1's coverage as not observed.
func unobservedCoverage(f checks.AccountFacts) checks.AccountFacts {
	f.GuardDuty["us-east-1"].Coverage = nil
	return f
}
