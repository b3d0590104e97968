package guardduty

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/baseline-scanner/baseline/checks"
)

const service = "guardduty"

// HighSeverity is the lowest severity collected as a high finding. GuardDuty
// calls 7.0–8.9 high and 9.0–10.0 critical.
const HighSeverity = 7

// getFindingsBatch is GuardDuty's limit of finding ids per GetFindings call.
const getFindingsBatch = 50

// API is exactly the GuardDuty calls this collector makes.
type API interface {
	guardduty.ListDetectorsAPIClient
	GetDetector(ctx context.Context, in *guardduty.GetDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error)
	GetFindingsStatistics(ctx context.Context, in *guardduty.GetFindingsStatisticsInput, optFns ...func(*guardduty.Options)) (*guardduty.GetFindingsStatisticsOutput, error)
	guardduty.ListFindingsAPIClient
	GetFindings(ctx context.Context, in *guardduty.GetFindingsInput, optFns ...func(*guardduty.Options)) (*guardduty.GetFindingsOutput, error)
	coverageAPI
	malwareAPI
}

// Collector is the GuardDuty collector.
type Collector struct {
	// admin, when set, supplies the findings of the member accounts it
	// covers from the administrator's detector.
	admin *Administration
	// adminUnknown, when set, is the failed call that left open whether
	// the caller is the GuardDuty administrator: recorded in every cell,
	// it makes guardduty.org_auto_enable ERROR rather than NOT_APPLICABLE.
	adminUnknown *adminUnknown
}

// adminUnknown is the failed call of an administrator discovery.
type adminUnknown struct {
	op  string
	err error
}

// New returns the GuardDuty collector that reads every account directly.
func New() Collector { return Collector{} }

// NewAdministered returns the collector that reads the findings of the
// (account, region) cells admin covers from the administrator's detector,
// and every other cell directly (recorded as a coverage gap of admin).
func NewAdministered(admin *Administration) Collector { return Collector{admin: admin} }

// Service implements checks.Collector.
func (Collector) Service() string { return service }

// Regional implements checks.Collector.
func (Collector) Regional() bool { return true }

// Collect implements checks.Collector.
func (c Collector) Collect(ctx context.Context, t checks.Target) checks.AccountFacts {
	part := checks.AccountFacts{GuardDuty: map[string]*checks.GuardDutyRegion{}}
	for _, region := range t.Regions {
		client := guardduty.NewFromConfig(t.Config, func(o *guardduty.Options) { o.Region = region })
		var (
			facts *checks.GuardDutyRegion
			errs  []checks.CollectionError
		)
		if detectorID, ok := c.admin.covers(ctx, t.AccountID, region); ok {
			facts, errs = c.admin.collectMember(ctx, client, t.AccountID, region, detectorID)
		} else {
			facts, errs = CollectRegion(ctx, client, t.AccountID, region)
		}
		if c.adminUnknown != nil {
			errs = append(errs, checks.NewError(t.AccountID, region, service, c.adminUnknown.op, fmt.Errorf("the GuardDuty administrator could not be determined, so its organization configuration was not read: %w", c.adminUnknown.err)))
		}
		if c.admin != nil && t.AccountID == c.admin.Admin {
			// The organization configuration is judged once, on the
			// administrator account (GD-43).
			org, err := c.admin.organization(ctx, region)
			if err != nil {
				errs = append(errs, checks.NewError(t.AccountID, region, service, "DescribeOrganizationConfiguration", err))
			}
			facts.Organization = org
		}
		part.GuardDuty[region] = facts
		part.Errors = append(part.Errors, errs...)
	}
	return part
}

// unarchived selects findings that have not been archived.
func unarchived() map[string]types.Condition {
	return map[string]types.Condition{"service.archived": {Equals: []string{"false"}}}
}

