package cloudtrail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/baseline-scanner/baseline/checks"
)

const service = "cloudtrail"

// API is exactly the CloudTrail calls this collector makes.
type API interface {
	DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(ctx context.Context, in *cloudtrail.GetEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
}

// Collector is the CloudTrail collector. It is account-wide: a multi-region
// trail shows in every region but is one trail.
type Collector struct{}

// New returns the CloudTrail collector.
func New() Collector { return Collector{} }

// Service implements checks.Collector.
func (Collector) Service() string { return service }

// Regional implements checks.Collector.
func (Collector) Regional() bool { return false }

// Collect implements checks.Collector.
func (Collector) Collect(ctx context.Context, t checks.Target) checks.AccountFacts {
	clients := map[string]API{}
	for _, region := range t.Regions {
		clients[region] = cloudtrail.NewFromConfig(t.Config, func(o *cloudtrail.Options) { o.Region = region })
	}
	facts, errs := CollectAccount(ctx, clients, t.AccountID, t.Regions)
	return checks.AccountFacts{CloudTrail: facts, Errors: errs}
}

// CollectAccount lists the trails of every region (shadow trails included),
// merges them by ARN, then reads each of the account's own trails' event
// selectors once, from its home region when that is in scope and answered
// DescribeTrails, and its status there and in every other region that shows
// a multi-region trail (AWS returns trail status from a single Region).
//
// Another account's trail (an organization trail seen from a member) is
// kept as DescribeTrails shows it, without status or selectors: AWS
// documents that members can see it, not that they can read its selectors,
// so its facts are read once from its owner and joined in (JoinOwnerFacts).
func CollectAccount(ctx context.Context, clients map[string]API, accountID string, regions []string) (*checks.CloudTrailFacts, []checks.CollectionError) {
	var errs []checks.CollectionError
	var trails []checks.Trail
	shownIn := map[string][]string{} // trail ARN → regions that showed it, in region order
	described := map[string]bool{}   // regions where DescribeTrails answered
	// Every region's DescribeTrails at once, then merged in region order.
	outs := make([]*cloudtrail.DescribeTrailsOutput, len(regions))
	outErrs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, region := range regions {
		wg.Go(func() {
			outs[i], outErrs[i] = clients[region].DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
		})
	}
	wg.Wait()
	for i, region := range regions {
		out, err := outs[i], outErrs[i]
		if err != nil {
			errs = append(errs, checks.NewError(accountID, region, service, "DescribeTrails", err))
			continue
		}
		described[region] = true
		for _, tr := range out.TrailList {
			arn := aws.ToString(tr.TrailARN)
			if _, ok := shownIn[arn]; ok {
				shownIn[arn] = append(shownIn[arn], region)
				continue
			}
			shownIn[arn] = []string{region}
			t := checks.Trail{
				ARN:                       arn,
				Name:                      aws.ToString(tr.Name),
				HomeRegion:                aws.ToString(tr.HomeRegion),
				IsMultiRegion:             aws.ToBool(tr.IsMultiRegionTrail),
				IsOrganizationTrail:       aws.ToBool(tr.IsOrganizationTrail),
				LogFileValidationEnabled:  aws.ToBool(tr.LogFileValidationEnabled),
				KMSKeyID:                  aws.ToString(tr.KmsKeyId),
				S3BucketName:              aws.ToString(tr.S3BucketName),
				CloudWatchLogsLogGroupARN: aws.ToString(tr.CloudWatchLogsLogGroupArn),
			}
			if owner := Owner(arn); owner != accountID {
				t.OwnerFactsError = fmt.Sprintf("status and event selectors are read from the owner account %s, and were not joined", owner)
			}
			trails = append(trails, t)
		}
	}
	if len(described) == 0 {
		return &checks.CloudTrailFacts{}, errs
	}

	// Each own trail's status (per region) and selectors, all side by side;
	// errors are gathered per trail and appended in trail order.
	trailErrs := make([][]checks.CollectionError, len(trails))
	for i := range trails {
		tr := &trails[i]
		if Owner(tr.ARN) != accountID {
			continue
		}
		// The home region, unless CloudTrail failed there (a region-scoped
		// deny) or it is out of scope: then the first region that showed
		// the shadow answers by ARN.
		home := shownIn[tr.ARN][0]
		if described[tr.HomeRegion] {
			home = tr.HomeRegion
		}
		statusRegions := []string{home}
		if tr.IsMultiRegion {
			for _, r := range shownIn[tr.ARN] {
				if r != home {
					statusRegions = append(statusRegions, r)
				}
			}
		}
		statuses := make([]*cloudtrail.GetTrailStatusOutput, len(statusRegions))
		statusErrs := make([]error, len(statusRegions))
		var selectorsErr error
		var selectors *cloudtrail.GetEventSelectorsOutput
		var trailWG sync.WaitGroup
		for j, r := range statusRegions {
			trailWG.Go(func() {
				statuses[j], statusErrs[j] = clients[r].GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(tr.ARN)})
			})
		}
		trailWG.Go(func() {
			selectors, selectorsErr = clients[home].GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(tr.ARN)})
		})
		wg.Go(func() {
			trailWG.Wait()
			for j, r := range statusRegions {
				if statusErrs[j] != nil {
					trailErrs[i] = append(trailErrs[i], checks.NewError(accountID, r, service, "GetTrailStatus", statusErrs[j]))
					continue
				}
				if j == 0 {
					tr.Status = trailStatus(statuses[j])
					continue
				}
				if tr.RegionStatuses == nil {
					tr.RegionStatuses = map[string]*checks.TrailStatus{}
				}
				tr.RegionStatuses[r] = trailStatus(statuses[j])
			}
			if selectorsErr != nil {
				trailErrs[i] = append(trailErrs[i], checks.NewError(accountID, home, service, "GetEventSelectors", selectorsErr))
			} else {
				events, excluded := ManagementEvents(selectors.EventSelectors, selectors.AdvancedEventSelectors)
				tr.ManagementEvents, tr.ExcludedManagementEventSources = aws.String(events), excluded
			}
		})
	}
	wg.Wait()
	for _, e := range trailErrs {
		errs = append(errs, e...)
	}
	if trails == nil {
		trails = []checks.Trail{}
	}
	return &checks.CloudTrailFacts{Trails: trails}, errs
}

