package cloudtrail_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

const (
	management = "111111111111"
	member     = "222222222222"
	day        = 24 * time.Hour
)

// world is an organization of a management account and one member, with the
// given per-region state (indented under the management account's "regions:").
func world(managementRegionsYAML string) string {
	return `
regions: [us-east-1, eu-west-1]
accounts:
  - id: "111111111111"
    name: management
    management: true
    regions:
` + managementRegionsYAML + `
  - id: "222222222222"
    name: prod
`
}

// mainTrail is a healthy multi-region trail homed in us-east-1.
const mainTrail = `
      us-east-1:
        cloudtrail:
          trails:
            - name: main
              multi_region: true
              s3_bucket: acme-cloudtrail
              kms_key_id: arn:aws:kms:us-east-1:111111111111:key/4f1c2b8e-9a7d-4e35-b0c6-2d8f1a7e5c90
              log_file_validation: true
              cloudwatch_logs_log_group_arn: "arn:aws:logs:us-east-1:111111111111:log-group:cloudtrail:*"
              logging: true
              start_logging: 400d
              latest_delivery: 5m
              latest_cloudwatch_logs_delivery: 3m
              event_selectors:
                - read_write_type: All
                  include_management_events: true
`

func ago(d time.Duration) *time.Time {
	t := awssimtest.Now.Add(-d)
	return &t
}

func healthyMain() checks.Trail {
	status := func() *checks.TrailStatus {
		return &checks.TrailStatus{
			IsLogging:                        true,
			LatestDeliveryTime:               ago(5 * time.Minute),
			LatestCloudWatchLogsDeliveryTime: ago(3 * time.Minute),
		}
	}
	return checks.Trail{
		ARN:                            "arn:aws:cloudtrail:us-east-1:111111111111:trail/main",
		Name:                           "main",
		HomeRegion:                     "us-east-1",
		IsMultiRegion:                  true,
		LogFileValidationEnabled:       true,
		KMSKeyID:                       "arn:aws:kms:us-east-1:111111111111:key/4f1c2b8e-9a7d-4e35-b0c6-2d8f1a7e5c90",
		S3BucketName:                   "acme-cloudtrail",
		CloudWatchLogsLogGroupARN:      "arn:aws:logs:us-east-1:111111111111:log-group:cloudtrail:*",
		Status:                         status(),
		RegionStatuses:                 map[string]*checks.TrailStatus{"eu-west-1": status()},
		ManagementEvents:               aws.String("all"),
		ExcludedManagementEventSources: []string{},
	}
}

func trails(ts ...checks.Trail) *checks.CloudTrailFacts {
	if ts == nil {
		ts = []checks.Trail{}
	}
	return &checks.CloudTrailFacts{Trails: ts}
}

func collectionError(account, region, op, code, message string) checks.CollectionError {
	return checks.CollectionError{AccountID: account, Region: region, Service: "cloudtrail", Operation: op, Code: code, Message: message}
}

