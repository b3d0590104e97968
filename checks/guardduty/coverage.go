package guardduty

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/baseline-scanner/baseline/checks"
)

// Runtime Monitoring coverage (ListCoverage), Malware Protection for S3
// plans (ListMalwareProtectionPlans, GetMalwareProtectionPlan), the
// organization configuration (DescribeOrganizationConfiguration) and
// attack sequences: the facts behind guardduty.runtime_coverage,
// guardduty.s3_malware_protection and guardduty.org_auto_enable.

// coverageAPI is the part of API that reads Runtime Monitoring's coverage.
type coverageAPI interface {
	guardduty.ListCoverageAPIClient
}

// malwareAPI is the part of API that reads Malware Protection for S3 plans.
type malwareAPI interface {
	ListMalwareProtectionPlans(ctx context.Context, in *guardduty.ListMalwareProtectionPlansInput, optFns ...func(*guardduty.Options)) (*guardduty.ListMalwareProtectionPlansOutput, error)
	GetMalwareProtectionPlan(ctx context.Context, in *guardduty.GetMalwareProtectionPlanInput, optFns ...func(*guardduty.Options)) (*guardduty.GetMalwareProtectionPlanOutput, error)
}

// organizationAPI reads the organization configuration.
type organizationAPI interface {
	guardduty.DescribeOrganizationConfigurationAPIClient
}

