// Package synth generates large, realistic snapshots for evaluation
// benchmarks: the same input for the Go benchmark in policies and for the
// evalbench command.
package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/baseline-scanner/baseline/checks"
)

// CollectedAt is the collection time of every generated snapshot.
var CollectedAt = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

// Regions are the regions of every generated account.
var Regions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}

var requiredFeatures = []string{"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}

var securityControls = []struct{ id, title, resourceType string }{
	{"S3.2", "S3 general purpose buckets should block public read access", "AwsS3Bucket"},
	{"S3.5", "S3 general purpose buckets should require requests to use SSL", "AwsS3Bucket"},
	{"EC2.18", "Security groups should only allow unrestricted incoming traffic for authorized ports", "AwsEc2SecurityGroup"},
	{"EC2.7", "EBS default encryption should be enabled", "AwsAccount"},
	{"IAM.1", "IAM policies should not allow full \"*\" administrative privileges", "AwsIamPolicy"},
	{"RDS.3", "RDS DB instances should have encryption at-rest enabled", "AwsRdsDbInstance"},
	{"Lambda.1", "Lambda function policies should prohibit public access", "AwsLambdaFunction"},
	{"EKS.1", "EKS cluster endpoints should not be publicly accessible", "AwsEksCluster"},
}

// Snapshot generates accounts accounts in four regions holding findings
// Security Hub findings in all, spread evenly, with a realistic mix: most
// findings PASSED or of low severity, a few CRITICAL and HIGH ones open, some
// old, most recent; GuardDuty detectors with a missing plan here and there;
// one or two trails per account; 10 to 30 instances per region with managed
// nodes and patch states; and now and then a fact that was not observed
// (null). The same arguments give the same snapshot.
func Snapshot(accounts, findings int, seed uint64) *checks.Snapshot {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	snap := &checks.Snapshot{
		SchemaVersion: checks.SnapshotSchemaVersion,
		Tool:          checks.Tool{Name: "baseline-synth", Version: "1"},
		CollectedAt:   CollectedAt,
		Scope:         checks.Scope{Regions: Regions},
		Accounts:      make([]checks.AccountFacts, accounts),
	}
	perRegion := 0
	extra := 0
	if accounts > 0 {
		perRegion = findings / (accounts * len(Regions))
		extra = findings - perRegion*accounts*len(Regions)
	}
	for a := range accounts {
		n := make([]int, len(Regions))
		for r := range n {
			n[r] = perRegion
			if extra > 0 {
				n[r]++
				extra--
			}
		}
		snap.Accounts[a] = account(rng, a, n)
		snap.Scope.Accounts = append(snap.Scope.Accounts, snap.Accounts[a].AccountID)
	}
	return snap
}

func pick[T any](rng *rand.Rand, items ...T) T { return items[rng.IntN(len(items))] }

func ptr[T any](v T) *T { return &v }

// ago is a time before the collection.
func ago(d time.Duration) time.Time { return CollectedAt.Add(-d) }

func account(rng *rand.Rand, index int, findingsPerRegion []int) checks.AccountFacts {
	id := fmt.Sprintf("%012d", 100000000000+index)
	acct := checks.AccountFacts{
		AccountID:   id,
		AccountName: pick(rng, "prod", "staging", "dev", "sandbox", "shared", "data") + fmt.Sprintf("-%04d", index),
		Regions:     Regions,
		SecurityHub: map[string]*checks.SecurityHubRegion{},
		GuardDuty:   map[string]*checks.GuardDutyRegion{},
		SSM:         map[string]*checks.SSMRegion{},
		Errors:      []checks.CollectionError{},
	}
	for i, region := range Regions {
		acct.SecurityHub[region] = securityHub(rng, id, region, findingsPerRegion[i])
		acct.GuardDuty[region] = guardDuty(rng, id, region)
		acct.SSM[region] = ssm(rng, region)
	}
	acct.CloudTrail = cloudTrail(rng, id)
	return acct
}

func securityHub(rng *rand.Rand, id, region string, findings int) *checks.SecurityHubRegion {
	switch x := rng.IntN(100); {
	case x < 2: // not enabled in this region
		return &checks.SecurityHubRegion{Enabled: ptr(false)}
	case x < 3: // DescribeHub not observed
		return &checks.SecurityHubRegion{}
	}
	hub := &checks.SecurityHubRegion{
		Enabled: ptr(true),
		HubARN:  "arn:aws:securityhub:" + region + ":" + id + ":hub/default",
		Standards: []checks.EnabledStandard{
			{StandardsARN: "arn:aws:securityhub:" + region + "::standards/aws-foundational-security-best-practices/v/1.0.0", SubscriptionARN: "arn:aws:securityhub:" + region + ":" + id + ":subscription/aws-foundational-security-best-practices/v/1.0.0", Status: "READY"},
		},
		Findings: make([]checks.SecurityHubFinding, 0, findings),
	}
	if rng.IntN(10) < 8 {
		hub.Standards = append(hub.Standards, checks.EnabledStandard{StandardsARN: "arn:aws:securityhub:" + region + "::standards/cis-aws-foundations-benchmark/v/3.0.0", SubscriptionARN: "arn:aws:securityhub:" + region + ":" + id + ":subscription/cis-aws-foundations-benchmark/v/3.0.0", Status: pick(rng, "READY", "READY", "READY", "INCOMPLETE")})
	}
	for f := range findings {
		c := securityControls[rng.IntN(len(securityControls))]
		label := "LOW"
		switch x := rng.IntN(100); {
		case x < 8:
			label = "CRITICAL"
		case x < 30:
			label = "HIGH"
		case x < 70:
			label = "MEDIUM"
		}
		compliance := "PASSED"
		switch x := rng.IntN(100); {
		case x < 25:
			compliance = "FAILED"
		case x < 28:
			compliance = "WARNING"
		case x < 30:
			compliance = "NOT_AVAILABLE"
		}
		workflow := "NEW"
		switch x := rng.IntN(100); {
		case x < 8:
			workflow = "NOTIFIED"
		case x < 12:
			workflow = "SUPPRESSED"
		case x < 18:
			workflow = "RESOLVED"
		}
		state := "ACTIVE"
		if rng.IntN(100) < 5 {
			state = "ARCHIVED"
		}
		// Most findings are recent; a long tail is months old.
		age := time.Duration(rng.ExpFloat64()*10*24) * time.Hour
		resource := fmt.Sprintf("arn:aws:%s:%s:%s:resource/r-%06d", region, region, id, rng.IntN(5000))
		hub.Findings = append(hub.Findings, checks.SecurityHubFinding{
			ID:               fmt.Sprintf("arn:aws:securityhub:%s:%s:security-control/%s/finding/%08x-%04d", region, id, c.id, rng.Uint32(), f),
			Title:            c.title,
			SeverityLabel:    label,
			RecordState:      state,
			WorkflowStatus:   workflow,
			ComplianceStatus: compliance,
			ResourceType:     c.resourceType,
			ResourceID:       resource,
			GeneratorID:      "security-control/" + c.id,
			ControlID:        c.id,
			FirstObservedAt:  ago(age).Truncate(time.Second),
			UpdatedAt:        ago(time.Duration(rng.IntN(48)) * time.Hour).Truncate(time.Second),
		})
	}
	return hub
}

func guardDuty(rng *rand.Rand, id, region string) *checks.GuardDutyRegion {
	if rng.IntN(100) < 1 {
		return &checks.GuardDutyRegion{} // not observed
	}
	if rng.IntN(100) < 3 {
		return &checks.GuardDutyRegion{Detectors: []checks.Detector{}, FindingCounts: map[string]int{}, HighFindings: []checks.GuardDutyFinding{}}
	}
	det := checks.Detector{ID: fmt.Sprintf("%032x", rng.Uint64()), Status: "ENABLED"}
	if rng.IntN(100) < 3 {
		det.Status = "DISABLED"
	}
	for _, f := range requiredFeatures {
		status := "ENABLED"
		if rng.IntN(100) < 5 {
			status = "DISABLED"
		}
		feature := checks.DetectorFeature{Name: f, Status: status}
		if f == "RUNTIME_MONITORING" {
			for _, a := range []string{"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"} {
				feature.AdditionalConfiguration = append(feature.AdditionalConfiguration, checks.FeatureConfiguration{Name: a, Status: status})
			}
		}
		det.Features = append(det.Features, feature)
	}
	gd := &checks.GuardDutyRegion{
		Detectors:     []checks.Detector{det},
		FindingCounts: map[string]int{"low": rng.IntN(40), "medium": rng.IntN(10), "high": 0, "critical": 0},
		HighFindings:  []checks.GuardDutyFinding{},
	}
	for i := range max(0, rng.IntN(10)-7) {
		gd.HighFindings = append(gd.HighFindings, checks.GuardDutyFinding{
			ID: fmt.Sprintf("%032x", rng.Uint64()), DetectorID: det.ID,
			Title: "EC2 instance is querying a domain name associated with Bitcoin-related activity.",
			Type:  "CryptoCurrency:EC2/BitcoinTool.B!DNS", Severity: 8.0,
			ResourceType: "Instance", ResourceID: fmt.Sprintf("i-%017x", i), UpdatedAt: ago(time.Hour),
		})
		gd.FindingCounts["high"]++
	}
	return gd
}

func cloudTrail(rng *rand.Rand, id string) *checks.CloudTrailFacts {
	if rng.IntN(100) < 1 {
		return &checks.CloudTrailFacts{} // DescribeTrails not observed
	}
	recent := ago(time.Duration(rng.IntN(30)) * time.Minute)
	main := checks.Trail{
		ARN: "arn:aws:cloudtrail:us-east-1:" + id + ":trail/main", Name: "main", HomeRegion: "us-east-1",
		IsMultiRegion: true, LogFileValidationEnabled: rng.IntN(10) < 9,
		S3BucketName:              "cloudtrail-" + id,
		CloudWatchLogsLogGroupARN: "arn:aws:logs:us-east-1:" + id + ":log-group:cloudtrail",
		Status:                    &checks.TrailStatus{IsLogging: rng.IntN(50) > 0, LatestDeliveryTime: &recent, LatestCloudWatchLogsDeliveryTime: &recent},
		ManagementEvents:          ptr("all"),
	}
	if rng.IntN(10) < 7 {
		main.KMSKeyID = "arn:aws:kms:us-east-1:" + id + ":key/" + fmt.Sprintf("%08x", rng.Uint32())
	}
	facts := &checks.CloudTrailFacts{Trails: []checks.Trail{main}}
	if rng.IntN(10) < 3 {
		old := ago(time.Duration(24+rng.IntN(200)) * time.Hour)
		facts.Trails = append(facts.Trails, checks.Trail{
			ARN: "arn:aws:cloudtrail:eu-west-1:" + id + ":trail/data-events", Name: "data-events", HomeRegion: "eu-west-1",
			S3BucketName:     "data-events-" + id,
			Status:           &checks.TrailStatus{IsLogging: true, LatestDeliveryTime: &old, LatestDeliveryError: pick(rng, "", "AccessDenied")},
			ManagementEvents: ptr(pick(rng, "none", "write")),
		})
	}
	return facts
}

func ssm(rng *rand.Rand, region string) *checks.SSMRegion {
	if rng.IntN(100) < 1 {
		return &checks.SSMRegion{} // not observed
	}
	s := &checks.SSMRegion{Instances: []checks.EC2Instance{}, ManagedNodes: []checks.ManagedNode{}, PatchStates: []checks.PatchState{}}
	for i := range 10 + rng.IntN(21) {
		id := fmt.Sprintf("i-%s-%05d", region, i)
		s.Instances = append(s.Instances, checks.EC2Instance{InstanceID: id, State: pick(rng, "running", "running", "running", "stopped"), Name: fmt.Sprintf("web-%d", i), Platform: "Linux/UNIX"})
		if rng.IntN(100) < 8 {
			continue // not managed
		}
		ping := ago(time.Duration(rng.IntN(10)) * time.Minute)
		s.ManagedNodes = append(s.ManagedNodes, checks.ManagedNode{InstanceID: id, PingStatus: pick(rng, "Online", "Online", "Online", "Online", "ConnectionLost"), LastPingAt: &ping, AgentVersion: "3.3.1142.0", PlatformType: "Linux", ResourceType: "EC2Instance"})
		scan := ago(time.Duration(rng.IntN(12*24)) * time.Hour)
		s.PatchStates = append(s.PatchStates, checks.PatchState{
			InstanceID: id, PatchGroup: "default", MissingCount: max(0, rng.IntN(10)-7), FailedCount: max(0, rng.IntN(20)-18),
			SecurityNonCompliantCount: max(0, rng.IntN(10)-8), Operation: pick(rng, "Scan", "Install"), OperationEndTime: &scan,
		})
	}
	return s
}