func TestCollect(t *testing.T) {
	both := []string{"us-east-1", "eu-west-1"}
	tests := []struct {
		name    string
		world   string
		account string   // default management
		regions []string // default us-east-1 and eu-west-1
		faults  []awssim.Fault
		want    checks.AccountFacts
		// calls are the CloudTrail requests of the account, "region Operation" → count.
		calls map[string]int
	}{
		{
			name:  "pass: a logging multi-region trail with selectors, seen in both regions, read once in its home",
			world: world(mainTrail),
			want:  checks.AccountFacts{CloudTrail: trails(healthyMain())},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "eu-west-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": 1},
		},
		{
			name:  "fail: no trail is an empty list",
			world: world("      us-east-1: {}\n"),
			want:  checks.AccountFacts{CloudTrail: trails()},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1},
		},
		{
			name: "fail: trail not logging, with write-only selectors",
			world: world(`
      us-east-1:
        cloudtrail:
          trails:
            - name: stopped
              multi_region: true
              s3_bucket: acme-cloudtrail
              logging: false
              stop_logging: 2d
              latest_delivery: 2d
              latest_delivery_error: AccessDenied
              event_selectors:
                - read_write_type: WriteOnly
`),
			want: checks.AccountFacts{CloudTrail: trails(checks.Trail{
				ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/stopped", Name: "stopped", HomeRegion: "us-east-1",
				IsMultiRegion: true, S3BucketName: "acme-cloudtrail",
				Status:                         &checks.TrailStatus{LatestDeliveryTime: ago(2 * day), LatestDeliveryError: "AccessDenied"},
				RegionStatuses:                 map[string]*checks.TrailStatus{"eu-west-1": {LatestDeliveryTime: ago(2 * day), LatestDeliveryError: "AccessDenied"}},
				ManagementEvents:               aws.String("write"),
				ExcludedManagementEventSources: []string{},
			})},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "eu-west-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": 1},
		},
		{
			name:    "fail: advanced selectors with data events only, and management reads only",
			regions: []string{"us-east-1"},
			world: world(`
      us-east-1:
        cloudtrail:
          trails:
            - name: data-events
              s3_bucket: acme-data-events
              logging: true
              advanced_event_selectors:
                - name: S3 objects
                  field_selectors:
                    - {field: eventCategory, equals: [Data]}
                    - {field: resources.type, equals: ["AWS::S3::Object"]}
            - name: reads
              s3_bucket: acme-reads
              logging: true
              advanced_event_selectors:
                - name: Management reads
                  field_selectors:
                    - {field: eventCategory, equals: [Management]}
                    - {field: readOnly, equals: ["true"]}
`),
			want: checks.AccountFacts{CloudTrail: trails(
				checks.Trail{
					ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/data-events", Name: "data-events", HomeRegion: "us-east-1",
					S3BucketName: "acme-data-events", Status: &checks.TrailStatus{IsLogging: true}, ManagementEvents: aws.String("none"),
					ExcludedManagementEventSources: []string{},
				},
				checks.Trail{
					ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/reads", Name: "reads", HomeRegion: "us-east-1",
					S3BucketName: "acme-reads", Status: &checks.TrailStatus{IsLogging: true}, ManagementEvents: aws.String("read"),
					ExcludedManagementEventSources: []string{},
				},
			)},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 2, "us-east-1 GetEventSelectors": 2},
		},
		{
			name:  "fail: a shadow trail homed elsewhere is one trail, read in its home region",
			world: world(euTrail),
			want:  checks.AccountFacts{CloudTrail: trails(euTrailFacts("us-east-1"))},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "eu-west-1 GetTrailStatus": 1, "us-east-1 GetTrailStatus": 1, "eu-west-1 GetEventSelectors": 1},
		},
		{
			name:    "fail: a trail homed outside the scanned regions is read through its shadow by ARN",
			world:   world(euTrail),
			regions: []string{"us-east-1"},
			want:    checks.AccountFacts{CloudTrail: trails(euTrailFacts())},
			calls:   map[string]int{"us-east-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": 1},
		},
		{
			name:    "fail: a single-region trail in an unscanned region is not seen",
			regions: []string{"us-east-1"},
			world: world(`
      eu-west-1:
        cloudtrail:
          trails:
            - {name: eu-only, s3_bucket: acme-eu, logging: true}
`),
			want:  checks.AccountFacts{CloudTrail: trails()},
			calls: map[string]int{"us-east-1 DescribeTrails": 1},
		},
		{
			name:    "error: the management account's organization trail seen from a member is not read from the member",
			account: member,
			world: world(orgTrail + `            - name: management-only
              multi_region: true
              s3_bucket: acme-management
              logging: true
`),
			want: checks.AccountFacts{CloudTrail: trails(checks.Trail{
				ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", Name: "org-trail", HomeRegion: "us-east-1",
				IsMultiRegion: true, IsOrganizationTrail: true, LogFileValidationEnabled: true, S3BucketName: "acme-org-cloudtrail",
				OwnerFactsError: "status and event selectors are read from the owner account 111111111111, and were not joined",
			})},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1},
		},
		{
			name:    "fail: KMS and RDS Data API management events excluded, basic and advanced",
			regions: []string{"us-east-1"},
			world: world(`
      us-east-1:
        cloudtrail:
          trails:
            - name: no-kms
              multi_region: true
              s3_bucket: acme-no-kms
              logging: true
              event_selectors:
                - read_write_type: All
                  exclude_management_event_sources: [kms.amazonaws.com]
            - name: no-rdsdata
              multi_region: true
              s3_bucket: acme-no-rdsdata
              logging: true
              advanced_event_selectors:
                - name: Management events but RDS Data API
                  field_selectors:
                    - {field: eventCategory, equals: [Management]}
                    - {field: eventSource, not_equals: [rdsdata.amazonaws.com]}
`),
			want: checks.AccountFacts{CloudTrail: trails(
				checks.Trail{
					ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/no-kms", Name: "no-kms", HomeRegion: "us-east-1",
					IsMultiRegion: true, S3BucketName: "acme-no-kms", Status: &checks.TrailStatus{IsLogging: true},
					ManagementEvents: aws.String("all"), ExcludedManagementEventSources: []string{"kms.amazonaws.com"},
				},
				checks.Trail{
					ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/no-rdsdata", Name: "no-rdsdata", HomeRegion: "us-east-1",
					IsMultiRegion: true, S3BucketName: "acme-no-rdsdata", Status: &checks.TrailStatus{IsLogging: true},
					ManagementEvents: aws.String("all"), ExcludedManagementEventSources: []string{"rdsdata.amazonaws.com"},
				},
			)},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 2, "us-east-1 GetEventSelectors": 2},
		},
		{
			name: "fail: a multi-region trail's status is read in every region, where delivery can fail on its own",
			world: world(`
      us-east-1:
        cloudtrail:
          trails:
            - name: main
              multi_region: true
              s3_bucket: acme-cloudtrail
              logging: true
              latest_delivery: 5m
              region_status:
                eu-west-1: {latest_delivery: 2d, latest_delivery_error: KMS.DisabledException}
`),
			want: checks.AccountFacts{CloudTrail: trails(checks.Trail{
				ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/main", Name: "main", HomeRegion: "us-east-1",
				IsMultiRegion: true, S3BucketName: "acme-cloudtrail",
				Status: &checks.TrailStatus{IsLogging: true, LatestDeliveryTime: ago(5 * time.Minute)},
				RegionStatuses: map[string]*checks.TrailStatus{
					"eu-west-1": {IsLogging: true, LatestDeliveryTime: ago(2 * day), LatestDeliveryError: "KMS.DisabledException"},
				},
				ManagementEvents: aws.String("all"), ExcludedManagementEventSources: []string{},
			})},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "eu-west-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": 1},
		},
		{
			name:  "error: GetTrailStatus denied in a shadow region, the home's status intact",
			world: world(mainTrail),
			faults: []awssim.Fault{{
				Account: management, Region: "eu-west-1", Service: "cloudtrail", Operation: "GetTrailStatus",
				Code: "AccessDeniedException", Message: "explicit deny in eu-west-1",
			}},
			want: checks.AccountFacts{
				CloudTrail: trails(homeStatusOnly()),
				Errors:     []checks.CollectionError{collectionError(management, "eu-west-1", "GetTrailStatus", "AccessDeniedException", "explicit deny in eu-west-1")},
			},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "eu-west-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": 1},
		},
		{
			name:   "error: DescribeTrails denied in one region, the trail seen from the other",
			world:  world(mainTrail),
			faults: []awssim.Fault{describeTrailsDenied("eu-west-1")},
			want: checks.AccountFacts{
				CloudTrail: trails(homeStatusOnly()),
				Errors:     []checks.CollectionError{collectionError(management, "eu-west-1", "DescribeTrails", "AccessDeniedException", "explicit deny in eu-west-1")},
			},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": 1},
		},
		{
			name:   "error: DescribeTrails denied in every region leaves the trails unobserved",
			world:  world(mainTrail),
			faults: []awssim.Fault{describeTrailsDenied("us-east-1"), describeTrailsDenied("eu-west-1")},
			want: checks.AccountFacts{
				CloudTrail: &checks.CloudTrailFacts{},
				Errors: []checks.CollectionError{
					collectionError(management, "us-east-1", "DescribeTrails", "AccessDeniedException", "explicit deny in us-east-1"),
					collectionError(management, "eu-west-1", "DescribeTrails", "AccessDeniedException", "explicit deny in eu-west-1"),
				},
			},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1},
		},
		{
			name:  "error: GetTrailStatus denied, selectors intact",
			world: world(mainTrail),
			faults: []awssim.Fault{{
				Account: management, Region: "us-east-1", Service: "cloudtrail", Operation: "GetTrailStatus",
				Code: "AccessDeniedException", Message: "explicit deny of cloudtrail:GetTrailStatus",
			}},
			want: checks.AccountFacts{
				CloudTrail: trails(func() checks.Trail { tr := healthyMain(); tr.Status = nil; return tr }()),
				Errors:     []checks.CollectionError{collectionError(management, "us-east-1", "GetTrailStatus", "AccessDeniedException", "explicit deny of cloudtrail:GetTrailStatus")},
			},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "eu-west-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": 1},
		},
		{
			name:  "error: GetEventSelectors throttled on every retry, status intact",
			world: world(mainTrail),
			faults: []awssim.Fault{{
				Account: management, Region: "us-east-1", Service: "cloudtrail", Operation: "GetEventSelectors",
				Code: "ThrottlingException", Message: "Rate exceeded",
			}},
			want: checks.AccountFacts{
				CloudTrail: trails(func() checks.Trail {
					tr := healthyMain()
					tr.ManagementEvents, tr.ExcludedManagementEventSources = nil, nil
					return tr
				}()),
				Errors: []checks.CollectionError{collectionError(management, "us-east-1", "GetEventSelectors", "ThrottlingException", "Rate exceeded")},
			},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "eu-west-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": awssimtest.MaxAttempts},
		},
		{
			name:  "error: CloudTrail denied in the trail's home region, the trail read through its shadow",
			world: world(euTrail),
			faults: []awssim.Fault{{
				Account: management, Region: "eu-west-1", Service: "cloudtrail",
				Code: "AccessDeniedException", Message: "explicit deny in eu-west-1",
			}},
			want: checks.AccountFacts{
				CloudTrail: trails(euTrailFacts()),
				Errors:     []checks.CollectionError{collectionError(management, "eu-west-1", "DescribeTrails", "AccessDeniedException", "explicit deny in eu-west-1")},
			},
			calls: map[string]int{"us-east-1 DescribeTrails": 1, "eu-west-1 DescribeTrails": 1, "us-east-1 GetTrailStatus": 1, "us-east-1 GetEventSelectors": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := awssimtest.Start(t, tt.world)
			for _, f := range tt.faults {
				if err := srv.AddFault(f); err != nil {
					t.Fatal(err)
				}
			}
			account := tt.account
			if account == "" {
				account = management
			}
			regions := tt.regions
			if regions == nil {
				regions = both
			}
			cfg := awssimtest.Config(srv, account)
			got := cloudtrail.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: regions, Config: cfg})
			awssimtest.Equal(t, "facts", got, tt.want)

			calls := map[string]int{}
			for call, n := range srv.Calls().ByCall {
				if call.Service != "cloudtrail" || call.Account != account {
					t.Errorf("unexpected call %+v", call)
					continue
				}
				calls[call.Region+" "+call.Operation] += n
			}
			awssimtest.Equal(t, "calls", calls, tt.calls)
		})
	}
}