// Owner is the account id in a trail ARN: the account that owns the trail.
func Owner(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func trailStatus(out *cloudtrail.GetTrailStatusOutput) *checks.TrailStatus {
	return &checks.TrailStatus{
		IsLogging:                         aws.ToBool(out.IsLogging),
		LatestDeliveryTime:                utc(out.LatestDeliveryTime),
		LatestDeliveryError:               aws.ToString(out.LatestDeliveryError),
		LatestCloudWatchLogsDeliveryTime:  utc(out.LatestCloudWatchLogsDeliveryTime),
		LatestCloudWatchLogsDeliveryError: aws.ToString(out.LatestCloudWatchLogsDeliveryError),
	}
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ManagementEvents reduces basic or advanced event selectors to the
// management events they record ("all", "read", "write" or "none") and the
// event sources whose management events they leave out. An event is logged
// when any selector matches it, so a source is excluded from reads (writes)
// only when every selector recording reads (writes) excludes it.
func ManagementEvents(basic []types.EventSelector, advanced []types.AdvancedEventSelector) (string, []string) {
	var read, write bool
	var exclReads, exclWrites []string // intersections, once a selector sets them
	add := func(r, w bool, excluded []string) {
		if r {
			exclReads = intersect(read, exclReads, excluded)
			read = true
		}
		if w {
			exclWrites = intersect(write, exclWrites, excluded)
			write = true
		}
	}
	for _, s := range basic {
		if s.IncludeManagementEvents != nil && !*s.IncludeManagementEvents {
			continue
		}
		// A ReadWriteType AWS adds counts for nothing until the code knows
		// what it records: crediting it could pass a trail that logs less.
		switch s.ReadWriteType {
		case types.ReadWriteTypeReadOnly:
			add(true, false, s.ExcludeManagementEventSources)
		case types.ReadWriteTypeWriteOnly:
			add(false, true, s.ExcludeManagementEventSources)
		case types.ReadWriteTypeAll, "": // "" is the API's default, All
			add(true, true, s.ExcludeManagementEventSources)
		}
	}
	for _, s := range advanced {
		r, w, excluded := advancedManagement(s.FieldSelectors)
		add(r, w, excluded)
	}
	excluded := append(slices.Clone(exclReads), exclWrites...)
	slices.Sort(excluded)
	excluded = slices.Compact(excluded)
	if excluded == nil {
		excluded = []string{}
	}
	switch {
	case read && write:
		return "all", excluded
	case read:
		return "read", excluded
	case write:
		return "write", excluded
	}
	return "none", excluded
}

// intersect is the sources both lists exclude; seen is false for the first.
func intersect(seen bool, acc, excluded []string) []string {
	if !seen {
		return slices.Clone(excluded)
	}
	return slices.DeleteFunc(acc, func(s string) bool { return !slices.Contains(excluded, s) })
}

// advancedManagement reads one advanced selector: it records management
// events when eventCategory equals Management, its readOnly field (if any)
// narrows them to reads or writes, and an eventSource condition leaves
// sources out: NotEquals names them; any other operator is kept as written
// (e.g. "eventSource Equals ec2.amazonaws.com": every other source is out).
func advancedManagement(fields []types.AdvancedFieldSelector) (read, write bool, excluded []string) {
	management := false
	read, write = true, true
	for _, f := range fields {
		switch aws.ToString(f.Field) {
		case "eventCategory":
			management = slices.Contains(f.Equals, "Management")
		case "readOnly":
			switch {
			case slices.Equal(f.Equals, []string{"true"}), slices.Equal(f.NotEquals, []string{"false"}):
				write = false
			case slices.Equal(f.Equals, []string{"false"}), slices.Equal(f.NotEquals, []string{"true"}):
				read = false
			}
		case "eventSource":
			excluded = append(excluded, f.NotEquals...)
			for _, op := range []struct {
				name   string
				values []string
			}{
				{"Equals", f.Equals}, {"StartsWith", f.StartsWith}, {"EndsWith", f.EndsWith},
				{"NotStartsWith", f.NotStartsWith}, {"NotEndsWith", f.NotEndsWith},
			} {
				if len(op.values) > 0 {
					excluded = append(excluded, fmt.Sprintf("eventSource %s %s", op.name, strings.Join(op.values, ",")))
				}
			}
		}
	}
	if !management {
		return false, false, nil
	}
	return read, write, excluded
}