// CollectRegion observes GuardDuty in one account and region. No detector is
// a fact (an empty detector list), not an error.
func CollectRegion(ctx context.Context, api API, accountID, region string) (facts *checks.GuardDutyRegion, errs []checks.CollectionError) {
	facts = &checks.GuardDutyRegion{}
	fail := func(op string, err error) {
		errs = append(errs, checks.NewError(accountID, region, service, op, err))
	}
	// Malware Protection for S3 plans need no detector: read them beside
	// everything else.
	plansDone := make(chan struct{})
	var (
		plans    []checks.MalwareProtectionPlan
		plansOp  string
		plansErr error
	)
	go func() {
		defer close(plansDone)
		plans, plansOp, plansErr = malwarePlans(ctx, api)
	}()
	defer func() {
		<-plansDone
		if plansErr != nil {
			fail(plansOp, plansErr)
		}
		facts.MalwareProtectionPlans = plans
	}()

	var ids []string
	p := guardduty.NewListDetectorsPaginator(api, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fail("ListDetectors", err)
			return facts, errs
		}
		ids = append(ids, page.DetectorIds...)
	}

	detectors := []checks.Detector{}
	counts := map[string]int{}
	high := []checks.GuardDutyFinding{}
	coverage := []checks.GuardDutyCoverage{}
	for _, id := range ids {
		// The detector, its statistics and its high findings are independent
		// reads: side by side, the critical path is the findings chain.
		var (
			d                *guardduty.GetDetectorOutput
			detErr, countErr error
			covered          map[string][]checks.GuardDutyCoverage
			coverageErr      error
			found            []accountFinding
			findingsOp       string
			findingsErr      error
			wg               sync.WaitGroup
			detectorCounts   = map[string]int{}
		)
		wg.Add(3)
		go func() {
			defer wg.Done()
			d, detErr = api.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
		}()
		go func() {
			defer wg.Done()
			covered, coverageErr = coverageOf(ctx, api, id, []string{accountID})
		}()
		go func() {
			defer wg.Done()
			countErr = countBySeverity(ctx, api, id, accountID, detectorCounts)
		}()
		found, findingsOp, findingsErr = highFindings(ctx, api, id, []string{accountID}, func(string) string { return id })
		wg.Wait()

		if detErr != nil {
			fail("GetDetector", detErr)
			detectors = nil
		} else if detectors != nil {
			detectors = append(detectors, detector(id, d))
		}
		if counts != nil {
			if countErr != nil {
				fail("GetFindingsStatistics", countErr)
				counts = nil
			} else {
				for band, n := range detectorCounts {
					counts[band] += n
				}
			}
		}
		if coverage != nil {
			if coverageErr != nil {
				fail("ListCoverage", coverageErr)
				coverage = nil
			} else {
				coverage = append(coverage, covered[accountID]...)
			}
		}
		if high != nil {
			if findingsErr != nil {
				fail(findingsOp, findingsErr)
				high = nil
			} else {
				for _, f := range found {
					high = append(high, f.finding)
				}
			}
		}
	}
	facts.Detectors, facts.FindingCounts, facts.HighFindings, facts.Coverage = detectors, counts, high, coverage
	return facts, errs
}

// detector is the facts of a GetDetector answer.
func detector(id string, d *guardduty.GetDetectorOutput) checks.Detector {
	det := checks.Detector{ID: id, Status: string(d.Status), Features: []checks.DetectorFeature{}}
	for _, f := range d.Features {
		feature := checks.DetectorFeature{Name: string(f.Name), Status: string(f.Status), AdditionalConfiguration: []checks.FeatureConfiguration{}}
		for _, c := range f.AdditionalConfiguration {
			feature.AdditionalConfiguration = append(feature.AdditionalConfiguration, checks.FeatureConfiguration{Name: string(c.Name), Status: string(c.Status)})
		}
		det.Features = append(det.Features, feature)
	}
	return det
}

// countBySeverity counts the account's unarchived findings by band. The
// account criterion matters for an administrator, whose detector also
// sees its members' findings.
func countBySeverity(ctx context.Context, api API, detectorID, accountID string, counts map[string]int) error {
	byAccount, err := countByBand(ctx, api, detectorID, []string{accountID})
	if err != nil {
		return err
	}
	for band, n := range byAccount[accountID] {
		counts[band] += n
	}
	return nil
}

// statisticsAPI is the part of API that counts findings.
type statisticsAPI interface {
	GetFindingsStatistics(ctx context.Context, in *guardduty.GetFindingsStatisticsInput, optFns ...func(*guardduty.Options)) (*guardduty.GetFindingsStatisticsOutput, error)
}

// bands are the severity bands of SeverityBand as finding criteria.
var bands = []struct {
	name    string
	gte, lt *int64
}{
	{"critical", aws.Int64(9), nil},
	{"high", aws.Int64(7), aws.Int64(9)},
	{"medium", aws.Int64(4), aws.Int64(7)},
	{"low", nil, aws.Int64(4)},
}

// countByBand counts the unarchived findings of accounts (at most 100,
// GroupBy's page limit) by band: one GetFindingsStatistics grouped by
// account per band. FindingStatisticTypes COUNT_BY_SEVERITY is deprecated
// (GD-10), and grouping by SEVERITY returns one entry per distinct severity
// with no paging, so a count could be cut short; by account it cannot.
func countByBand(ctx context.Context, api statisticsAPI, detectorID string, accounts []string) (map[string]map[string]int, error) {
	counts := map[string]map[string]int{}
	for _, id := range accounts {
		counts[id] = map[string]int{}
	}
	for _, b := range bands {
		criterion := unarchived()
		criterion["accountId"] = types.Condition{Equals: accounts}
		criterion["severity"] = types.Condition{GreaterThanOrEqual: b.gte, LessThan: b.lt}
		out, err := api.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{
			DetectorId:      aws.String(detectorID),
			FindingCriteria: &types.FindingCriteria{Criterion: criterion},
			GroupBy:         types.GroupByTypeAccount,
			MaxResults:      aws.Int32(int32(len(accounts))),
		})
		if err != nil {
			return nil, err
		}
		if out.FindingStatistics == nil {
			continue
		}
		for _, s := range out.FindingStatistics.GroupedByAccount {
			if n := int(aws.ToInt32(s.TotalFindings)); n > 0 && counts[aws.ToString(s.AccountId)] != nil {
				counts[aws.ToString(s.AccountId)][b.name] += n
			}
		}
	}
	return counts, nil
}