// euTrail is a multi-region trail homed in eu-west-1 with basic selectors
// that record management reads and writes in two halves.
const euTrail = `
      eu-west-1:
        cloudtrail:
          trails:
            - name: eu-main
              multi_region: true
              s3_bucket: acme-eu-cloudtrail
              logging: true
              latest_delivery: 10m
              event_selectors:
                - read_write_type: ReadOnly
                - read_write_type: WriteOnly
`

// euTrailFacts are eu-main's facts, with its status also read in the
// other regions given.
func euTrailFacts(others ...string) checks.Trail {
	tr := checks.Trail{
		ARN: "arn:aws:cloudtrail:eu-west-1:111111111111:trail/eu-main", Name: "eu-main", HomeRegion: "eu-west-1",
		IsMultiRegion: true, S3BucketName: "acme-eu-cloudtrail",
		Status:                         &checks.TrailStatus{IsLogging: true, LatestDeliveryTime: ago(10 * time.Minute)},
		ManagementEvents:               aws.String("all"),
		ExcludedManagementEventSources: []string{},
	}
	for _, r := range others {
		if tr.RegionStatuses == nil {
			tr.RegionStatuses = map[string]*checks.TrailStatus{}
		}
		tr.RegionStatuses[r] = &checks.TrailStatus{IsLogging: true, LatestDeliveryTime: ago(10 * time.Minute)}
	}
	return tr
}

func describeTrailsDenied(region string) awssim.Fault {
	return awssim.Fault{
		Account: management, Region: region, Service: "cloudtrail", Operation: "DescribeTrails",
		Code: "AccessDeniedException", Message: "explicit deny in " + region,
	}
}

// homeStatusOnly is the healthy main trail as seen when only its home
// region's status could be read.
func homeStatusOnly() checks.Trail {
	tr := healthyMain()
	tr.RegionStatuses = nil
	return tr
}
