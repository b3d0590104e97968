package awssim

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// driveSecurityHubV2 calls the new Security Hub's operations: described,
// findings walked at each page size with and without filters, organization
// Scopes (the administrator's, and refused for others), and bad input.
func driveSecurityHubV2(ctx context.Context, sh *securityhub.Client, s *Server) {
	_, _ = sh.DescribeSecurityHubV2(ctx, &securityhub.DescribeSecurityHubV2Input{})
	filters := []*shtypes.OcsfFindingFilters{nil, {
		CompositeOperator: shtypes.AllowedOperatorsAnd,
		CompositeFilters: []shtypes.CompositeFilter{{
			Operator:      shtypes.AllowedOperatorsAnd,
			NumberFilters: []shtypes.OcsfNumberFilter{{FieldName: shtypes.OcsfNumberFieldSeverityId, Filter: &shtypes.NumberFilter{Gte: aws.Float64(4)}}},
			StringFilters: []shtypes.OcsfStringFilter{{FieldName: shtypes.OcsfStringFieldCloudRegion, Filter: &shtypes.StringFilter{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String("us-east-1")}}},
		}},
	}}
	scopes := []*shtypes.FindingScopes{nil, {AwsOrganizations: []shtypes.AwsOrganizationScope{{OrganizationId: aws.String(s.orgID)}}}}
	for _, f := range filters {
		for _, sc := range scopes {
			for _, n := range limits(1, 100) {
				in := &securityhub.GetFindingsV2Input{Filters: f, Scopes: sc, MaxResults: n}
				for pages := 0; pages < maxPages(n); pages++ {
					out, err := sh.GetFindingsV2(ctx, in)
					if err != nil || out.NextToken == nil {
						break
					}
					in.NextToken = out.NextToken
				}
			}
		}
	}
	_, _ = sh.GetFindingsV2(ctx, &securityhub.GetFindingsV2Input{MaxResults: aws.Int32(101)})
	_, _ = sh.GetFindingsV2(ctx, &securityhub.GetFindingsV2Input{NextToken: aws.String("not-a-token")})
	_, _ = sh.GetFindingsV2(ctx, &securityhub.GetFindingsV2Input{Scopes: &shtypes.FindingScopes{
		AwsOrganizations: []shtypes.AwsOrganizationScope{{OrganizationId: aws.String("o-000000000000")}}}})
}

func init() {
	pagers["securityhub:GetFindingsV2"] = func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := securityhub.NewFromConfig(cfg).GetFindingsV2(ctx, &securityhub.GetFindingsV2Input{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Findings), out.NextToken, nil
	}
}