// coverageOf lists Runtime Monitoring's coverage of accounts from
// detectorID, by account. The ACCOUNT_ID criterion matters for an
// administrator, whose ListCoverage also lists "all resources associated
// with the active member accounts" (GD-41).
func coverageOf(ctx context.Context, api coverageAPI, detectorID string, accounts []string) (map[string][]checks.GuardDutyCoverage, error) {
	out := map[string][]checks.GuardDutyCoverage{}
	for _, id := range accounts {
		out[id] = []checks.GuardDutyCoverage{}
	}
	p := guardduty.NewListCoveragePaginator(api, &guardduty.ListCoverageInput{
		DetectorId: aws.String(detectorID),
		FilterCriteria: &types.CoverageFilterCriteria{FilterCriterion: []types.CoverageFilterCriterion{{
			CriterionKey:    types.CoverageFilterCriterionKeyAccountId,
			FilterCondition: &types.CoverageFilterCondition{Equals: accounts},
		}}},
		MaxResults: aws.Int32(50),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Resources {
			account := aws.ToString(r.AccountId)
			if _, ok := out[account]; ok {
				out[account] = append(out[account], coverageResource(r))
			}
		}
	}
	return out, nil
}

func coverageResource(r types.CoverageResource) checks.GuardDutyCoverage {
	c := checks.GuardDutyCoverage{
		AccountID:  aws.ToString(r.AccountId),
		ResourceID: aws.ToString(r.ResourceId),
		Status:     string(r.CoverageStatus),
		Issue:      aws.ToString(r.Issue),
	}
	if r.UpdatedAt != nil {
		c.UpdatedAt = r.UpdatedAt.UTC()
	}
	if d := r.ResourceDetails; d != nil {
		c.ResourceType = string(d.ResourceType)
		switch {
		case d.EksClusterDetails != nil:
			c.Name = aws.ToString(d.EksClusterDetails.ClusterName)
			c.ManagementType = string(d.EksClusterDetails.ManagementType)
		case d.EcsClusterDetails != nil:
			c.Name = aws.ToString(d.EcsClusterDetails.ClusterName)
			if f := d.EcsClusterDetails.FargateDetails; f != nil {
				c.ManagementType = string(f.ManagementType)
				if c.Issue == "" && len(f.Issues) > 0 {
					c.Issue = strings.Join(f.Issues, "; ")
				}
			}
		case d.Ec2InstanceDetails != nil:
			c.Name = aws.ToString(d.Ec2InstanceDetails.InstanceId)
			c.ManagementType = string(d.Ec2InstanceDetails.ManagementType)
		}
	}
	return c
}

// malwarePlans reads the account's Malware Protection for S3 plans in the
// region: their ids (ListMalwareProtectionPlans, paged by token), then each
// plan (GetMalwareProtectionPlan) for its bucket and status. A plan exists
// with or without a detector (GD-44).
func malwarePlans(ctx context.Context, api malwareAPI) ([]checks.MalwareProtectionPlan, string, error) {
	var ids []string
	in := &guardduty.ListMalwareProtectionPlansInput{}
	for {
		out, err := api.ListMalwareProtectionPlans(ctx, in)
		if err != nil {
			return nil, "ListMalwareProtectionPlans", err
		}
		for _, p := range out.MalwareProtectionPlans {
			ids = append(ids, aws.ToString(p.MalwareProtectionPlanId))
		}
		if aws.ToString(out.NextToken) == "" || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in = &guardduty.ListMalwareProtectionPlansInput{NextToken: out.NextToken}
	}
	plans := []checks.MalwareProtectionPlan{}
	for _, id := range ids {
		out, err := api.GetMalwareProtectionPlan(ctx, &guardduty.GetMalwareProtectionPlanInput{MalwareProtectionPlanId: aws.String(id)})
		if err != nil {
			return nil, "GetMalwareProtectionPlan", err
		}
		plan := checks.MalwareProtectionPlan{ID: id, Status: string(out.Status), ObjectPrefixes: []string{}, StatusReasons: []string{}}
		if r := out.ProtectedResource; r != nil && r.S3Bucket != nil {
			plan.Bucket = aws.ToString(r.S3Bucket.BucketName)
			plan.ObjectPrefixes = append(plan.ObjectPrefixes, r.S3Bucket.ObjectPrefixes...)
		}
		for _, r := range out.StatusReasons {
			plan.StatusReasons = append(plan.StatusReasons, strings.TrimSpace(aws.ToString(r.Code)+": "+aws.ToString(r.Message)))
		}
		plans = append(plans, plan)
	}
	return plans, "", nil
}

// organizationOf reads the organization configuration from the delegated
// administrator's detector; its features come in pages.
func organizationOf(ctx context.Context, api organizationAPI, detectorID string) (*checks.GuardDutyOrganization, error) {
	org := &checks.GuardDutyOrganization{Features: []checks.GuardDutyOrganizationFeature{}}
	p := guardduty.NewDescribeOrganizationConfigurationPaginator(api, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: aws.String(detectorID), MaxResults: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		org.AutoEnableOrganizationMembers = string(page.AutoEnableOrganizationMembers)
		org.AutoEnable = aws.ToBool(page.AutoEnable)
		org.MemberAccountLimitReached = aws.ToBool(page.MemberAccountLimitReached)
		for _, f := range page.Features {
			feature := checks.GuardDutyOrganizationFeature{Name: string(f.Name), AutoEnable: string(f.AutoEnable), AdditionalConfiguration: []checks.GuardDutyOrganizationSetting{}}
			for _, c := range f.AdditionalConfiguration {
				feature.AdditionalConfiguration = append(feature.AdditionalConfiguration, checks.GuardDutyOrganizationSetting{Name: string(c.Name), AutoEnable: string(c.AutoEnable)})
			}
			org.Features = append(org.Features, feature)
		}
	}
	return org, nil
}

// sequence is an attack sequence's description and signals; nil for a
// finding that is not one (GD-45).
func sequence(f types.Finding) *checks.GuardDutySequence {
	if f.Service == nil || f.Service.Detection == nil || f.Service.Detection.Sequence == nil {
		return nil
	}
	s := f.Service.Detection.Sequence
	out := &checks.GuardDutySequence{Description: aws.ToString(s.Description), Signals: []checks.GuardDutySignal{}}
	for _, sig := range s.Signals {
		out.Signals = append(out.Signals, checks.GuardDutySignal{
			Type:     string(sig.Type),
			Name:     aws.ToString(sig.Name),
			Count:    int(aws.ToInt32(sig.Count)),
			Severity: aws.ToFloat64(sig.Severity),
		})
	}
	return out
}