// SeverityBand names GuardDuty's severity bands.
func SeverityBand(severity float64) string {
	switch {
	case severity >= 9:
		return "critical"
	case severity >= 7:
		return "high"
	case severity >= 4:
		return "medium"
	default:
		return "low"
	}
}

// findingsAPI is the part of API that reads findings.
type findingsAPI interface {
	guardduty.ListFindingsAPIClient
	GetFindings(ctx context.Context, in *guardduty.GetFindingsInput, optFns ...func(*guardduty.Options)) (*guardduty.GetFindingsOutput, error)
}

// highFindings lists the unarchived findings at or above HighSeverity of
// accounts (the account criterion matters for an administrator, whose
// detector also sees its members' findings) and reads them. ListFindings
// pages hold 50 ids, GetFindings' batch limit, so each page is read while
// the next is listed: a two-stage pipeline whose calls stay in order per
// operation. detectorOf names the detector a finding of an account
// belongs to.
func highFindings(ctx context.Context, api findingsAPI, detectorID string, accounts []string, detectorOf func(account string) string) ([]accountFinding, string, error) {
	criterion := unarchived()
	criterion["severity"] = types.Condition{GreaterThanOrEqual: aws.Int64(HighSeverity)}
	criterion["accountId"] = types.Condition{Equals: accounts}
	batches := make(chan []string, 4)
	var (
		found   = []accountFinding{}
		getErr  error
		getDone = make(chan struct{})
	)
	go func() {
		defer close(getDone)
		for batch := range batches {
			if getErr != nil {
				continue // drain
			}
			out, err := api.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: aws.String(detectorID), FindingIds: batch})
			if err != nil {
				getErr = err
				continue
			}
			for _, f := range out.Findings {
				account := aws.ToString(f.AccountId)
				found = append(found, accountFinding{account, compactFinding(detectorOf(account), f)})
			}
		}
	}()

	var listErr error
	var pending []string
	p := guardduty.NewListFindingsPaginator(api, &guardduty.ListFindingsInput{
		DetectorId:      aws.String(detectorID),
		FindingCriteria: &types.FindingCriteria{Criterion: criterion},
		MaxResults:      aws.Int32(getFindingsBatch),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			listErr = err
			break
		}
		pending = append(pending, page.FindingIds...)
		for len(pending) >= getFindingsBatch {
			batches <- pending[:getFindingsBatch:getFindingsBatch]
			pending = pending[getFindingsBatch:]
		}
	}
	if listErr == nil && len(pending) > 0 {
		batches <- pending
	}
	close(batches)
	<-getDone
	switch {
	case listErr != nil:
		return nil, "ListFindings", listErr
	case getErr != nil:
		return nil, "GetFindings", getErr
	}
	return found, "", nil
}

// accountFinding is a finding with the account it belongs to.
type accountFinding struct {
	account string
	finding checks.GuardDutyFinding
}

func compactFinding(detectorID string, f types.Finding) checks.GuardDutyFinding {
	out := checks.GuardDutyFinding{
		ID:         aws.ToString(f.Id),
		DetectorID: detectorID,
		Title:      aws.ToString(f.Title),
		Type:       aws.ToString(f.Type),
		Severity:   aws.ToFloat64(f.Severity),
	}
	if t, err := time.Parse(time.RFC3339Nano, aws.ToString(f.UpdatedAt)); err == nil {
		out.UpdatedAt = t.UTC()
	}
	if t, err := time.Parse(time.RFC3339Nano, aws.ToString(f.CreatedAt)); err == nil {
		out.CreatedAt = t.UTC()
	}
	if f.Service != nil {
		out.Archived = aws.ToBool(f.Service.Archived)
	}
	out.Sequence = sequence(f)
	if r := f.Resource; r != nil {
		out.ResourceType = aws.ToString(r.ResourceType)
		switch {
		case r.InstanceDetails != nil:
			out.ResourceID = aws.ToString(r.InstanceDetails.InstanceId)
			for _, tag := range r.InstanceDetails.Tags {
				if out.ResourceTags == nil {
					out.ResourceTags = map[string]string{}
				}
				out.ResourceTags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
		case r.AccessKeyDetails != nil:
			out.ResourceID = aws.ToString(r.AccessKeyDetails.AccessKeyId)
		case len(r.S3BucketDetails) > 0:
			out.ResourceID = aws.ToString(r.S3BucketDetails[0].Name)
		case r.EksClusterDetails != nil:
			out.ResourceID = aws.ToString(r.EksClusterDetails.Name)
		case r.LambdaDetails != nil:
			out.ResourceID = aws.ToString(r.LambdaDetails.FunctionName)
		case r.RdsDbInstanceDetails != nil:
			out.ResourceID = aws.ToString(r.RdsDbInstanceDetails.DbInstanceIdentifier)
		}
	}
	return out
}
