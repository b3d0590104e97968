package awssim

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// GenerateOptions describe a generated organization.
type GenerateOptions struct {
	// Accounts is the number of ACTIVE accounts, the management account
	// included (at least 1).
	Accounts int
	// Regions are enabled in every account (default us-east-1, eu-west-1,
	// ap-northeast-1, us-west-2).
	Regions []string
	// Seed makes the world repeatable: the same options give the same world.
	Seed uint64
	// LargeAccountShare is the fraction of accounts that are large: one or
	// two regions with thousands of Security Hub findings, hundreds of
	// instances and GuardDuty findings (default 0.03; negative for none).
	LargeAccountShare float64
	// Only, when set, says which accounts get their services generated
	// (index i of Accounts, id); the others are in the organization (id,
	// name, email, status, role) with nothing in their regions. Each
	// account's services come from a random stream of its own (the seed
	// and its index), so the accounts Only keeps equal the same accounts
	// of the whole world: a shard's simulator can hold its accounts alone.
	Only func(i int, id AccountID) bool
}

// DefaultGenerateRegions are the regions of a generated world by default.
var DefaultGenerateRegions = []string{"us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2"}

// Generate builds a realistic organization of opts.Accounts accounts: most
// small (tens to hundreds of Security Hub findings per region, a few dozen
// instances), a few large; Security Hub and GuardDuty enabled in most
// regions, an organization trail plus some account trails, most instances
// managed by SSM with patch states, some of them non-compliant. Findings
// follow real distributions: most are MEDIUM or LOW, many PASSED or
// resolved, so the scanner's server-side filter matters.
//
// Ids are filled in here, so Start adds nothing per item and a world of
// 1,000 accounts stays compact.
func Generate(opts GenerateOptions) *World {
	g := &generator{seed: opts.Seed}
	regions := opts.Regions
	if len(regions) == 0 {
		regions = DefaultGenerateRegions
	}
	large := opts.LargeAccountShare
	if large == 0 {
		large = 0.03
	}
	n := max(opts.Accounts, 1)
	w := &World{
		OrganizationID: "o-" + hexID(10, "generated-org", strconv.FormatUint(opts.Seed, 10)),
		Regions:        append([]string(nil), regions...),
		Accounts:       make([]Account, n),
	}
	g.productARN = map[string]string{}
	for _, r := range regions {
		g.productARN[r] = "arn:aws:securityhub:" + r + "::product/aws/securityhub"
	}
	for i := range w.Accounts {
		id := fmt.Sprintf("%012d", 100000000000+uint64(i)*7919+opts.Seed%7919)
		a := Account{
			ID:         AccountID(id),
			Name:       fmt.Sprintf("workload-%04d", i),
			Email:      fmt.Sprintf("aws+workload-%04d@example.com", i),
			Status:     "ACTIVE",
			RoleName:   "OrganizationAccountAccessRole",
			Management: i == 0,
			Regions:    map[string]*RegionState{},
		}
		if i == 0 {
			a.Name, a.Email = "management", "aws+management@example.com"
		}
		if opts.Only != nil && !opts.Only(i, a.ID) {
			w.Accounts[i] = a
			continue
		}
		g.account(i)
		isLarge := i > 0 && g.rng.Float64() < large
		bigRegions := 1 + g.rng.IntN(2)
		for j, r := range regions {
			a.Regions[r] = g.region(&a, r, j == 0, isLarge && j < bigRegions)
		}
		w.Accounts[i] = a
	}
	return w
}

type generator struct {
	rng        *rand.Rand
	seed       uint64
	productARN map[string]string
	acct       string // the account's index, in its ids
	n          uint64 // id sequence, within the account
}

// account starts account i's own random stream and id sequence: what is
// generated for an account depends on the seed and its index alone.
func (g *generator) account(i int) {
	g.rng = rand.New(rand.NewPCG(g.seed, g.seed^0x6e6e^(uint64(i)+1)*0x9e3779b97f4a7c15))
	g.acct, g.n = strconv.Itoa(i), 0
}

func (g *generator) pick(weights ...float64) int {
	x := g.rng.Float64()
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *generator) hex(n int) string {
	g.n++
	return hexID(n, "gen", strconv.FormatUint(g.seed, 10), g.acct, strconv.FormatUint(g.n, 10))
}

