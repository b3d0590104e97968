package checks_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/securityhub"
	"github.com/baseline-scanner/baseline/checks/services"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

// orgWorld lists its accounts out of order, with a suspended one and one
// whose role requires an external id.
const orgWorld = `
regions: [us-east-1, eu-west-1]
accounts:
  - {id: "333333333333", name: staging}
  - {id: "111111111111", name: management, management: true}
  - {id: "444444444444", name: legacy, status: SUSPENDED}
  - {id: "222222222222", name: prod}
  - {id: "555555555555", name: partner, external_id: ext-5555}
`

func allCollectors() []checks.Collector {
	return services.Collectors(services.All)
}

// discover runs Discover with clients built from cfg, as the CLI does.
func discover(ctx context.Context, cfg aws.Config, opts checks.TargetOptions) ([]checks.Target, error) {
	return checks.Discover(ctx, cfg, sts.NewFromConfig(cfg), organizations.NewFromConfig(cfg), opts)
}

// target is what a test asserts of a checks.Target; its Config is checked
// by calling AWS with it.
type target struct {
	AccountID, AccountName string
	Regions                []string
}

func targetsOf(ts []checks.Target) []target {
	out := []target{}
	for _, t := range ts {
		out = append(out, target{t.AccountID, t.AccountName, t.Regions})
	}
	return out
}

func TestDiscover(t *testing.T) {
	regions := []string{"us-east-1", "eu-west-1"}
	tests := []struct {
		name    string
		caller  string // default the management account
		opts    checks.TargetOptions
		want    []target
		wantErr []string // substrings of the error
	}{
		{
			name: "org: the active accounts, sorted, with names",
			opts: checks.TargetOptions{Org: true, Regions: regions},
			want: []target{
				{"111111111111", "management", regions}, {"222222222222", "prod", regions},
				{"333333333333", "staging", regions}, {"555555555555", "partner", regions},
			},
		},
		{
			name: "org: --accounts keeps the named members only",
			opts: checks.TargetOptions{Org: true, Regions: regions, Accounts: []string{"333333333333", "222222222222", "333333333333"}},
			want: []target{{"222222222222", "prod", regions}, {"333333333333", "staging", regions}},
		},
		{
			name:    "org: --accounts names an account outside the organization",
			opts:    checks.TargetOptions{Org: true, Regions: regions, Accounts: []string{"111111111111", "999999999999"}},
			wantErr: []string{"--accounts: 999999999999 is not an ACTIVE account of the organization"},
		},
		{
			name:    "org: --accounts names a suspended account",
			opts:    checks.TargetOptions{Org: true, Regions: regions, Accounts: []string{"444444444444", "222222222222"}},
			wantErr: []string{"--accounts: 444444444444 is not an ACTIVE account of the organization"},
		},
		{
			name:    "org: --accounts names several unknown accounts",
			opts:    checks.TargetOptions{Org: true, Regions: regions, Accounts: []string{"999999999999", "222222222222", "444444444444"}},
			wantErr: []string{"--accounts: 999999999999, 444444444444 are not ACTIVE accounts of the organization"},
		},
		{
			name: "org: --exclude-accounts",
			opts: checks.TargetOptions{Org: true, Regions: regions, ExcludeAccounts: []string{"111111111111", "555555555555"}},
			want: []target{{"222222222222", "prod", regions}, {"333333333333", "staging", regions}},
		},
		{
			name: "no org: the caller only",
			opts: checks.TargetOptions{Regions: regions},
			want: []target{{"111111111111", "", regions}},
		},
		{
			name:   "no org: the caller only, from a member",
			caller: "222222222222",
			opts:   checks.TargetOptions{Regions: regions},
			want:   []target{{"222222222222", "", regions}},
		},
		{
			name: "no org: --accounts, sorted and deduplicated, minus --exclude-accounts",
			opts: checks.TargetOptions{
				Regions:         regions,
				Accounts:        []string{"333333333333", "222222222222", "333333333333", "555555555555"},
				ExcludeAccounts: []string{"555555555555"},
			},
			want: []target{{"222222222222", "", regions}, {"333333333333", "", regions}},
		},
		{
			name:    "org: everything excluded",
			opts:    checks.TargetOptions{Org: true, Regions: regions, Accounts: []string{"222222222222"}, ExcludeAccounts: []string{"222222222222"}},
			wantErr: []string{"no accounts to scan"},
		},
		{
			name:    "org: ListAccounts from a member account",
			caller:  "222222222222",
			opts:    checks.TargetOptions{Org: true, Regions: regions},
			wantErr: []string{"organizations:ListAccounts", "from account 222222222222", "AccessDeniedException", "--accounts"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, cfg := awssimtest.Start(t, orgWorld)
			if tt.caller != "" {
				cfg = awssimtest.Config(srv, tt.caller)
			}
			got, err := discover(t.Context(), cfg, tt.opts)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Discover = %v, want an error", targetsOf(got))
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			awssimtest.Equal(t, "targets", targetsOf(got), tt.want)
		})
	}
}

