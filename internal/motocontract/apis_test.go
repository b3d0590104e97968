package motocontract

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsaccount "github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/services"
)

// Outcomes of one probe of an operation.
const (
	implemented = "implemented"
	notFound    = "404"                   // moto has no route for the operation
	serverError = "500 (not implemented)" // moto routes it but has no handler
)

// motoAnswers is what moto answers, for each action the collectors call
// (checks.ActionsOf(services.All), plus organizations:DescribeOrganization), to a valid
// request in an organization with Security Hub and a GuardDuty detector.
// A change of moto that implements one of them fails TestMotoContract/apis:
// then update this table and the verdicts that depend on the action.
var motoAnswers = map[string]string{
	"account:ListRegions":                         notFound,
	"cloudtrail:DescribeTrails":                   implemented,
	"cloudtrail:GetEventSelectors":                implemented,
	"cloudtrail:GetTrailStatus":                   implemented,
	"ec2:DescribeInstances":                       implemented,
	"ec2:DescribeRegions":                         implemented,
	"guardduty:DescribeOrganizationConfiguration": notFound,
	"guardduty:GetDetector":                       implemented,
	"guardduty:GetFindings":                       notFound,
	"guardduty:GetFindingsStatistics":             notFound,
	"guardduty:GetMalwareProtectionPlan":          notFound,
	"guardduty:GetMembers":                        notFound,
	"guardduty:ListCoverage":                      notFound,
	"guardduty:ListDetectors":                     implemented,
	"guardduty:ListFindings":                      notFound,
	"guardduty:ListMalwareProtectionPlans":        notFound,
	"guardduty:ListMembers":                       notFound,
	"organizations:DescribeOrganization":          implemented,
	"organizations:ListAccounts":                  implemented,
	"organizations:ListTagsForResource":           implemented,
	"securityhub:DescribeHub":                     implemented,
	"securityhub:DescribeSecurityHubV2":           notFound,
	"securityhub:GetEnabledStandards":             notFound,
	"securityhub:GetFindingAggregator":            notFound,
	"securityhub:GetFindings":                     implemented,
	"securityhub:GetMembers":                      implemented,
	"securityhub:ListFindingAggregators":          notFound,
	"securityhub:ListMembers":                     implemented,
	"ssm:DescribeInstanceInformation":             serverError,
	"ssm:DescribeInstancePatchStates":             serverError,
	"ssm:ListNodes":                               serverError,
	"ssm:ListNodesSummary":                        serverError,
	"ssm:ListResourceDataSync":                    serverError,
	"sts:AssumeRole":                              implemented,
	"sts:GetCallerIdentity":                       implemented,
}

// outcome classifies the answer to one call: implemented when moto answered
// (an AWS error of the service counts: the operation exists), else the
// HTTP status of a response that is no AWS error.
func outcome(err error) string {
	if err == nil {
		return implemented
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch re.HTTPStatusCode() {
		case 404:
			return notFound
		case 500:
			return serverError
		}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		return implemented
	}
	return fmt.Sprintf("unexpected error: %v", err)
}

