package securityhub

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/baseline-scanner/baseline/checks"
)

// The new AWS Security Hub (GA December 2025; the classic service is now
// "Security Hub CSPM") answers DescribeSecurityHubV2 and serves OCSF
// findings through GetFindingsV2. Exposure findings exist only there.

// V2API is exactly the new Security Hub calls the collector makes.
type V2API interface {
	DescribeSecurityHubV2(ctx context.Context, in *securityhub.DescribeSecurityHubV2Input, optFns ...func(*securityhub.Options)) (*securityhub.DescribeSecurityHubV2Output, error)
	securityhub.GetFindingsV2APIClient
}

// ExposureFeature is metadata.product.feature.uid of an exposure finding
// ("You can filter all exposure findings with the metadata.product.feature.uid
// field with the security-hub/Exposure value"); ExposureAnalytic is the
// finding_info.analytic.name of AWS's sample exposure finding. The filter
// field is not in the API model's OcsfStringField enum (botocore 1.43.11),
// so the collector filters on severity server-side and keeps exposure
// findings itself.
const (
	ExposureFeature  = "security-hub/Exposure"
	ExposureAnalytic = "Exposure"
)

// ocsfHighSeverityID is OCSF's severity_id of High; Critical is 5 and
// Fatal 6.
const ocsfHighSeverityID = 4

// ExposureFilters select what the exposure control looks at: findings of
// severity High and above (severity_id >= 4), in the account and region
// when given. Status is not filtered: how a NOT_EQUALS filter treats a
// finding without the attribute is not documented (as for GetFindings),
// so the policy decides what is open.
func ExposureFilters(accounts []string, region string) *types.OcsfFindingFilters {
	cf := types.CompositeFilter{
		Operator: types.AllowedOperatorsAnd,
		NumberFilters: []types.OcsfNumberFilter{{
			FieldName: types.OcsfNumberFieldSeverityId,
			Filter:    &types.NumberFilter{Gte: aws.Float64(ocsfHighSeverityID)},
		}},
	}
	var strs []types.OcsfStringFilter
	for _, a := range accounts {
		strs = append(strs, types.OcsfStringFilter{FieldName: types.OcsfStringFieldCloudAccountUid, Filter: &types.StringFilter{Comparison: types.StringFilterComparisonEquals, Value: aws.String(a)}})
	}
	filters := &types.OcsfFindingFilters{CompositeOperator: types.AllowedOperatorsAnd}
	if region != "" {
		cf.StringFilters = append(cf.StringFilters, types.OcsfStringFilter{FieldName: types.OcsfStringFieldCloudRegion, Filter: &types.StringFilter{Comparison: types.StringFilterComparisonEquals, Value: aws.String(region)}})
	}
	filters.CompositeFilters = []types.CompositeFilter{cf}
	if len(strs) > 0 {
		// Account filters are OR-ed in their own composite filter, AND-ed
		// with the severity and region above.
		filters.CompositeFilters = append(filters.CompositeFilters, types.CompositeFilter{Operator: types.AllowedOperatorsOr, StringFilters: strs})
	}
	return filters
}

// collectV2 observes the new Security Hub in one account and region into
// facts: DescribeSecurityHubV2, then, when enabled, its exposure findings
// (readExposures). ResourceNotFoundException is the answer for an account
// that is not subscribed: a fact (V2Enabled false), not an error.
func collectV2(ctx context.Context, api V2API, facts *checks.SecurityHubRegion, accountID, region string, readExposures func(context.Context) ([]checks.ExposureFinding, error)) []checks.CollectionError {
	fail := func(op string, err error) []checks.CollectionError {
		return []checks.CollectionError{checks.NewError(accountID, region, service, op, err)}
	}
	hub, err := api.DescribeSecurityHubV2(ctx, &securityhub.DescribeSecurityHubV2Input{})
	if err != nil {
		if checks.ErrorCode(err) == "ResourceNotFoundException" {
			facts.V2Enabled = aws.Bool(false)
			return nil
		}
		return fail("DescribeSecurityHubV2", err)
	}
	facts.V2Enabled = aws.Bool(true)
	facts.HubV2ARN = aws.ToString(hub.HubV2Arn)
	findings, err := readExposures(ctx)
	if err != nil {
		return fail("GetFindingsV2", err)
	}
	facts.ExposureFindings = findings
	return nil
}

