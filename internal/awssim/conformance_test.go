package awssim

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/baseline-scanner/baseline/internal/awssim/awsmodel"
)

// conformanceWorld is the sample world with a delegated administrator for
// Security Hub (with a finding aggregator) and GuardDuty, so that the
// administrator operations answer with data.
func conformanceWorld(t *testing.T) *World {
	t.Helper()
	w, err := SampleWorld()
	if err != nil {
		t.Fatal(err)
	}
	w.DelegatedAdmin = &DelegatedAdmin{
		SecurityHub:            "222222222222",
		GuardDuty:              "222222222222",
		FindingAggregator:      &FindingAggregator{Region: "us-east-1"},
		GuardDutyNotAssociated: []AccountID{"444444444444"},
		SSM:                    "222222222222",
		SSMSync:                &SSMSync{Region: "us-east-1"},
	}
	return w
}

// TestConformanceToAWSModels drives every operation the simulator serves
// through the AWS SDK, with realistic inputs against the sample world and a
// generated one (paginated listings included), and validates every
// response and error against AWS's published service models (botocore's
// service-2.json): member names and types, required members, enum values,
// page sizes, declared error codes and the protocol's error shape.
func TestConformanceToAWSModels(t *testing.T) {
	conf := newConformance(t)
	rec := &recorder{}

	s := startWorld(t, conformanceWorld(t))
	driveAll(t, s, rec)
	conf.check(rec.take())

	tw, err := LoadWorld(t.Context(), "testdata/world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	driveAll(t, startWorld(t, tw), rec)
	conf.check(rec.take())

	g := Generate(GenerateOptions{Accounts: 4, Seed: 7, LargeAccountShare: 0.5})
	gs := startWorld(t, g)
	driveAll(t, gs, rec)
	conf.check(rec.take())

	// Every operation answers throttling in its protocol's shape.
	ts, err := Start(conformanceWorld(t), Options{Now: func() time.Time { return testNow }, Seed: 1, ThrottleRate: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	driveAll(t, ts, rec)
	conf.check(rec.take())

	// Unknown credentials: each protocol's authentication error.
	bad := &recorder{}
	driveUnknownCredentials(t, s, bad)
	conf.check(bad.take())

	for _, key := range servedOperations() {
		svc, op, _ := cutKey(key)
		if _, ok := conf.models[svc].Operations[op]; !ok {
			t.Errorf("%s is served but is not an operation of the %s model", key, svc)
			continue
		}
		if conf.ok[key] == 0 {
			t.Errorf("%s: no successful response was validated", key)
		}
		if conf.failed[key] == 0 {
			t.Errorf("%s: no error response was validated", key)
		}
		t.Logf("%s: %d responses and %d errors validated (codes %v)", key, conf.ok[key], conf.failed[key], slices.Sorted(maps.Keys(conf.codes[key])))
	}
	conf.report(t)
}

func cutKey(key string) (svc, op string, ok bool) {
	for i := range key {
		if key[i] == ':' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

// driveAll calls every served operation as each account in each region,
// walking every page, plus the calls that must fail.
func driveAll(t *testing.T, s *Server, rec *recorder) {
	t.Helper()
	ctx := t.Context()
	w := s.world
	for _, a := range w.Accounts {
		if a.Status != "ACTIVE" {
			continue
		}
		for _, region := range w.Regions {
			cfg := recordedConfig(s, rec, string(a.ID), region)
			driveSecurityHub(ctx, cfg, s)
			driveGuardDuty(ctx, cfg)
			driveCloudTrail(ctx, cfg)
			driveSSM(ctx, cfg)
			driveEC2(ctx, cfg)
		}
		cfg := recordedConfig(s, rec, string(a.ID), "us-east-1")
		driveGlobal(ctx, cfg, s)
	}
}

// limits are the MaxResults values a listing is walked with: the default,
// the model's minimum and maximum.
func limits(lo, hi int32) []*int32 { return []*int32{nil, aws.Int32(lo), aws.Int32(hi)} }

// maxPages bounds a walk: a few pages at a small page size (the full walks
// at every size are TestConformancePageLimits'), every page otherwise.
func maxPages(n *int32) int {
	if n != nil && *n < 10 {
		return 3
	}
	return 1000
}

func driveSecurityHub(ctx context.Context, cfg aws.Config, s *Server) {
	sh := securityhub.NewFromConfig(cfg)
	_, _ = sh.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	for _, n := range limits(1, 100) {
		in := &securityhub.GetEnabledStandardsInput{MaxResults: n}
		for pages := 0; pages < maxPages(n); pages++ {
			out, err := sh.GetEnabledStandards(ctx, in)
			if err != nil || out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	_, _ = sh.GetEnabledStandards(ctx, &securityhub.GetEnabledStandardsInput{MaxResults: aws.Int32(101)})
	filters := []*shtypes.AwsSecurityFindingFilters{nil, {
		RecordState:    []shtypes.StringFilter{{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String("ACTIVE")}},
		WorkflowStatus: []shtypes.StringFilter{{Comparison: shtypes.StringFilterComparisonNotEquals, Value: aws.String("SUPPRESSED")}},
	}}
	for _, f := range filters {
		for _, n := range limits(1, 100) {
			in := &securityhub.GetFindingsInput{Filters: f, MaxResults: n}
			for pages := 0; pages < maxPages(n); pages++ {
				out, err := sh.GetFindings(ctx, in)
				if err != nil || out.NextToken == nil {
					break
				}
				in.NextToken = out.NextToken
			}
		}
	}
	_, _ = sh.GetFindings(ctx, &securityhub.GetFindingsInput{MaxResults: aws.Int32(101)})
	_, _ = sh.GetFindings(ctx, &securityhub.GetFindingsInput{NextToken: aws.String("not-a-token")})
	_, _ = sh.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: &shtypes.AwsSecurityFindingFilters{
		CompanyName: []shtypes.StringFilter{{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String("AWS")}}}})
	aggs, err := sh.ListFindingAggregators(ctx, &securityhub.ListFindingAggregatorsInput{})
	if err == nil {
		for _, agg := range aggs.FindingAggregators {
			_, _ = sh.GetFindingAggregator(ctx, &securityhub.GetFindingAggregatorInput{FindingAggregatorArn: agg.FindingAggregatorArn})
		}
	}
	_, _ = sh.GetFindingAggregator(ctx, &securityhub.GetFindingAggregatorInput{
		FindingAggregatorArn: aws.String("arn:aws:securityhub:us-east-1:000000000000:finding-aggregator/00000000-0000-0000-0000-000000000000")})
	for _, n := range limits(1, 50) {
		in := &securityhub.ListMembersInput{MaxResults: n}
		for pages := 0; pages < maxPages(n); pages++ {
			out, err := sh.ListMembers(ctx, in)
			if err != nil || out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	_, _ = sh.ListMembers(ctx, &securityhub.ListMembersInput{MaxResults: aws.Int32(51)})
	if out, err := sh.ListMembers(ctx, &securityhub.ListMembersInput{MaxResults: aws.Int32(3)}); err == nil {
		ids := []string{"000000000000"} // not a member: unprocessed
		for _, m := range out.Members {
			ids = append(ids, aws.ToString(m.AccountId))
		}
		_, _ = sh.GetMembers(ctx, &securityhub.GetMembersInput{AccountIds: ids})
	}
	_, _ = sh.GetMembers(ctx, &securityhub.GetMembersInput{AccountIds: make([]string, 51)})
	driveSecurityHubV2(ctx, sh, s)
}

func driveGuardDuty(ctx context.Context, cfg aws.Config) {
	gd := guardduty.NewFromConfig(cfg)
	var ids []string
	for _, n := range limits(1, 50) {
		in := &guardduty.ListDetectorsInput{MaxResults: n}
		for pages := 0; pages < maxPages(n); pages++ {
			out, err := gd.ListDetectors(ctx, in)
			if err != nil {
				break
			}
			if n == nil {
				ids = append(ids, out.DetectorIds...)
			}
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	_, _ = gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(51)})
	driveGuardDutyCoverage(ctx, gd, ids)
	_, _ = gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("0123456789abcdef0123456789abcdef")})
	for _, id := range ids {
		_, _ = gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
		crit := &gdtypes.FindingCriteria{Criterion: map[string]gdtypes.Condition{
			"service.archived": {Equals: []string{"false"}},
			"severity":         {GreaterThanOrEqual: aws.Int64(4)},
		}}
		_, _ = gd.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{DetectorId: aws.String(id), FindingCriteria: crit,
			GroupBy: gdtypes.GroupByTypeAccount, MaxResults: aws.Int32(100), OrderBy: gdtypes.OrderByDesc})
		_, _ = gd.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{DetectorId: aws.String(id), FindingCriteria: crit,
			FindingStatisticTypes: []gdtypes.FindingStatisticType{gdtypes.FindingStatisticTypeCountBySeverity}})
		_, _ = gd.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{DetectorId: aws.String(id), GroupBy: gdtypes.GroupByTypeAccount, MaxResults: aws.Int32(101)})
		for _, c := range []*gdtypes.FindingCriteria{nil, crit} {
			for _, n := range limits(1, 50) {
				in := &guardduty.ListFindingsInput{DetectorId: aws.String(id), FindingCriteria: c, MaxResults: n}
				for pages := 0; pages < maxPages(n); pages++ {
					out, err := gd.ListFindings(ctx, in)
					if err != nil {
						break
					}
					if n != nil && *n == 50 && len(out.FindingIds) > 0 {
						_, _ = gd.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: aws.String(id), FindingIds: out.FindingIds})
					}
					if out.NextToken == nil {
						break
					}
					in.NextToken = out.NextToken
				}
			}
		}
		_, _ = gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: aws.String(id), MaxResults: aws.Int32(51)})
		_, _ = gd.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: aws.String(id), FindingIds: make([]string, 51)})
		for _, only := range []string{"true", "false"} {
			for _, n := range limits(1, 50) {
				in := &guardduty.ListMembersInput{DetectorId: aws.String(id), OnlyAssociated: aws.String(only), MaxResults: n}
				for pages := 0; pages < maxPages(n); pages++ {
					out, err := gd.ListMembers(ctx, in)
					if err != nil || out.NextToken == nil {
						break
					}
					in.NextToken = out.NextToken
				}
			}
		}
		_, _ = gd.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: aws.String(id), MaxResults: aws.Int32(51)})
		if out, err := gd.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: aws.String(id), OnlyAssociated: aws.String("false"), MaxResults: aws.Int32(3)}); err == nil {
			ids := []string{"000000000000"} // not a member: unprocessed
			for _, m := range out.Members {
				ids = append(ids, aws.ToString(m.AccountId))
			}
			_, _ = gd.GetMembers(ctx, &guardduty.GetMembersInput{DetectorId: aws.String(id), AccountIds: ids})
		}
		_, _ = gd.GetMembers(ctx, &guardduty.GetMembersInput{DetectorId: aws.String(id), AccountIds: make([]string, 51)})
	}
}