// Shared strings keep a large world small: findings point into these.
var (
	genControls = []struct{ control, title string }{
		{"S3.8", "S3 general purpose buckets should block public access"},
		{"EC2.19", "Security groups should not allow unrestricted access to ports with high risk"},
		{"IAM.6", "Hardware MFA should be enabled for the root user"},
		{"RDS.3", "RDS DB instances should have encryption at-rest enabled"},
		{"EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)"},
		{"Lambda.2", "Lambda functions should use supported runtimes"},
		{"KMS.4", "AWS KMS key rotation should be enabled"},
		{"ECR.1", "ECR private repositories should have image scanning configured"},
		{"EKS.2", "EKS clusters should run on a supported Kubernetes version"},
		{"CloudTrail.1", "CloudTrail should be enabled and configured with at least one multi-Region trail"},
	}
	genGenerator = func() map[string]string {
		m := map[string]string{}
		for _, c := range genControls {
			m[c.control] = "security-control/" + c.control
		}
		return m
	}()
	genResourceTypes = []string{"AwsS3Bucket", "AwsEc2SecurityGroup", "AwsAccount", "AwsRdsDbInstance", "AwsEc2Instance", "AwsLambdaFunction", "AwsKmsKey", "AwsEcrRepository", "AwsEksCluster", "AwsCloudTrailTrail"}
	genAges          = func() []Time {
		out := make([]Time, 0, 400)
		for d := 0; d < 400; d++ {
			out = append(out, Time(strconv.Itoa(d)+"d"))
		}
		return out
	}()
	genSeverities  = []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"}
	genCompliance  = []string{"FAILED", "PASSED", "WARNING", "NOT_AVAILABLE"}
	genWorkflows   = []string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}
	genRecordState = []string{"ACTIVE", "ARCHIVED"}
	genGDTypes     = []struct {
		typ, title, resource string
		severity             float64
	}{
		{"UnauthorizedAccess:EC2/SSHBruteForce", "SSH brute force attacks against an EC2 instance", "Instance", 2},
		{"Recon:EC2/PortProbeUnprotectedPort", "Unprotected port on an EC2 instance is being probed", "Instance", 2},
		{"CryptoCurrency:EC2/BitcoinTool.B!DNS", "EC2 instance is querying a domain name associated with Bitcoin", "Instance", 8},
		{"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "Credentials for an EC2 instance role are used outside AWS", "AccessKey", 8},
		{"Policy:S3/BucketBlockPublicAccessDisabled", "Block public access was disabled for an S3 bucket", "S3Bucket", 2},
		{"Backdoor:EC2/C&CActivity.B!DNS", "EC2 instance is querying a command and control server", "Instance", 8},
		{"Discovery:S3/AnomalousBehavior", "An IAM entity invoked an S3 API in a suspicious way", "S3Bucket", 5},
		{"Execution:Runtime/SuspiciousCommand", "A suspicious command was executed in a container", "EKSCluster", 9},
	}
	genFeatures = map[string]string{
		"S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "ENABLED", "EBS_MALWARE_PROTECTION": "ENABLED",
		"RDS_LOGIN_EVENTS": "ENABLED", "LAMBDA_NETWORK_LOGS": "ENABLED", "RUNTIME_MONITORING": "ENABLED",
	}
	genStandards = []Standard{
		{ARN: "aws-foundational-security-best-practices/v/1.0.0", Status: "READY"},
		{ARN: "cis-aws-foundations-benchmark/v/3.0.0", Status: "READY"},
	}
	genPlatforms = []string{"Amazon Linux", "Ubuntu", "Windows Server 2022"}
	// AWS no longer reports the deprecated Inactive (SSM-11).
	genPing = []string{"Online", "ConnectionLost"}
)

