package awssim

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
)

// driveGuardDutyCoverage calls ListCoverage, DescribeOrganizationConfiguration,
// ListMalwareProtectionPlans and GetMalwareProtectionPlan, paged and with
// bad inputs, for the conformance test.
func driveGuardDutyCoverage(ctx context.Context, gd *guardduty.Client, ids []string) {
	for _, id := range ids {
		for _, n := range limits(1, 50) {
			in := &guardduty.ListCoverageInput{DetectorId: aws.String(id), MaxResults: n}
			for pages := 0; pages < maxPages(n); pages++ {
				out, err := gd.ListCoverage(ctx, in)
				if err != nil || out.NextToken == nil {
					break
				}
				in.NextToken = out.NextToken
			}
		}
		_, _ = gd.ListCoverage(ctx, &guardduty.ListCoverageInput{DetectorId: aws.String(id), FilterCriteria: &gdtypes.CoverageFilterCriteria{
			FilterCriterion: []gdtypes.CoverageFilterCriterion{{CriterionKey: gdtypes.CoverageFilterCriterionKeyCoverageStatus, FilterCondition: &gdtypes.CoverageFilterCondition{Equals: []string{"UNHEALTHY"}}}},
		}})
		_, _ = gd.ListCoverage(ctx, &guardduty.ListCoverageInput{DetectorId: aws.String(id), MaxResults: aws.Int32(51)})
		for _, n := range limits(1, 50) {
			in := &guardduty.DescribeOrganizationConfigurationInput{DetectorId: aws.String(id), MaxResults: n}
			for pages := 0; pages < maxPages(n); pages++ {
				out, err := gd.DescribeOrganizationConfiguration(ctx, in)
				if err != nil || out.NextToken == nil {
					break
				}
				in.NextToken = out.NextToken
			}
		}
		_, _ = gd.DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: aws.String(id), MaxResults: aws.Int32(51)})
	}
	_, _ = gd.ListCoverage(ctx, &guardduty.ListCoverageInput{DetectorId: aws.String("0123456789abcdef0123456789abcdef")})
	in := &guardduty.ListMalwareProtectionPlansInput{}
	for pages := 0; pages < 10; pages++ {
		out, err := gd.ListMalwareProtectionPlans(ctx, in)
		if err != nil {
			break
		}
		for _, p := range out.MalwareProtectionPlans {
			_, _ = gd.GetMalwareProtectionPlan(ctx, &guardduty.GetMalwareProtectionPlanInput{MalwareProtectionPlanId: p.MalwareProtectionPlanId})
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	_, _ = gd.ListMalwareProtectionPlans(ctx, &guardduty.ListMalwareProtectionPlansInput{NextToken: aws.String("bogus")})
	_, _ = gd.GetMalwareProtectionPlan(ctx, &guardduty.GetMalwareProtectionPlanInput{MalwareProtectionPlanId: aws.String("00000000000000000000")})
}

func init() {
	pagers["guardduty:ListCoverage"] = func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		id, err := firstDetector(ctx, cfg)
		if err != nil || id == nil {
			return 0, nil, errNothingToList
		}
		out, err := guardduty.NewFromConfig(cfg).ListCoverage(ctx, &guardduty.ListCoverageInput{DetectorId: id, MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Resources), out.NextToken, nil
	}
}
