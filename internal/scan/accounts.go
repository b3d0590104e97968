package scan

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/baseline-scanner/baseline/checks"
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
	cfg, _, closeDemo, err := connect(ctx, o)
	if err != nil {
		return nil, err
	}
	defer closeDemo()
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
	cfg.APIOptions = append(cfg.APIOptions, limiter.Middleware("caller"))

	live := &checks.Progress{Calls: calls, Now: o.Now}
	stop := o.Observer.Collecting(live)
	defer stop()
	ident, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("identify caller (sts:GetCallerIdentity): %w", err)
	}
	accounts, err := checks.ListOrganization(ctx, organizations.NewFromConfig(cfg), live)
	if err != nil {
		return nil, fmt.Errorf("%w (from account %s)", err, aws.ToString(ident.Account))
	}
	return &checks.AccountList{
		Kind:          checks.AccountListKind,
		SchemaVersion: checks.AccountListVersion,
		Tool:          o.Tool,
		GeneratedAt:   o.Now().UTC().Truncate(time.Second),
		Caller:        aws.ToString(ident.Account),
		Accounts:      accounts,
	}, nil
}

var listedAccountID = regexp.MustCompile(`^[0-9]{12}$`)

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
	if l.SchemaVersion != checks.AccountListVersion {
		return nil, fmt.Errorf("--accounts-from: %w", doc.Errorf(doc.Locate("schema_version"), "schema_version %q is not supported (this baseline reads %s)", l.SchemaVersion, checks.AccountListVersion))
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