// region generates one account's services in one region. home is the
// account's first region, where its own trail lives; large makes the region
// one of a large account's busy ones.
func (g *generator) region(a *Account, region string, home, large bool) *RegionState {
	st := &RegionState{}
	id := string(a.ID)

	// Security Hub: enabled in 95% of regions; thousands of findings in a
	// large account's busy regions.
	if g.rng.Float64() < 0.95 {
		sh := &SecurityHubState{Enabled: true, SubscribedAt: "400d"}
		for _, s := range genStandards {
			s.ARN = "arn:aws:securityhub:" + region + "::standards/" + s.ARN
			if g.rng.Float64() < 0.03 {
				s.Status = "INCOMPLETE"
			}
			sh.Standards = append(sh.Standards, s)
		}
		n := 20 + g.rng.IntN(180)
		severity := []float64{0.03, 0.12, 0.40, 0.30}
		if large {
			n = 3000 + g.rng.IntN(5000)
			severity = []float64{0.05, 0.25, 0.40, 0.20}
		}
		sh.Findings = make([]SecurityHubFinding, n)
		for k := range sh.Findings {
			c := genControls[g.rng.IntN(len(genControls))]
			first := g.rng.IntN(len(genAges))
			f := SecurityHubFinding{
				Title:         c.title,
				Severity:      genSeverities[g.pick(severity...)],
				Control:       c.control,
				GeneratorID:   genGenerator[c.control],
				ProductARN:    g.productARN[region],
				Compliance:    genCompliance[g.pick(0.55, 0.35, 0.07)],
				RecordState:   genRecordState[g.pick(0.9)],
				Workflow:      genWorkflows[g.pick(0.7, 0.1, 0.12)],
				Resource:      Resource{Type: genResourceTypes[g.rng.IntN(len(genResourceTypes))], ID: "arn:aws:resource:" + region + ":" + id + ":r/" + g.hex(12)},
				FirstObserved: genAges[first],
				Updated:       genAges[g.rng.IntN(first+1)],
			}
			f.ID = "arn:aws:securityhub:" + region + ":" + id + ":security-control/" + c.control + "/finding/" + g.hex(32)
			sh.Findings[k] = f
		}
		sh.V2 = genSecurityHubV2(id, region)
		st.SecurityHub = sh
	}

	// GuardDuty: a detector in 95% of regions, most plans on.
	if g.rng.Float64() < 0.95 {
		d := Detector{ID: g.hex(32), Status: "ENABLED", FindingPublishingFrequency: "FIFTEEN_MINUTES", Features: genFeatures}
		if g.rng.Float64() < 0.1 {
			d.Features = nil // only the foundational sources
		}
		if g.rng.Float64() < 0.02 {
			d.Status = "DISABLED"
		}
		n := g.rng.IntN(15)
		if large {
			n = 100 + g.rng.IntN(300)
		}
		d.Findings = make([]GuardDutyFinding, n)
		for k := range d.Findings {
			t := genGDTypes[g.rng.IntN(len(genGDTypes))]
			d.Findings[k] = GuardDutyFinding{
				ID:       g.hex(32),
				Type:     t.typ,
				Title:    t.title,
				Severity: t.severity,
				Archived: g.rng.Float64() < 0.2,
				Count:    1 + g.rng.IntN(20),
				Created:  genAges[g.rng.IntN(90)],
				Resource: Resource{Type: t.resource, ID: "r-" + g.hex(12)},
			}
		}
		st.GuardDuty = &GuardDutyState{Detectors: []Detector{d}}
	}

	// CloudTrail: the management account's organization trail and, in 70%
	// of accounts, an own multi-region trail in the home region; 10% add a
	// single-region trail.
	if home {
		var trails []Trail
		if a.Management {
			trails = append(trails, Trail{
				Name: "org-trail", MultiRegion: true, Organization: true, S3Bucket: "org-cloudtrail-logs",
				KMSKeyID: "arn:aws:kms:" + region + ":" + id + ":key/" + g.hex(32), LogFileValidation: true,
				Logging: true, LatestDelivery: "10m",
			})
		}
		if a.Management || g.rng.Float64() < 0.7 {
			trails = append(trails, Trail{
				Name: "account-trail", MultiRegion: true, S3Bucket: "cloudtrail-" + id,
				LogFileValidation: g.rng.Float64() < 0.8, Logging: g.rng.Float64() < 0.95, LatestDelivery: "20m",
			})
		}
		if g.rng.Float64() < 0.1 {
			trails = append(trails, Trail{Name: "data-events", S3Bucket: "data-events-" + id, Logging: true, LatestDelivery: "5m"})
		}
		if trails != nil {
			st.CloudTrail = &CloudTrailState{Trails: trails}
		}
	}

	// EC2 and SSM: a few dozen instances, hundreds in a large region; 85%
	// managed, most with a recent patch scan.
	n := g.rng.IntN(30)
	if large {
		n = 150 + g.rng.IntN(250)
	}
	if n > 0 {
		ec := &EC2State{Instances: make([]Instance, n)}
		sm := &SSMState{}
		for k := range ec.Instances {
			iid := "i-" + g.hex(17)
			state := "running"
			if g.rng.Float64() < 0.15 {
				state = "stopped"
			}
			platform := genPlatforms[g.pick(0.6, 0.3)]
			ec.Instances[k] = Instance{ID: iid, State: state, Type: "t3.micro", Platform: "Linux/UNIX", ImageID: "ami-0abcdef1234567890"}
			if g.rng.Float64() >= 0.85 {
				continue
			}
			node := ManagedNode{
				ID: iid, PingStatus: genPing[g.pick(0.9, 0.07)], LastPing: "5m", AgentVersion: "3.3.1142.0",
				PlatformType: "Linux", PlatformName: platform, ResourceType: "EC2Instance",
			}
			if platform == "Windows Server 2022" {
				node.PlatformType = "Windows"
			}
			if g.rng.Float64() < 0.9 {
				p := &PatchState{Installed: 100 + g.rng.IntN(200), Operation: "Scan", OperationStart: genAges[g.rng.IntN(10)], BaselineID: "pb-0123456789abcdef0"}
				if g.rng.Float64() < 0.25 {
					p.Missing = 1 + g.rng.IntN(10)
					p.SecurityNonCompliant = g.rng.IntN(p.Missing + 1)
				}
				node.Patch = p
			}
			sm.ManagedNodes = append(sm.ManagedNodes, node)
		}
		st.EC2, st.SSM = ec, sm
	}
	return st
}
