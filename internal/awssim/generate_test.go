package awssim_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

func TestGenerateIsRepeatableAndValid(t *testing.T) {
	opts := awssim.GenerateOptions{Accounts: 12, Regions: []string{"us-east-1", "eu-west-1"}, Seed: 7, LargeAccountShare: 0.5}
	a, b := awssim.Generate(opts), awssim.Generate(opts)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same options generated different worlds")
	}
	if len(a.Accounts) != 12 || !a.Accounts[0].Management {
		t.Fatalf("%d accounts, first management=%v", len(a.Accounts), a.Accounts[0].Management)
	}
	findings := 0
	for _, acct := range a.Accounts {
		for _, st := range acct.Regions {
			if st.SecurityHub != nil {
				findings += len(st.SecurityHub.Findings)
			}
		}
	}
	if findings < 3000 {
		t.Errorf("%d Security Hub findings; a world with large accounts has thousands", findings)
	}
	srv, err := awssim.Start(a, awssim.Options{})
	if err != nil {
		t.Fatalf("a generated world does not start: %v", err)
	}
	srv.Close()
}

// TestRateLimitsThrottleLikeAWS holds each protocol's throttling answer to
// AWS's: the code the SDK's retryer recognizes as a throttle.
func TestRateLimitsThrottleLikeAWS(t *testing.T) {
	w := awssim.Generate(awssim.GenerateOptions{Accounts: 1, Regions: []string{"us-east-1"}, Seed: 1})
	srv, err := awssim.Start(w, awssim.Options{RateLimits: map[string]awssim.Rate{"securityhub:*": {PerSecond: 0.01, Burst: 1}, "ec2:*": {PerSecond: 0.01, Burst: 1}, "ssm:*": {PerSecond: 0.01, Burst: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := awssimtest.Config(srv, awssimtest.ManagementAccount(w))
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"restJson1", func() error {
			_, err := securityhub.NewFromConfig(cfg).DescribeHub(ctx, &securityhub.DescribeHubInput{})
			return err
		}, "TooManyRequestsException"},
		{"ec2Query", func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			return err
		}, "RequestLimitExceeded"},
		{"awsJson1_1", func() error {
			_, err := ssm.NewFromConfig(cfg).DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{})
			return err
		}, "ThrottlingException"},
	}
	for _, tt := range tests {
		if err := tt.call(); err != nil && checks.IsThrottle(err) {
			t.Fatalf("%s: the first call is within the burst: %v", tt.name, err)
		}
		err := tt.call()
		if checks.ErrorCode(err) != tt.code || !checks.IsThrottle(err) {
			t.Errorf("%s: second call error %v, want a %s throttle", tt.name, err, tt.code)
		}
	}
	if srv.Throttled() != len(tests)*awssimtest.MaxAttempts {
		t.Errorf("%d calls throttled, want %d", srv.Throttled(), len(tests)*awssimtest.MaxAttempts)
	}
}

// TestGenerateSubsetEqualsTheWholeWorlds: the accounts Only keeps,
// generated alone, equal the same accounts of the whole world (each
// account's services come from its own stream), and the others keep their
// place in the organization with nothing in their regions.
func TestGenerateSubsetEqualsTheWholeWorlds(t *testing.T) {
	opts := awssim.GenerateOptions{Accounts: 40, Regions: []string{"us-east-1", "eu-west-1", "ap-northeast-1"}, Seed: 3, LargeAccountShare: 0.2}
	whole := awssim.Generate(opts)
	keep := func(i int, id awssim.AccountID) bool { return i == 0 || checks.Shard(string(id), 4) == 2 }
	opts.Only = keep
	part := awssim.Generate(opts)
	if len(part.Accounts) != len(whole.Accounts) || part.OrganizationID != whole.OrganizationID || !reflect.DeepEqual(part.Regions, whole.Regions) {
		t.Fatalf("the subset's organization differs: %d accounts, %s", len(part.Accounts), part.OrganizationID)
	}
	kept, services := 0, 0
	for i := range whole.Accounts {
		w, p := whole.Accounts[i], part.Accounts[i]
		if keep(i, w.ID) {
			kept++
			if !reflect.DeepEqual(p, w) {
				t.Errorf("account %d (%s) generated alone differs from the whole world's", i, w.ID)
			}
			continue
		}
		if len(w.Regions) > 0 {
			services++
		}
		org := w
		org.Regions = p.Regions
		if !reflect.DeepEqual(p, org) || len(p.Regions) != 0 {
			t.Errorf("account %d (%s) left out: %+v, want the whole world's organization view with no regional state", i, w.ID, p)
		}
	}
	if kept < 5 || kept == len(whole.Accounts) || services == 0 {
		t.Fatalf("%d of %d accounts kept, %d left out with services: the test does not test a subset", kept, len(whole.Accounts), services)
	}
}