func driveCloudTrail(ctx context.Context, cfg aws.Config) {
	ct := cloudtrail.NewFromConfig(cfg)
	for _, shadows := range []*bool{nil, aws.Bool(false)} {
		out, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: shadows})
		if err != nil {
			continue
		}
		for _, tr := range out.TrailList {
			_, _ = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: tr.TrailARN})
			_, _ = ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: tr.TrailARN})
			_, _ = ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{aws.ToString(tr.TrailARN)}})
		}
	}
	_, _ = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("no-such-trail")})
	_, _ = ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("no-such-trail")})
	_, _ = ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("arn:aws:s3:::not-a-trail")})
	_, _ = ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{"arn:aws:s3:::not-a-trail"}})
}

func driveSSM(ctx context.Context, cfg aws.Config) {
	sm := ssm.NewFromConfig(cfg)
	var ids []string
	for _, n := range limits(5, 50) {
		in := &ssm.DescribeInstanceInformationInput{MaxResults: n}
		for pages := 0; pages < maxPages(n); pages++ {
			out, err := sm.DescribeInstanceInformation(ctx, in)
			if err != nil {
				break
			}
			if n == nil {
				for _, info := range out.InstanceInformationList {
					ids = append(ids, aws.ToString(info.InstanceId))
				}
			}
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	_, _ = sm.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{
		Filters: []ssmtypes.InstanceInformationStringFilter{{Key: aws.String("PingStatus"), Values: []string{"Online"}}}})
	for _, n := range []int32{4, 51} {
		_, _ = sm.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(n)})
	}
	_, _ = sm.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{
		Filters:                       []ssmtypes.InstanceInformationStringFilter{{Key: aws.String("PingStatus"), Values: []string{"Online"}}},
		InstanceInformationFilterList: []ssmtypes.InstanceInformationFilter{{Key: ssmtypes.InstanceInformationFilterKeyPingStatus, ValueSet: []string{"Online"}}}})
	_, _ = sm.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{NextToken: aws.String("not-a-token")})
	for chunk := range slices.Chunk(append(ids, "i-0000000000000dead"), 50) {
		for _, n := range limits(10, 100) {
			in := &ssm.DescribeInstancePatchStatesInput{InstanceIds: chunk, MaxResults: n}
			for pages := 0; pages < maxPages(n); pages++ {
				out, err := sm.DescribeInstancePatchStates(ctx, in)
				if err != nil || out.NextToken == nil {
					break
				}
				in.NextToken = out.NextToken
			}
		}
	}
	for _, n := range []int32{9, 101} {
		_, _ = sm.DescribeInstancePatchStates(ctx, &ssm.DescribeInstancePatchStatesInput{InstanceIds: []string{"i-0000000000000dead"}, MaxResults: aws.Int32(n)})
	}
	driveSSMNodes(ctx, sm)
}

