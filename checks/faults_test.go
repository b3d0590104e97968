package checks_test

import (
	"slices"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/services"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

// faultWorld is a small organization for the fault tests: a management
// account and two members in two regions, Security Hub not subscribed in
// one member's eu-west-1.
const faultWorld = `
regions: [us-east-1, eu-west-1]
accounts:
  - {id: "100000000001", name: mgmt, management: true}
  - id: "200000000002"
    name: prod
    regions:
      us-east-1:
        securityhub: {enabled: true, standards: [{arn: aws-foundational-security-best-practices/v/1.0.0}]}
        guardduty: {detectors: [{}]}
        cloudtrail: {trails: [{name: main, multi_region: true, s3_bucket: logs, logging: true}]}
      eu-west-1:
        securityhub: {enabled: true}
  - id: "300000000003"
    name: dev
    regions:
      us-east-1:
        securityhub: {enabled: true}
`

const (
	prod = "200000000002"
	dev  = "300000000003"
)

// faultScan serves faultWorld with opts and faults, and collects it with
// the scanner's real client setup (rate limiter, retryer with a short
// backoff so the test stays fast).
func faultScan(t *testing.T, opts awssim.Options, client checks.ClientOptions, faults ...awssim.Fault) (*awssim.Server, *checks.Snapshot) {
	t.Helper()
	w, err := awssim.ParseWorld(t.Context(), "faults.yaml", []byte(faultWorld))
	if err != nil {
		t.Fatal(err)
	}
	w.Faults = faults
	opts.Now, opts.Seed = awssimtest.Clock, 1
	srv, err := awssim.Start(w, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg := awssimtest.Config(srv, awssimtest.ManagementAccount(w))
	client.BackoffBase = time.Millisecond
	client.MaxBackoff = 5 * time.Millisecond
	checks.ConfigureClients(&cfg, client)
	targets, err := discover(t.Context(), cfg, checks.TargetOptions{Org: true, Regions: []string{"us-east-1", "eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	snap := checks.Collect(t.Context(), targets, checks.CollectOptions{
		Collectors:  services.Collectors(services.All),
		Tool:        tool,
		Now:         awssimtest.Clock,
		RateLimiter: checks.NewRateLimiter(checks.RateLimitsOf(services.All), checks.SigningNamesOf(services.All)),
	})
	return srv, snap
}

func accountOf(t *testing.T, snap *checks.Snapshot, id string) checks.AccountFacts {
	t.Helper()
	for _, a := range snap.Accounts {
		if a.AccountID == id {
			return a
		}
	}
	t.Fatalf("account %s not in the snapshot", id)
	return checks.AccountFacts{}
}

// codes lists the errors as "region service:Operation Code".
func codes(errs []checks.CollectionError) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Region+" "+e.Action()+" "+e.Code)
	}
	return out
}

func TestFaultsAreRecordedAndContained(t *testing.T) {
	t.Parallel()
	_, clean := faultScan(t, awssim.Options{}, checks.ClientOptions{})
	for _, a := range clean.Accounts {
		if len(a.Errors) > 0 {
			t.Fatalf("clean scan: account %s has errors %v", a.AccountID, codes(a.Errors))
		}
	}
	// Security Hub not subscribed is a fact, not an error.
	if got := accountOf(t, clean, dev).SecurityHub["eu-west-1"]; got == nil || got.Enabled == nil || *got.Enabled {
		t.Errorf("dev eu-west-1 Security Hub = %+v, want observed as not enabled", got)
	}

	tests := []struct {
		name   string
		opts   awssim.Options
		client checks.ClientOptions
		faults []awssim.Fault
		// want are dev's errors; prod must equal the clean scan.
		want []string
	}{
		{
			name:   "AssumeRole denied",
			faults: []awssim.Fault{{Account: dev, Service: "sts", Operation: "AssumeRole", Code: "AccessDenied"}},
			want:   []string{"global sts:AssumeRole AccessDenied"},
		},
		{
			name:   "a region answers UnrecognizedClientException",
			faults: []awssim.Fault{{Account: dev, Region: "eu-west-1", Code: "UnrecognizedClientException"}},
			want: []string{
				"eu-west-1 cloudtrail:DescribeTrails UnrecognizedClientException",
				"eu-west-1 ec2:DescribeInstances UnrecognizedClientException",
				"eu-west-1 guardduty:ListDetectors UnrecognizedClientException",
				"eu-west-1 guardduty:ListMalwareProtectionPlans UnrecognizedClientException",
				"eu-west-1 securityhub:DescribeHub UnrecognizedClientException",
				"eu-west-1 securityhub:DescribeSecurityHubV2 UnrecognizedClientException",
				"eu-west-1 ssm:DescribeInstanceInformation UnrecognizedClientException",
			},
		},
		{
			name:   "intermittent 500s are retried to success",
			client: checks.ClientOptions{MaxAttempts: 10},
			faults: []awssim.Fault{{Account: dev, Service: "guardduty", Code: "InternalServerErrorException", Rate: 0.5}},
			want:   []string{},
		},
		{
			name:   "500s until the retries run out",
			client: checks.ClientOptions{MaxAttempts: 3},
			faults: []awssim.Fault{{Account: dev, Region: "us-east-1", Service: "guardduty", Code: "InternalServerErrorException"}},
			want:   []string{"us-east-1 guardduty:ListDetectors InternalServerErrorException", "us-east-1 guardduty:ListMalwareProtectionPlans InternalServerErrorException"},
		},
		{
			name:   "throttling beyond the rate limits is retried, never an error",
			client: checks.ClientOptions{MaxAttempts: 10},
			opts:   awssim.Options{ThrottleRate: 0.3, RateLimits: awssim.AWSRateLimits()},
			want:   []string{},
		},
		{
			// The call never answers (the simulator waits until the client
			// gives up); every other call answers in far less than the
			// timeout, however loaded the machine.
			name:   "a call that times out",
			client: checks.ClientOptions{MaxAttempts: 2, CallTimeout: 2 * time.Second},
			faults: []awssim.Fault{{Account: dev, Region: "us-east-1", Service: "ssm", Operation: "DescribeInstanceInformation", Latency: "1h"}},
			want:   []string{"us-east-1 ssm:DescribeInstanceInformation Timeout"},
		},
		{
			name: "sessions expire mid-scan",
			// Every session stops working after 8 requests although its
			// Expiration says an hour: the scanner re-assumes the role.
			opts:   awssim.Options{SessionCalls: 8},
			client: checks.ClientOptions{MaxAttempts: 10},
			want:   []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, snap := faultScan(t, tt.opts, tt.client, tt.faults...)
			if got := codes(accountOf(t, snap, dev).Errors); !slices.Equal(got, tt.want) {
				t.Errorf("dev errors:\n%v\nwant:\n%v", got, tt.want)
			}
			// Every other result is intact.
			if tt.opts.SessionCalls == 0 && tt.opts.ThrottleRate == 0 {
				awssimtest.Equal(t, "prod", accountOf(t, snap, prod), accountOf(t, clean, prod))
			} else if errs := accountOf(t, snap, prod).Errors; len(errs) > 0 {
				t.Errorf("prod errors: %v", codes(errs))
			}
			if tt.opts.SessionCalls > 0 {
				if n := srv.Calls().Count(awssim.Call{Service: "sts", Operation: "AssumeRole"}); n <= 2 {
					t.Errorf("AssumeRole called %d times; the sessions never expired mid-scan", n)
				}
				awssimtest.Equal(t, "prod", accountOf(t, snap, prod).SecurityHub, accountOf(t, clean, prod).SecurityHub)
			}
		})
	}
}
