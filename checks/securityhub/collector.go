package securityhub

import (
	"context"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/baseline-scanner/baseline/checks"
)

const service = "securityhub"

// API is exactly the Security Hub calls this collector makes.
type API interface {
	DescribeHub(ctx context.Context, in *securityhub.DescribeHubInput, optFns ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error)
	securityhub.GetEnabledStandardsAPIClient
	securityhub.GetFindingsAPIClient
}

// Collector is the Security Hub collector.
type Collector struct {
	// agg, when set, supplies the findings of the (account, region) cells
	// it covers from the administrator's aggregation region.
	agg *Aggregation
}

// New returns the Security Hub collector that reads every account directly.
func New() Collector { return Collector{} }

// NewAggregated returns the collector that reads the findings of the cells
// agg covers from agg's organization-wide stream, and every other cell
// directly (recorded as a coverage gap of agg).
func NewAggregated(agg *Aggregation) Collector { return Collector{agg: agg} }

// Service implements checks.Collector.
func (Collector) Service() string { return service }

// Regional implements checks.Collector.
func (Collector) Regional() bool { return true }

// Collect implements checks.Collector.
func (c Collector) Collect(ctx context.Context, t checks.Target) checks.AccountFacts {
	part := checks.AccountFacts{SecurityHub: map[string]*checks.SecurityHubRegion{}}
	for _, region := range t.Regions {
		client := securityhub.NewFromConfig(t.Config, func(o *securityhub.Options) { o.Region = region })
		findings := func(ctx context.Context) ([]checks.SecurityHubFinding, error) {
			return directFindings(ctx, client, t.AccountID, region)
		}
		if c.agg != nil && c.agg.covers(ctx, t.AccountID, region) {
			findings = func(ctx context.Context) ([]checks.SecurityHubFinding, error) {
				return c.agg.findings(ctx, t.AccountID, region)
			}
		}
		v2Done := c.startV2(ctx, client, t.AccountID, region)
		facts, errs := collectRegion(ctx, client, t.AccountID, region, findings)
		errs = append(errs, v2Done(facts)...)
		part.SecurityHub[region] = facts
		part.Errors = append(part.Errors, errs...)
	}
	return part
}

// FindingFilters select what the controls look at: active, critical or high
// findings in any workflow state but SUPPRESSED. RESOLVED is read because a
// control finding whose compliance is still FAILED stays failing: Security Hub
// re-opens a RESOLVED finding only when its compliance goes from PASSED to
// FAILED again. There is no ComplianceStatus filter: findings of GuardDuty,
// Inspector, Macie and other products have no Compliance block, and how
// NOT_EQUALS treats a missing attribute is not documented. The filter only
// saves traffic; the policies re-check every one of these fields.
func FindingFilters() *types.AwsSecurityFindingFilters {
	eq := equals
	return &types.AwsSecurityFindingFilters{
		RecordState:    eq("ACTIVE"),
		WorkflowStatus: eq("NEW", "NOTIFIED", "RESOLVED"),
		SeverityLabel:  eq("CRITICAL", "HIGH"),
	}
}

// CollectRegion observes Security Hub in one account and region. A hub that
// is not enabled is a fact (Enabled false), not an error.
func CollectRegion(ctx context.Context, api API, accountID, region string) (*checks.SecurityHubRegion, []checks.CollectionError) {
	return collectRegion(ctx, api, accountID, region, func(ctx context.Context) ([]checks.SecurityHubFinding, error) {
		return directFindings(ctx, api, accountID, region)
	})
}

// directFindings reads the account's own findings in region. The account
// and region filters matter for an administrator, whose GetFindings also
// returns its members' findings (and, in the aggregation region, those of
// every linked region).
func directFindings(ctx context.Context, api securityhub.GetFindingsAPIClient, accountID, region string) ([]checks.SecurityHubFinding, error) {
	filters := FindingFilters()
	filters.AwsAccountId = equals(accountID)
	filters.Region = equals(region)
	findings := []checks.SecurityHubFinding{}
	fp := securityhub.NewGetFindingsPaginator(api, &securityhub.GetFindingsInput{Filters: filters, MaxResults: aws.Int32(100)})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx, withLeanFindings)
		if err != nil {
			return nil, err
		}
		for _, f := range page.Findings {
			findings = append(findings, compactFinding(f))
		}
	}
	return findings, nil
}

