package awssim

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// anyCall makes one simple call of each simulated service.
var anyCall = map[string]func(ctx context.Context, cfg aws.Config) error{
	"sts": func(ctx context.Context, cfg aws.Config) error {
		_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	},
	"organizations": func(ctx context.Context, cfg aws.Config) error {
		_, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
		return err
	},
	"securityhub": func(ctx context.Context, cfg aws.Config) error {
		_, err := securityhub.NewFromConfig(cfg).GetEnabledStandards(ctx, &securityhub.GetEnabledStandardsInput{})
		return err
	},
	"guardduty": func(ctx context.Context, cfg aws.Config) error {
		_, err := guardduty.NewFromConfig(cfg).ListDetectors(ctx, &guardduty.ListDetectorsInput{})
		return err
	},
	"cloudtrail": func(ctx context.Context, cfg aws.Config) error {
		_, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
		return err
	},
	"ssm": func(ctx context.Context, cfg aws.Config) error {
		_, err := ssm.NewFromConfig(cfg).DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{})
		return err
	},
	"ec2": func(ctx context.Context, cfg aws.Config) error {
		_, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		return err
	},
	"account": func(ctx context.Context, cfg aws.Config) error {
		_, err := account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{})
		return err
	},
}

func TestAuthErrors(t *testing.T) {
	s := startTestWorld(t)
	unknown := sdkConfig(s, credentials.NewStaticCredentialsProvider("AKIAUNKNOWNKEY000000", "secret", ""), "us-east-1")
	optedOut := configFor(s, "022222222222", "ap-southeast-3")
	tests := []struct {
		service        string
		code           string
		status         int
		regionDisabled bool // the service is regional: calls in a region not enabled fail too
	}{
		{"sts", "InvalidClientTokenId", 403, false},
		{"organizations", "UnrecognizedClientException", 403, false},
		{"securityhub", "UnrecognizedClientException", 403, true},
		{"guardduty", "UnrecognizedClientException", 403, true},
		{"cloudtrail", "UnrecognizedClientException", 403, true},
		{"ssm", "UnrecognizedClientException", 403, true},
		{"ec2", "AuthFailure", 401, true},
		{"account", "UnrecognizedClientException", 403, false},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			wantError(t, anyCall[tt.service](t.Context(), unknown), tt.code, tt.status)
			if tt.regionDisabled {
				wantError(t, anyCall[tt.service](t.Context(), optedOut), tt.code, tt.status)
			}
		})
	}
	if got := s.Calls().Count(Call{Account: ""}); got == 0 {
		t.Errorf("calls with unrecognized credentials were not counted")
	}
}

func TestEndpointFromEnvironment(t *testing.T) {
	s := startTestWorld(t)
	t.Setenv("AWS_ENDPOINT_URL", s.URL())
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	akid, secret := s.Credentials()
	t.Setenv("AWS_ACCESS_KEY_ID", akid)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_REGION", "eu-west-1")
	cfg, err := config.LoadDefaultConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(t.Context(), &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TrailList) != 1 || aws.ToString(out.TrailList[0].Name) != "org-trail" {
		t.Errorf("trails = %+v, want the org trail's shadow", out.TrailList)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name    string
		fault   Fault
		service string
		account string
		region  string
		code    string
		status  int
	}{
		{"access denied in one region", Fault{Account: "022222222222", Region: "us-east-1", Service: "ssm", Code: "AccessDeniedException"},
			"ssm", "022222222222", "us-east-1", "AccessDeniedException", 403},
		{"other region unaffected", Fault{Account: "022222222222", Region: "us-east-1", Service: "ssm", Code: "AccessDeniedException"},
			"ssm", "022222222222", "eu-west-1", "", 0},
		{"other account unaffected", Fault{Account: "022222222222", Service: "ssm", Code: "AccessDeniedException"},
			"ssm", "444444444444", "us-east-1", "", 0},
		{"one operation", Fault{Service: "securityhub", Operation: "GetEnabledStandards", Code: "InternalException", HTTPStatus: 500},
			"securityhub", "022222222222", "us-east-1", "InternalException", 500},
		{"other operation unaffected", Fault{Service: "securityhub", Operation: "GetFindings", Code: "InternalException"},
			"securityhub", "022222222222", "us-east-1", "", 0},
		{"ec2 unauthorized", Fault{Service: "ec2", Code: "UnauthorizedOperation"}, "ec2", "022222222222", "us-east-1", "UnauthorizedOperation", 403},
		{"sts by target account", Fault{Account: "444444444444", Service: "sts", Code: "AccessDenied"}, "sts", "444444444444", "us-east-1", "AccessDenied", 403},
		{"guardduty", Fault{Service: "guardduty", Code: "AccessDeniedException"}, "guardduty", "022222222222", "us-east-1", "AccessDeniedException", 403},
		{"cloudtrail", Fault{Region: "*", Service: "cloudtrail", Code: "AccessDeniedException"}, "cloudtrail", "111111111111", "eu-west-1", "AccessDeniedException", 403},
		{"organizations, global region", Fault{Region: "global", Service: "organizations", Code: "TooManyRequestsException"}, "organizations", "111111111111", "us-east-1", "TooManyRequestsException", 429},
		{"account", Fault{Service: "account", Code: "AccessDeniedException"}, "account", "111111111111", "us-east-1", "AccessDeniedException", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startTestWorld(t)
			if err := s.AddFault(tt.fault); err != nil {
				t.Fatal(err)
			}
			err := anyCall[tt.service](t.Context(), configFor(s, tt.account, tt.region))
			if tt.code == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			wantError(t, err, tt.code, tt.status)
		})
	}
}