// driveSSMNodes drives the organization node inventory: the resource data
// sync and ListNodes, with and without the sync, paged, filtered and wrong.
func driveSSMNodes(ctx context.Context, sm *ssm.Client) {
	for _, n := range limits(1, 50) {
		in := &ssm.ListResourceDataSyncInput{MaxResults: n}
		for pages := 0; pages < maxPages(n); pages++ {
			out, err := sm.ListResourceDataSync(ctx, in)
			if err != nil || out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	_, _ = sm.ListResourceDataSync(ctx, &ssm.ListResourceDataSyncInput{SyncType: aws.String("SyncToDestination")})
	_, _ = sm.ListResourceDataSync(ctx, &ssm.ListResourceDataSyncInput{MaxResults: aws.Int32(51)})
	_, _ = sm.ListResourceDataSync(ctx, &ssm.ListResourceDataSyncInput{NextToken: aws.String("not-a-token")})
	for _, sync := range []*string{nil, aws.String(SSMSyncName)} {
		for _, n := range limits(1, 50) {
			in := &ssm.ListNodesInput{SyncName: sync, MaxResults: n}
			for pages := 0; pages < maxPages(n); pages++ {
				out, err := sm.ListNodes(ctx, in)
				if err != nil || out.NextToken == nil {
					break
				}
				in.NextToken = out.NextToken
			}
		}
		_, _ = sm.ListNodes(ctx, &ssm.ListNodesInput{SyncName: sync, Filters: []ssmtypes.NodeFilter{
			{Key: ssmtypes.NodeFilterKeyRegion, Values: []string{"us-east-1", "eu-west-1"}},
			{Key: ssmtypes.NodeFilterKeyManagedStatus, Values: []string{"Unmanaged"}, Type: ssmtypes.NodeFilterOperatorTypeEqual},
			{Key: ssmtypes.NodeFilterKeyAccountId, Values: []string{"11"}, Type: ssmtypes.NodeFilterOperatorTypeBeginWith},
			{Key: ssmtypes.NodeFilterKeyInstanceId, Values: []string{"i-0000000000000dead"}, Type: ssmtypes.NodeFilterOperatorTypeNotEqual},
		}})
		_, _ = sm.ListNodes(ctx, &ssm.ListNodesInput{SyncName: sync, Filters: []ssmtypes.NodeFilter{{Key: ssmtypes.NodeFilterKeyAgentType, Values: []string{"amazon-ssm-agent"}}}})
	}
	byRegion := []ssmtypes.NodeAggregator{{AggregatorType: ssmtypes.NodeAggregatorTypeCount, TypeName: ssmtypes.NodeTypeNameInstance, AttributeName: ssmtypes.NodeAttributeNameRegion,
		Aggregators: []ssmtypes.NodeAggregator{{AggregatorType: ssmtypes.NodeAggregatorTypeCount, TypeName: ssmtypes.NodeTypeNameInstance, AttributeName: ssmtypes.NodeAttributeNamePlatformType}}}}
	for _, sync := range []*string{nil, aws.String(SSMSyncName), aws.String("another-sync")} {
		for _, n := range limits(1, 50) {
			in := &ssm.ListNodesSummaryInput{SyncName: sync, Aggregators: byRegion, MaxResults: n}
			for pages := 0; pages < maxPages(n); pages++ {
				out, err := sm.ListNodesSummary(ctx, in)
				if err != nil || out.NextToken == nil {
					break
				}
				in.NextToken = out.NextToken
			}
		}
	}
	_, _ = sm.ListNodesSummary(ctx, &ssm.ListNodesSummaryInput{Aggregators: []ssmtypes.NodeAggregator{{AggregatorType: "Sum", TypeName: ssmtypes.NodeTypeNameInstance, AttributeName: ssmtypes.NodeAttributeNameRegion}}})
	_, _ = sm.ListNodes(ctx, &ssm.ListNodesInput{SyncName: aws.String("another-sync")})
	_, _ = sm.ListNodes(ctx, &ssm.ListNodesInput{MaxResults: aws.Int32(51)})
	_, _ = sm.ListNodes(ctx, &ssm.ListNodesInput{NextToken: aws.String("not-a-token")})
}

func driveEC2(ctx context.Context, cfg aws.Config) {
	e := ec2.NewFromConfig(cfg)
	for _, n := range []*int32{nil, aws.Int32(5), aws.Int32(1000)} {
		in := &ec2.DescribeInstancesInput{MaxResults: n}
		for pages := 0; pages < maxPages(n); pages++ {
			out, err := e.DescribeInstances(ctx, in)
			if err != nil || out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	_, _ = e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"running", "stopped"}}}})
	_, _ = e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0000000000000dead"}})
	_, _ = e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(4)})
	_, _ = e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), InstanceIds: []string{"i-0000000000000dead"}})
	_, _ = e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{NextToken: aws.String("not-a-token")})
}