func equals(values ...string) []types.StringFilter {
	var fs []types.StringFilter
	for _, v := range values {
		fs = append(fs, types.StringFilter{Comparison: types.StringFilterComparisonEquals, Value: aws.String(v)})
	}
	return fs
}

func collectRegion(ctx context.Context, api API, accountID, region string, readFindings func(context.Context) ([]checks.SecurityHubFinding, error)) (*checks.SecurityHubRegion, []checks.CollectionError) {
	facts := &checks.SecurityHubRegion{}
	fail := func(op string, err error) []checks.CollectionError {
		return []checks.CollectionError{checks.NewError(accountID, region, service, op, err)}
	}

	hub, err := api.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	if err != nil {
		if checks.ErrorCode(err) == "InvalidAccessException" {
			// Security Hub's answer for an account that is not subscribed.
			facts.Enabled = aws.Bool(false)
			return facts, nil
		}
		return facts, fail("DescribeHub", err)
	}
	facts.Enabled = aws.Bool(true)
	facts.HubARN = aws.ToString(hub.HubArn)

	// Standards and findings do not depend on each other: read them side by
	// side, so the account's critical path is DescribeHub plus the longer.
	var standardsErrs []checks.CollectionError
	done := make(chan struct{})
	go func() {
		defer close(done)
		standards := []checks.EnabledStandard{}
		sp := securityhub.NewGetEnabledStandardsPaginator(api, &securityhub.GetEnabledStandardsInput{MaxResults: aws.Int32(100)})
		for sp.HasMorePages() {
			page, err := sp.NextPage(ctx)
			if err != nil {
				standards = nil
				standardsErrs = fail("GetEnabledStandards", err)
				break
			}
			for _, s := range page.StandardsSubscriptions {
				standards = append(standards, checks.EnabledStandard{
					StandardsARN:    aws.ToString(s.StandardsArn),
					SubscriptionARN: aws.ToString(s.StandardsSubscriptionArn),
					Status:          string(s.StandardsStatus),
				})
			}
		}
		facts.Standards = standards
	}()

	var errs []checks.CollectionError
	findings, err := readFindings(ctx)
	if err != nil {
		errs = fail("GetFindings", err)
	}
	facts.Findings = findings
	<-done
	return facts, append(standardsErrs, errs...)
}

func compactFinding(f types.AwsSecurityFinding) checks.SecurityHubFinding {
	out := checks.SecurityHubFinding{
		ID:              aws.ToString(f.Id),
		Title:           aws.ToString(f.Title),
		RecordState:     string(f.RecordState),
		GeneratorID:     aws.ToString(f.GeneratorId),
		FirstObservedAt: parseTime(f.FirstObservedAt, f.CreatedAt),
		UpdatedAt:       parseTime(f.UpdatedAt),
		ProductName:     aws.ToString(f.ProductName),
	}
	if f.Severity != nil {
		out.SeverityLabel = string(f.Severity.Label)
	}
	if f.Workflow != nil {
		out.WorkflowStatus = string(f.Workflow.Status)
	}
	if f.Compliance != nil {
		out.ComplianceStatus = string(f.Compliance.Status)
		out.ControlID = aws.ToString(f.Compliance.SecurityControlId)
	}
	if len(f.Resources) > 0 {
		out.ResourceType = aws.ToString(f.Resources[0].Type)
		out.ResourceID = aws.ToString(f.Resources[0].Id)
		if len(f.Resources[0].Tags) > 0 {
			out.ResourceTags = maps.Clone(f.Resources[0].Tags)
		}
	}
	return out
}

// parseTime reads the first ASFF timestamp that is set and valid; ASFF
// timestamps are ISO 8601 strings.
func parseTime(values ...*string) time.Time {
	for _, v := range values {
		if v == nil {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, *v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
