package cloudtrail

import (
	"context"
	"slices"
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
// merges them by ARN, then reads each trail's status and event selectors once,
// from its home region when that is in scope and answered DescribeTrails.
func CollectAccount(ctx context.Context, clients map[string]API, accountID string, regions []string) (*checks.CloudTrailFacts, []checks.CollectionError) {
	var errs []checks.CollectionError
	var trails []checks.Trail
	seenIn := map[string]string{}  // trail ARN → first region that showed it
	described := map[string]bool{} // regions where DescribeTrails answered
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
			if _, ok := seenIn[arn]; ok {
				continue
			}
			seenIn[arn] = region
			trails = append(trails, checks.Trail{
				ARN:                       arn,
				Name:                      aws.ToString(tr.Name),
				HomeRegion:                aws.ToString(tr.HomeRegion),
				IsMultiRegion:             aws.ToBool(tr.IsMultiRegionTrail),
				IsOrganizationTrail:       aws.ToBool(tr.IsOrganizationTrail),
				LogFileValidationEnabled:  aws.ToBool(tr.LogFileValidationEnabled),
				KMSKeyID:                  aws.ToString(tr.KmsKeyId),
				S3BucketName:              aws.ToString(tr.S3BucketName),
				CloudWatchLogsLogGroupARN: aws.ToString(tr.CloudWatchLogsLogGroupArn),
			})
		}
	}
	if len(described) == 0 {
		return &checks.CloudTrailFacts{}, errs
	}

	// Each trail's status and selectors, all side by side; errors are
	// gathered per trail and appended in trail order.
	trailErrs := make([][]checks.CollectionError, len(trails))
	for i := range trails {
		tr := &trails[i]
		// The home region, unless CloudTrail failed there (a region-scoped
		// deny): then the region that showed the shadow answers by ARN.
		region := seenIn[tr.ARN]
		if described[tr.HomeRegion] {
			region = tr.HomeRegion
		}
		api := clients[region]
		var statusErr, selectorsErr error
		var status *cloudtrail.GetTrailStatusOutput
		var selectors *cloudtrail.GetEventSelectorsOutput
		var trailWG sync.WaitGroup
		trailWG.Go(func() {
			status, statusErr = api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(tr.ARN)})
		})
		trailWG.Go(func() {
			selectors, selectorsErr = api.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(tr.ARN)})
		})
		wg.Go(func() {
			trailWG.Wait()
			if statusErr != nil {
				trailErrs[i] = append(trailErrs[i], checks.NewError(accountID, region, service, "GetTrailStatus", statusErr))
			} else {
				tr.Status = &checks.TrailStatus{
					IsLogging:                         aws.ToBool(status.IsLogging),
					LatestDeliveryTime:                utc(status.LatestDeliveryTime),
					LatestDeliveryError:               aws.ToString(status.LatestDeliveryError),
					LatestCloudWatchLogsDeliveryTime:  utc(status.LatestCloudWatchLogsDeliveryTime),
					LatestCloudWatchLogsDeliveryError: aws.ToString(status.LatestCloudWatchLogsDeliveryError),
				}
			}
			if selectorsErr != nil {
				trailErrs[i] = append(trailErrs[i], checks.NewError(accountID, region, service, "GetEventSelectors", selectorsErr))
			} else {
				tr.ManagementEvents = aws.String(ManagementEvents(selectors.EventSelectors, selectors.AdvancedEventSelectors))
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

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ManagementEvents reduces basic or advanced event selectors to the
// management events they record: "all", "read", "write" or "none".
func ManagementEvents(basic []types.EventSelector, advanced []types.AdvancedEventSelector) string {
	var read, write bool
	for _, s := range basic {
		if s.IncludeManagementEvents != nil && !*s.IncludeManagementEvents {
			continue
		}
		// A ReadWriteType AWS adds counts for nothing until the code knows
		// what it records: crediting it could pass a trail that logs less.
		switch s.ReadWriteType {
		case types.ReadWriteTypeReadOnly:
			read = true
		case types.ReadWriteTypeWriteOnly:
			write = true
		case types.ReadWriteTypeAll, "": // "" is the API's default, All
			read, write = true, true
		}
	}
	for _, s := range advanced {
		r, w := advancedManagement(s.FieldSelectors)
		read, write = read || r, write || w
	}
	switch {
	case read && write:
		return "all"
	case read:
		return "read"
	case write:
		return "write"
	}
	return "none"
}

// advancedManagement reads one advanced selector: it records management
// events when eventCategory equals Management, and its readOnly field (if
// any) narrows them to reads or writes.
func advancedManagement(fields []types.AdvancedFieldSelector) (read, write bool) {
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
		}
	}
	if !management {
		return false, false
	}
	return read, write
}