// TestDiscoverPaginatesAccounts lists 31 accounts in pages of 20.
func TestDiscoverPaginatesAccounts(t *testing.T) {
	t.Parallel()
	var w strings.Builder
	w.WriteString("regions: [us-east-1]\naccounts:\n  - {id: \"100000000000\", name: management, management: true}\n")
	want := []target{{"100000000000", "management", []string{"us-east-1"}}}
	for i := 1; i <= 30; i++ {
		id := fmt.Sprintf("1000000000%02d", i)
		fmt.Fprintf(&w, "  - {id: %q, name: member-%02d}\n", id, i)
		want = append(want, target{id, fmt.Sprintf("member-%02d", i), []string{"us-east-1"}})
	}
	srv, cfg := awssimtest.Start(t, w.String())
	got, err := discover(t.Context(), cfg, checks.TargetOptions{Org: true, Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	awssimtest.Equal(t, "targets", targetsOf(got), want)
	if n := srv.Calls().Count(awssim.Call{Service: "organizations", Operation: "ListAccounts"}); n != 2 {
		t.Errorf("ListAccounts calls = %d, want 2", n)
	}
}

// TestDiscoverTargetsActInTheirAccount checks each target's config: the
// caller's own keys for the caller, the named role and session elsewhere.
func TestDiscoverTargetsActInTheirAccount(t *testing.T) {
	tests := []struct {
		name      string
		world     string
		opts      checks.TargetOptions
		wantARNs  map[string]string // account → caller ARN through its target's config
		wantError string            // AssumeRole error code for every member, if any
	}{
		{
			name:  "default role and session",
			world: orgWorld,
			opts:  checks.TargetOptions{Org: true, ExternalID: "ext-5555", ExcludeAccounts: []string{"333333333333"}},
			wantARNs: map[string]string{
				"111111111111": "arn:aws:iam::111111111111:user/awssim",
				"222222222222": "arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/baseline-scan",
				"555555555555": "arn:aws:sts::555555555555:assumed-role/OrganizationAccountAccessRole/baseline-scan",
			},
		},
		{
			name: "custom role and session",
			world: `
regions: [us-east-1]
accounts:
  - {id: "111111111111", name: management, management: true}
  - {id: "222222222222", name: prod, role_name: BaselineAudit}
`,
			opts: checks.TargetOptions{Org: true, RoleName: "BaselineAudit", SessionName: "audit-2026-11"},
			wantARNs: map[string]string{
				"111111111111": "arn:aws:iam::111111111111:user/awssim",
				"222222222222": "arn:aws:sts::222222222222:assumed-role/BaselineAudit/audit-2026-11",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, cfg := awssimtest.Start(t, tt.world)
			targets, err := discover(t.Context(), cfg, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, tg := range targets {
				id, err := sts.NewFromConfig(tg.Config).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
				if err != nil {
					t.Fatalf("GetCallerIdentity as %s: %v", tg.AccountID, err)
				}
				if aws.ToString(id.Account) != tg.AccountID {
					t.Errorf("target %s acts in account %s", tg.AccountID, aws.ToString(id.Account))
				}
				got[tg.AccountID] = aws.ToString(id.Arn)
			}
			awssimtest.Equal(t, "caller ARNs", got, tt.wantARNs)
			if n, want := srv.Calls().Count(awssim.Call{Service: "sts", Operation: "AssumeRole"}), len(tt.wantARNs)-1; n != want {
				t.Errorf("AssumeRole calls = %d, want %d (one per member)", n, want)
			}
		})
	}
}

// TestAssumeRoleOncePerAccount collects every service in two regions: many
// clients per account, one AssumeRole per member account.
func TestAssumeRoleOncePerAccount(t *testing.T) {
	t.Parallel()
	srv, cfg := awssimtest.Start(t, orgWorld)
	targets, err := discover(t.Context(), cfg, checks.TargetOptions{Org: true, ExternalID: "ext-5555", Regions: []string{"us-east-1", "eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	snap := checks.Collect(t.Context(), targets, checks.CollectOptions{Collectors: allCollectors(), Now: awssimtest.Clock})
	for _, a := range snap.Accounts {
		if a.Errors != nil {
			t.Errorf("account %s: errors %+v", a.AccountID, a.Errors)
		}
	}
	calls := srv.Calls()
	for _, c := range []struct {
		call awssim.Call
		want int
	}{
		{awssim.Call{Service: "sts", Operation: "AssumeRole"}, 3}, // 222, 333, 555
		{awssim.Call{Service: "sts", Operation: "GetCallerIdentity"}, 1},
		{awssim.Call{Service: "organizations", Operation: "ListAccounts"}, 1},
		// Every member was then called as itself: 2 regions × (DescribeHub,
		// DescribeSecurityHubV2, ListDetectors, ListMalwareProtectionPlans,
		// DescribeTrails, DescribeInstances, DescribeInstanceInformation) in
		// an empty world.
		{awssim.Call{Account: "222222222222"}, 14},
		{awssim.Call{Account: "333333333333"}, 14},
		{awssim.Call{Account: "555555555555"}, 14},
	} {
		if got := calls.Count(c.call); got != c.want {
			t.Errorf("calls %+v = %d, want %d", c.call, got, c.want)
		}
	}
}

// TestExternalID scans an account whose role requires an external id.
func TestExternalID(t *testing.T) {
	for _, tc := range []struct {
		name       string
		externalID string
		wantErrors []checks.CollectionError
	}{
		{name: "with the external id", externalID: "ext-5555"},
		{name: "with a wrong external id", externalID: "guess", wantErrors: assumeRoleDenied},
		{name: "without the external id", wantErrors: assumeRoleDenied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, cfg := awssimtest.Start(t, orgWorld)
			targets, err := discover(t.Context(), cfg, checks.TargetOptions{Accounts: []string{"555555555555"}, ExternalID: tc.externalID, Regions: []string{"us-east-1"}})
			if err != nil {
				t.Fatal(err)
			}
			snap := checks.Collect(t.Context(), targets, checks.CollectOptions{Collectors: []checks.Collector{securityhub.New()}, Now: awssimtest.Clock})
			want := checks.AccountFacts{AccountID: "555555555555", Regions: []string{"us-east-1"}, Errors: tc.wantErrors}
			if tc.wantErrors == nil {
				want.SecurityHub = map[string]*checks.SecurityHubRegion{"us-east-1": {Enabled: aws.Bool(false), V2Enabled: aws.Bool(false)}}
			}
			awssimtest.Equal(t, "account facts", snap.Accounts, []checks.AccountFacts{want})
			if n := srv.Calls().Count(awssim.Call{Service: "sts", Operation: "AssumeRole"}); n != 1 {
				t.Errorf("AssumeRole calls = %d, want 1", n)
			}
		})
	}
}

var assumeRoleDenied = []checks.CollectionError{{
	AccountID: "555555555555", Region: checks.Global, Service: "sts", Operation: "AssumeRole", Code: "AccessDenied",
	Message: "User: arn:aws:iam::111111111111:user/awssim is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::555555555555:role/OrganizationAccountAccessRole",
}}

// TestDiscoverStreamEqualsDiscover: streamed discovery selects what
// Discover selects, --accounts and --exclude-accounts applied to each page
// as it arrives: the same targets, and the same errors for a named account
// the organization does not have (once the listing ends) or nothing left.
func TestDiscoverStreamEqualsDiscover(t *testing.T) {
	regions := []string{"us-east-1", "eu-west-1"}
	for _, opts := range []checks.TargetOptions{
		{},
		{Accounts: []string{"333333333333", "222222222222", "333333333333"}},
		{Accounts: []string{"111111111111", "999999999999"}},
		{Accounts: []string{"444444444444", "222222222222"}},
		{Accounts: []string{"999999999999", "222222222222", "444444444444"}},
		{ExcludeAccounts: []string{"111111111111", "555555555555"}},
		{Accounts: []string{"222222222222"}, ExcludeAccounts: []string{"222222222222"}},
		{Accounts: []string{"222222222222", "555555555555"}, ExcludeAccounts: []string{"555555555555"}},
	} {
		opts.Org, opts.Regions = true, regions
		name := fmt.Sprintf("accounts %v exclude %v", opts.Accounts, opts.ExcludeAccounts)
		t.Run(name, func(t *testing.T) {
			_, cfg := awssimtest.Start(t, orgWorld)
			want, wantErr := discover(t.Context(), cfg, opts)
			var got []checks.Target
			err := checks.DiscoverStream(t.Context(), cfg, sts.NewFromConfig(cfg), organizations.NewFromConfig(cfg), opts, func(page []checks.Target) {
				got = append(got, page...)
			})
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("DiscoverStream error %v, Discover's %v", err, wantErr)
			}
			if wantErr != nil {
				return
			}
			slices.SortFunc(got, func(a, b checks.Target) int { return strings.Compare(a.AccountID, b.AccountID) })
			awssimtest.Equal(t, "targets", targetsOf(got), targetsOf(want))
		})
	}
}

// TestDiscoverStreamStopsWhenEveryNamedAccountIsFound: with --accounts,
// the listing stops at the page where the last named account appears
// instead of listing the rest of the organization.
func TestDiscoverStreamStopsWhenEveryNamedAccountIsFound(t *testing.T) {
	var b strings.Builder
	b.WriteString("regions: [us-east-1]\naccounts:\n  - {id: \"100000000000\", name: management, management: true}\n")
	for i := 1; i < 100; i++ { // 5 pages of 20
		fmt.Fprintf(&b, "  - {id: \"%012d\", name: a%d}\n", 200000000000+i, i)
	}
	srv, cfg := awssimtest.Start(t, b.String())
	opts := checks.TargetOptions{Org: true, Regions: []string{"us-east-1"}, Accounts: []string{"200000000003", "200000000025"}}
	var got []string
	err := checks.DiscoverStream(t.Context(), cfg, sts.NewFromConfig(cfg), organizations.NewFromConfig(cfg), opts, func(page []checks.Target) {
		for _, tg := range page {
			got = append(got, tg.AccountID)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, opts.Accounts) {
		t.Errorf("emitted %v, want %v", got, opts.Accounts)
	}
	if n := srv.Calls().Count(awssim.Call{Service: "organizations", Operation: "ListAccounts"}); n != 2 {
		t.Errorf("%d ListAccounts pages read, want 2 (the named accounts are on the first two of five)", n)
	}
}
