package scan

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/checks/services"
	"github.com/baseline-scanner/baseline/internal/yamlfile"
)

// ListAccounts lists the organization's ACTIVE accounts and all their tags
// once (`baseline accounts`), for --accounts-from: N shards then make no
// Organizations call. It uses o's AWS configuration, observer and clock.
func ListAccounts(ctx context.Context, o Options) (*checks.AccountList, error) {
	if o.Observer == nil {
		o.Observer = silent{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	cfg, demoRegions, closeDemo, err := connect(ctx, o)
	if err != nil {
		return nil, err
	}
	defer closeDemo()
	var regions []string
	trails := !o.NoTrailOwner
	if trails {
		if regions, err = requestedRegions(o, &cfg, demoRegions); err != nil {
			// The list itself needs no region: keep no trail facts.
			o.Observer.Status(fmt.Sprintf("cloudtrail: %v; the caller's trails are not kept in the list, shards will read them", err))
			trails = false
		}
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // Organizations' endpoint region
	}
	names := checks.SigningNamesOf(services.All)
	checks.ConfigureClients(&cfg, checks.ClientOptions{CallTimeout: o.CallTimeout})
	calls := o.Calls
	if calls == nil {
		calls = checks.NewCallCounter()
	}
	cfg.APIOptions = append(cfg.APIOptions, calls.Middleware(names))
	limiter := checks.NewRateLimiter(checks.RateLimitsOf(services.All), names)
	discovery := cfg.Copy()
	discovery.APIOptions = append(discovery.APIOptions, limiter.Middleware("caller"))

	live := &checks.Progress{Calls: calls, Now: o.Now}
	stop := o.Observer.Collecting(live)
	defer stop()
	ident, err := sts.NewFromConfig(discovery).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("identify caller (sts:GetCallerIdentity): %w", err)
	}
	caller := aws.ToString(ident.Account)
	accounts, err := checks.ListOrganization(ctx, organizations.NewFromConfig(discovery), live)
	if err != nil {
		return nil, fmt.Errorf("%w (from account %s)", err, caller)
	}
	list := &checks.AccountList{
		Kind:          checks.AccountListKind,
		SchemaVersion: checks.AccountListVersion,
		Tool:          o.Tool,
		GeneratedAt:   o.Now().UTC().Truncate(time.Second),
		Caller:        caller,
		Accounts:      accounts,
	}
	// The organization's id, which shards would otherwise each ask for.
	if org, err := organizations.NewFromConfig(discovery).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil {
		o.Observer.Status(fmt.Sprintf("organizations: the organization's id is not in the list (organizations:DescribeOrganization: %v); shards that need it ask for it", err))
	} else if org.Organization != nil {
		list.OrganizationID = aws.ToString(org.Organization.Id)
	}
	if trails {
		owner, err := readTrailOwner(ctx, cfg, limiter, caller, regions, o)
		if err != nil {
			return nil, err
		}
		if owner != nil {
			list.TrailOwners = []checks.TrailOwner{*owner}
		}
	}
	return list, nil
}

// readTrailOwner reads the caller's own trails over the regions a scan is
// asked for (regions, o.AllRegions, o.ExcludeRegions), as a scan reads a
// trail owner outside its accounts, so that shards scanning from the list
// join the caller's organization trails into their members without reading
// them again each. Facts with a collection error are not kept (nil): each
// shard then reads the owner itself, with its own credentials.
func readTrailOwner(ctx context.Context, cfg aws.Config, limiter *checks.RateLimiter, caller string, regions []string, o Options) (*checks.TrailOwner, error) {
	at := o.Now().UTC().Truncate(time.Second)
	owned := checks.Collect(ctx, []checks.Target{{AccountID: caller, Regions: regions, Config: cfg.Copy()}}, checks.CollectOptions{
		Collectors:  []checks.Collector{cloudtrail.New()},
		Concurrency: checks.DefaultConcurrency,
		Tool:        o.Tool,
		Now:         o.Now,
		RateLimiter: limiter,
		Regions:     checks.RegionScope{All: o.AllRegions, Exclude: o.ExcludeRegions},
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read the caller's trails: interrupted: %w", err)
	}
	if len(owned.Accounts) != 1 {
		return nil, fmt.Errorf("read the caller's trails: collected %d accounts, want 1", len(owned.Accounts))
	}
	// Any error of the collection (its regions' listing too), not only
	// those OwnerFacts keeps: facts read in part are not kept.
	all := &owned.Accounts[0]
	facts := cloudtrail.OwnerFacts(all)
	if len(all.Errors) > 0 || facts.CloudTrail == nil {
		e := "no facts"
		if len(all.Errors) > 0 {
			e = all.Errors[0].Action() + ": " + all.Errors[0].Code + ": " + all.Errors[0].Message
		}
		o.Observer.Status(fmt.Sprintf("cloudtrail: the caller's trails could not be read whole (%s); not kept in the list, shards will read them", e))
		return nil, nil
	}
	return &checks.TrailOwner{
		AccountID:      caller,
		CollectedAt:    at,
		Regions:        regions,
		AllRegions:     o.AllRegions,
		ExcludeRegions: o.ExcludeRegions,
		Facts:          checks.EncodedAccount{AccountFacts: facts},
	}, nil
}

// checkOwnerFacts is what is wrong with a list's trail owner facts, which
// `baseline accounts` writes whole or not at all: CloudTrail facts, no
// collection error, every trail with an ARN and its statuses read.
func checkOwnerFacts(f *checks.AccountFacts) string {
	switch {
	case f.CloudTrail == nil:
		return "no cloudtrail facts"
	case len(f.Errors) > 0:
		return "has collection errors (baseline accounts keeps no facts that could not be read whole)"
	}
	for _, t := range f.CloudTrail.Trails {
		if t.ARN == "" {
			return "a trail has no arn"
		}
		for r, s := range t.RegionStatuses {
			if s == nil {
				return fmt.Sprintf("trail %s: region_statuses %s is null", t.ARN, r)
			}
		}
	}
	return ""
}

var (
	listedAccountID = regexp.MustCompile(`^[0-9]{12}$`)
	// organizationID is the Organizations API's pattern of an
	// organization's id (Organization.Id).
	organizationID = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// ReadAccountList reads a file written by `baseline accounts`. Errors are
// one line, "file:line:col: problem": not JSON/YAML, another kind of file,
// an unknown field, a bad or repeated account id.
func ReadAccountList(ctx context.Context, path string) (*checks.AccountList, error) {
	data, err := yamlfile.Read(ctx, path, yamlfile.World)
	if err != nil {
		return nil, fmt.Errorf("--accounts-from: %w", err)
	}
	var l checks.AccountList
	doc, err := yamlfile.Unmarshal(ctx, path, data, &l, yamlfile.World)
	if err != nil {
		return nil, fmt.Errorf("--accounts-from: %w", err)
	}
	if l.Kind != checks.AccountListKind {
		return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("kind"), "not an account list (kind %q, want %q): write one with 'baseline accounts --org -o FILE'", l.Kind, checks.AccountListKind))
	}
	if !slices.Contains(checks.AccountListVersions, l.SchemaVersion) {
		return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("schema_version"), "schema_version %q is not supported (this baseline reads %s)", l.SchemaVersion, strings.Join(checks.AccountListVersions, ", ")))
	}
	if l.SchemaVersion == "1.0" {
		if l.OrganizationID != "" {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("organization_id"), "organization_id needs schema_version 1.1"))
		}
		if l.TrailOwners != nil {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("trail_owners"), "trail_owners needs schema_version 1.1"))
		}
	}
	if l.OrganizationID != "" && !organizationID.MatchString(l.OrganizationID) {
		return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("organization_id"), "%q is not an organization id (o- and 10 to 32 lowercase letters or digits)", l.OrganizationID))
	}
	for i := range l.TrailOwners {
		t := &l.TrailOwners[i]
		if err := t.Facts.Decode(); err != nil {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("trail_owners", i, "facts"), "facts: %v", err))
		}
		if !listedAccountID.MatchString(t.AccountID) {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("trail_owners", i, "account_id"), "%q is not a 12-digit AWS account id", t.AccountID))
		}
		if t.Facts.AccountID != t.AccountID {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("trail_owners", i, "facts", "account_id"), "the facts are account %q's, not %s's", t.Facts.AccountID, t.AccountID))
		}
		if t.CollectedAt.IsZero() {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("trail_owners", i), "collected_at is missing or not an RFC 3339 time"))
		}
		if slices.ContainsFunc(l.TrailOwners[:i], func(o checks.TrailOwner) bool { return o.AccountID == t.AccountID }) {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("trail_owners", i, "account_id"), "trail owner %s is listed twice", t.AccountID))
		}
		if err := checkOwnerFacts(&t.Facts.AccountFacts); err != "" {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("trail_owners", i, "facts"), "facts: %s", err))
		}
	}
	seen := map[string]bool{}
	for i, a := range l.Accounts {
		if !listedAccountID.MatchString(a.ID) {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("accounts", i, "id"), "%q is not a 12-digit AWS account id", a.ID))
		}
		if seen[a.ID] {
			return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("accounts", i, "id"), "account %s is listed twice", a.ID))
		}
		seen[a.ID] = true
	}
	if len(l.Accounts) == 0 {
		return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("accounts"), "the list has no account"))
	}
	return &l, nil
}