func driveGlobal(ctx context.Context, cfg aws.Config, s *Server) {
	e := ec2.NewFromConfig(cfg)
	_, _ = e.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	_, _ = e.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	_, _ = e.DescribeRegions(ctx, &ec2.DescribeRegionsInput{RegionNames: []string{"us-east-1"}})

	acct := account.NewFromConfig(cfg)
	for _, n := range limits(1, 50) {
		in := &account.ListRegionsInput{MaxResults: n}
		for pages := 0; pages < maxPages(n); pages++ {
			out, err := acct.ListRegions(ctx, in)
			if err != nil || out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	_, _ = acct.ListRegions(ctx, &account.ListRegionsInput{MaxResults: aws.Int32(51)})

	org := organizations.NewFromConfig(cfg)
	for _, n := range limits(1, 20) {
		in := &organizations.ListAccountsInput{MaxResults: n}
		for pages := 0; pages < maxPages(n); pages++ {
			out, err := org.ListAccounts(ctx, in)
			if err != nil || out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	_, _ = org.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
	for _, a := range s.world.Accounts {
		_, _ = org.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(string(a.ID))})
	}
	_, _ = org.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String("999999999999")})
	_, _ = org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})

	st := sts.NewFromConfig(cfg)
	_, _ = st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	for _, a := range s.world.Accounts {
		_, _ = st.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn:         aws.String(fmt.Sprintf("arn:aws:iam::%s:role/%s", a.ID, a.RoleName)),
			RoleSessionName: aws.String("baseline-conformance"),
		})
	}
	_, _ = st.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/Nope"), RoleSessionName: aws.String("x")})
}

// driveUnknownCredentials calls one operation of each protocol with keys
// the simulator does not know.
func driveUnknownCredentials(t *testing.T, s *Server, rec *recorder) {
	ctx := t.Context()
	cfg := recordedConfig(s, rec, string(s.mgmt.ID), "us-east-1")
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIAUNKNOWN000000000", SecretAccessKey: "x"}, nil
	})
	_, _ = securityhub.NewFromConfig(cfg).DescribeHub(ctx, &securityhub.DescribeHubInput{})
	_, _ = guardduty.NewFromConfig(cfg).ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	_, _ = cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	_, _ = ssm.NewFromConfig(cfg).DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{})
	_, _ = ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	_, _ = organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
	_, _ = account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{})
	_, _ = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
}

var _ = awsmodel.Services