// probeAPIs calls every action of motoAnswers once, with the management
// account's credentials in us-east-1, and returns the outcomes.
func probeAPIs(ctx context.Context, t *testing.T, w *world) map[string]string {
	t.Helper()
	cfg := w.mgmt.cfg
	sh := securityhub.NewFromConfig(cfg)
	gd := guardduty.NewFromConfig(cfg)
	ct := cloudtrail.NewFromConfig(cfg)
	detectors, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(detectors.DetectorIds) == 0 {
		t.Fatalf("guardduty:ListDetectors: %v (%v)", err, detectors)
	}
	detector := aws.String(detectors.DetectorIds[0])
	call := map[string]func() error{
		"account:ListRegions": func() error {
			_, err := awsaccount.NewFromConfig(cfg).ListRegions(ctx, &awsaccount.ListRegionsInput{})
			return err
		},
		"cloudtrail:DescribeTrails": func() error {
			_, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
			return err
		},
		"cloudtrail:GetEventSelectors": func() error {
			_, err := ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(w.mgmtTrail)})
			return err
		},
		"cloudtrail:GetTrailStatus": func() error {
			_, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(w.mgmtTrail)})
			return err
		},
		"ec2:DescribeInstances": func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			return err
		},
		"ec2:DescribeRegions": func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		},
		"guardduty:GetDetector": func() error {
			_, err := gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: detector})
			return err
		},
		"guardduty:GetFindings": func() error {
			_, err := gd.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: detector, FindingIds: []string{"0123456789abcdef0123456789abcdef"}})
			return err
		},
		"guardduty:GetFindingsStatistics": func() error {
			_, err := gd.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{DetectorId: detector, GroupBy: gdtypes.GroupByTypeSeverity})
			return err
		},
		"guardduty:ListDetectors": func() error {
			_, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
			return err
		},
		"guardduty:ListFindings": func() error {
			_, err := gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: detector})
			return err
		},
		"guardduty:DescribeOrganizationConfiguration": func() error {
			_, err := gd.DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: detector})
			return err
		},
		"guardduty:GetMalwareProtectionPlan": func() error {
			_, err := gd.GetMalwareProtectionPlan(ctx, &guardduty.GetMalwareProtectionPlanInput{MalwareProtectionPlanId: aws.String("00000000000000000000")})
			return err
		},
		"guardduty:ListCoverage": func() error {
			_, err := gd.ListCoverage(ctx, &guardduty.ListCoverageInput{DetectorId: detector})
			return err
		},
		"guardduty:ListMalwareProtectionPlans": func() error {
			_, err := gd.ListMalwareProtectionPlans(ctx, &guardduty.ListMalwareProtectionPlansInput{})
			return err
		},
		"guardduty:GetMembers": func() error {
			_, err := gd.GetMembers(ctx, &guardduty.GetMembersInput{DetectorId: detector, AccountIds: []string{"123456789012"}})
			return err
		},
		"guardduty:ListMembers": func() error {
			_, err := gd.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: detector})
			return err
		},
		"organizations:DescribeOrganization": func() error {
			_, err := organizations.NewFromConfig(cfg).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			return err
		},
		"organizations:ListAccounts": func() error {
			_, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
			return err
		},
		"organizations:ListTagsForResource": func() error {
			_, err := organizations.NewFromConfig(cfg).ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(w.dev.id)})
			return err
		},
		"securityhub:DescribeHub": func() error {
			_, err := sh.DescribeHub(ctx, &securityhub.DescribeHubInput{})
			return err
		},
		"securityhub:DescribeSecurityHubV2": func() error {
			_, err := sh.DescribeSecurityHubV2(ctx, &securityhub.DescribeSecurityHubV2Input{})
			return err
		},
		"securityhub:GetEnabledStandards": func() error {
			_, err := sh.GetEnabledStandards(ctx, &securityhub.GetEnabledStandardsInput{})
			return err
		},
		"securityhub:GetFindingAggregator": func() error {
			_, err := sh.GetFindingAggregator(ctx, &securityhub.GetFindingAggregatorInput{FindingAggregatorArn: aws.String("arn:aws:securityhub:us-east-1:" + w.mgmt.id + ":finding-aggregator/00000000-0000-0000-0000-000000000000")})
			return err
		},
		"securityhub:GetFindings": func() error {
			_, err := sh.GetFindings(ctx, &securityhub.GetFindingsInput{})
			return err
		},
		"securityhub:ListFindingAggregators": func() error {
			_, err := sh.ListFindingAggregators(ctx, &securityhub.ListFindingAggregatorsInput{})
			return err
		},
		"securityhub:GetMembers": func() error {
			_, err := sh.GetMembers(ctx, &securityhub.GetMembersInput{AccountIds: []string{"123456789012"}})
			return err
		},
		"securityhub:ListMembers": func() error {
			_, err := sh.ListMembers(ctx, &securityhub.ListMembersInput{})
			return err
		},
		"ssm:DescribeInstanceInformation": func() error {
			_, err := ssm.NewFromConfig(cfg).DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{})
			return err
		},
		"ssm:DescribeInstancePatchStates": func() error {
			_, err := ssm.NewFromConfig(cfg).DescribeInstancePatchStates(ctx, &ssm.DescribeInstancePatchStatesInput{InstanceIds: w.devInstances})
			return err
		},
		"ssm:ListNodes": func() error {
			_, err := ssm.NewFromConfig(cfg).ListNodes(ctx, &ssm.ListNodesInput{SyncName: aws.String("AWS-QuickSetup-ManagedNode")})
			return err
		},
		"ssm:ListNodesSummary": func() error {
			_, err := ssm.NewFromConfig(cfg).ListNodesSummary(ctx, &ssm.ListNodesSummaryInput{SyncName: aws.String("AWS-QuickSetup-ManagedNode"),
				Aggregators: []ssmtypes.NodeAggregator{{AggregatorType: ssmtypes.NodeAggregatorTypeCount, TypeName: ssmtypes.NodeTypeNameInstance, AttributeName: ssmtypes.NodeAttributeNameRegion}}})
			return err
		},
		"ssm:ListResourceDataSync": func() error {
			_, err := ssm.NewFromConfig(cfg).ListResourceDataSync(ctx, &ssm.ListResourceDataSyncInput{})
			return err
		},
		"sts:AssumeRole": func() error {
			_, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + w.prod.id + ":role/" + checks.DefaultRoleName), RoleSessionName: aws.String("probe")})
			return err
		},
		"sts:GetCallerIdentity": func() error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		},
	}
	// Every action the code calls is probed.
	for _, action := range checks.ActionsOf(services.All) {
		if call[action] == nil {
			t.Errorf("baseline iam-policy lists %s, which no probe calls: add it to probeAPIs and motoAnswers", action)
		}
	}
	got := map[string]string{}
	for action, f := range call {
		got[action] = outcome(f())
	}
	return got
}

// unimplemented lists the actions moto lacks, sorted.
func unimplemented(answers map[string]string) []string {
	var out []string
	for action, o := range answers {
		if o != implemented {
			out = append(out, action)
		}
	}
	sort.Strings(out)
	return out
}

func checkAPIs(t *testing.T, got map[string]string, version string) {
	t.Helper()
	var actions []string
	for a := range got {
		actions = append(actions, a)
	}
	slices.Sort(actions)
	for _, action := range actions {
		t.Logf("moto %s: %-38s %s", version, action, got[action])
		if want, ok := motoAnswers[action]; !ok {
			t.Errorf("%s: no expectation in motoAnswers", action)
		} else if got[action] != want {
			t.Errorf("moto %s answers %s with %s, want %s: update motoAnswers and the verdicts that depend on it", version, action, got[action], want)
		}
	}
}