func TestFaultAssumeRoleTargetsTheRoleAccount(t *testing.T) {
	s := startTestWorld(t)
	if err := s.AddFault(Fault{Account: "444444444444", Service: "sts", Operation: "AssumeRole", Code: "AccessDenied"}); err != nil {
		t.Fatal(err)
	}
	client := sts.NewFromConfig(configFor(s, "111111111111", "us-east-1"))
	assume := func(account string) error {
		_, err := client.AssumeRole(t.Context(), &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("test"),
		})
		return err
	}
	wantError(t, assume("444444444444"), "AccessDenied", 403)
	if err := assume("333333333333"); errorCode(err) != "AccessDenied" { // denied by the world: 333… trusts 022… only
		t.Fatalf("assume 333333333333: %v", err)
	}
	if err := s.AddFault(Fault{Code: "x"}); err != nil {
		t.Fatal(err)
	}
	s.ClearFaults()
	if err := assume("444444444444"); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
}

func TestFaultThrottlingIsRetried(t *testing.T) {
	s := startTestWorld(t)
	if err := s.AddFault(Fault{Service: "guardduty", Operation: "ListDetectors", Code: "ThrottlingException", HTTPStatus: 429}); err != nil {
		t.Fatal(err)
	}
	cfg := configFor(s, "022222222222", "us-east-1")
	cfg.RetryMaxAttempts = 0
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	_, err := guardduty.NewFromConfig(cfg).ListDetectors(t.Context(), &guardduty.ListDetectorsInput{})
	wantError(t, err, "ThrottlingException", 429)
	if got := s.Calls().Count(Call{Service: "guardduty", Operation: "ListDetectors"}); got != 3 {
		t.Errorf("ListDetectors reached the server %d times, want 3 (the SDK retries throttling)", got)
	}
}

func TestFaultRateAndLatency(t *testing.T) {
	s := startTestWorld(t)
	if err := s.AddFault(Fault{Service: "sts", Code: "Throttling", Rate: 0.5}); err != nil {
		t.Fatal(err)
	}
	cfg := configFor(s, "111111111111", "us-east-1")
	failed := 0
	for range 200 {
		if err := anyCall["sts"](t.Context(), cfg); err != nil {
			wantError(t, err, "Throttling", 400)
			failed++
		}
	}
	if failed < 60 || failed > 140 {
		t.Errorf("%d of 200 calls failed with rate 0.5", failed)
	}

	if err := s.AddFault(Fault{Service: "ec2", Latency: "60ms"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := anyCall["ec2"](t.Context(), configFor(s, "022222222222", "us-east-1")); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("call took %v, want at least the fault's 60ms", d)
	}

	if err := s.AddFault(Fault{Service: "nope", Code: "X"}); err == nil {
		t.Error("AddFault accepted an unknown service")
	}
}

func TestListRegions(t *testing.T) {
	s := startTestWorld(t)
	client := account.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	out, err := client.ListRegions(t.Context(), &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Regions {
		got = append(got, aws.ToString(r.RegionName)+" "+string(r.RegionOptStatus))
	}
	if want := []string{"eu-west-1 ENABLED_BY_DEFAULT", "us-east-1 ENABLED_BY_DEFAULT"}; !slices.Equal(got, want) {
		t.Errorf("regions = %q, want %q", got, want)
	}
	p := account.NewListRegionsPaginator(client, &account.ListRegionsInput{MaxResults: aws.Int32(10)})
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Regions)
	}
	if n != len(commercialRegions()) {
		t.Errorf("listed %d regions, want %d", n, len(commercialRegions()))
	}
}

func TestCallsAndConcurrency(t *testing.T) {
	s := startTestWorld(t)
	var wg sync.WaitGroup
	errs := make(chan error, 300)
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			account := []string{"111111111111", "022222222222", "444444444444"}[i%3]
			if err := anyCall["ssm"](t.Context(), configFor(s, account, "us-east-1")); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	calls := s.Calls()
	if calls.Total != 300 || calls.Count(Call{Account: "022222222222", Region: "us-east-1", Service: "ssm", Operation: "DescribeInstanceInformation"}) != 100 {
		t.Errorf("calls = %+v", calls)
	}
	if want := []string{"ssm:DescribeInstanceInformation"}; !slices.Equal(calls.Actions(), want) {
		t.Errorf("actions = %q, want %q", calls.Actions(), want)
	}
	s.ResetCalls()
	if s.Calls().Total != 0 {
		t.Error("ResetCalls left calls")
	}
}

func TestLatencyOption(t *testing.T) {
	w, err := LoadWorld(t.Context(), "testdata/world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(w, Options{Latency: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	if err := anyCall["sts"](t.Context(), configFor(s, "111111111111", "us-east-1")); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("call took %v, want at least 30ms", d)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
	defer cancel()
	if err := anyCall["sts"](ctx, configFor(s, "111111111111", "us-east-1")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the client's deadline", err)
	}
}