// directExposures reads the account's own exposure findings in region.
// The account and region filters matter for the delegated administrator,
// whose GetFindingsV2 without Scopes returns the whole organization's.
func directExposures(ctx context.Context, api securityhub.GetFindingsV2APIClient, accountID, region string) ([]checks.ExposureFinding, error) {
	cells, err := readExposures(ctx, api, &securityhub.GetFindingsV2Input{Filters: ExposureFilters([]string{accountID}, region)})
	if err != nil {
		return nil, err
	}
	return append([]checks.ExposureFinding{}, cells[[2]string{accountID, region}]...), nil
}

// readExposures walks GetFindingsV2 with in and returns its exposure
// findings by (account, region). Findings of other kinds are dropped.
func readExposures(ctx context.Context, api securityhub.GetFindingsV2APIClient, in *securityhub.GetFindingsV2Input) (map[[2]string][]checks.ExposureFinding, error) {
	in.MaxResults = aws.Int32(100)
	cells := map[[2]string][]checks.ExposureFinding{}
	p := securityhub.NewGetFindingsV2Paginator(api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, doc := range page.Findings {
			var f ocsfFinding
			if err := doc.UnmarshalSmithyDocument(&f); err != nil {
				return nil, fmt.Errorf("decode an OCSF finding of GetFindingsV2: %w", err)
			}
			if f.Metadata.Product.Feature.UID != ExposureFeature && f.FindingInfo.Analytic.Name != ExposureAnalytic {
				continue
			}
			k := [2]string{f.Cloud.Account.UID, f.Cloud.Region}
			cells[k] = append(cells[k], f.compact())
		}
	}
	return cells, nil
}

// ocsfFinding is the part of an OCSF finding the collector reads.
type ocsfFinding struct {
	Metadata struct {
		UID     string `document:"uid"`
		Product struct {
			Feature struct {
				UID string `document:"uid"`
			} `document:"feature"`
		} `document:"product"`
	} `document:"metadata"`
	FindingInfo struct {
		UID       string `document:"uid"`
		Title     string `document:"title"`
		FirstSeen string `document:"first_seen_time_dt"`
		Created   string `document:"created_time_dt"`
		Analytic  struct {
			Name string `document:"name"`
		} `document:"analytic"`
	} `document:"finding_info"`
	Severity   string `document:"severity"`
	SeverityID int    `document:"severity_id"`
	Status     string `document:"status"`
	Cloud      struct {
		Account struct {
			UID string `document:"uid"`
		} `document:"account"`
		Region string `document:"region"`
	} `document:"cloud"`
	Resources []struct {
		UID  string `document:"uid"`
		Type string `document:"type"`
	} `document:"resources"`
}

func (f ocsfFinding) compact() checks.ExposureFinding {
	out := checks.ExposureFinding{
		ID:             f.Metadata.UID,
		Title:          f.FindingInfo.Title,
		Severity:       f.Severity,
		SeverityID:     f.SeverityID,
		Status:         f.Status,
		ProductFeature: f.Metadata.Product.Feature.UID,
		Analytic:       f.FindingInfo.Analytic.Name,
		FirstSeenAt:    parseTime(strPtr(f.FindingInfo.FirstSeen), strPtr(f.FindingInfo.Created)),
	}
	if out.ID == "" {
		out.ID = f.FindingInfo.UID
	}
	if len(f.Resources) > 0 {
		out.ResourceType, out.ResourceID = f.Resources[0].Type, f.Resources[0].UID
	}
	return out
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// exposures reads (account, region)'s exposure findings: from the
// delegated administrator's organization stream when it covers the cell,
// else with the account's own client.
func (c Collector) exposures(client securityhub.GetFindingsV2APIClient, accountID, region string) func(context.Context) ([]checks.ExposureFinding, error) {
	return func(ctx context.Context) ([]checks.ExposureFinding, error) {
		if c.agg != nil {
			if found, covered, err := c.agg.exposures(ctx, accountID, region); covered {
				return found, err
			}
		}
		return directExposures(ctx, client, accountID, region)
	}
}

// startV2 observes the new Security Hub in (account, region) beside the
// CSPM calls, which it does not depend on; done waits for it, copies its
// facts into facts and returns its errors.
func (c Collector) startV2(ctx context.Context, client V2API, accountID, region string) func(facts *checks.SecurityHubRegion) []checks.CollectionError {
	v2 := &checks.SecurityHubRegion{}
	var errs []checks.CollectionError
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		errs = collectV2(ctx, client, v2, accountID, region, c.exposures(client, accountID, region))
	}()
	return func(facts *checks.SecurityHubRegion) []checks.CollectionError {
		<-finished
		facts.V2Enabled, facts.HubV2ARN, facts.ExposureFindings = v2.V2Enabled, v2.HubV2ARN, v2.ExposureFindings
		return errs
	}
}
