package checks

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultRoleName is the role created in every member account by AWS
// Organizations when the account is created from the management account.
const DefaultRoleName = "OrganizationAccountAccessRole"

// TargetOptions selects the accounts and regions to scan.
type TargetOptions struct {
	// Org scans every ACTIVE account of the caller's organization.
	Org bool
	// RoleName is assumed in every account other than the caller's.
	RoleName   string
	ExternalID string
	// Accounts, when set, limits the scan to these account ids (with Org) or
	// names the accounts to scan (without Org).
	Accounts        []string
	ExcludeAccounts []string
	// Regions are scanned in every account.
	Regions []string
	// SessionName is the RoleSessionName of every AssumeRole; it shows in
	// the member accounts' CloudTrail.
	SessionName string
	// TeamTag, with Org, is the account tag whose value is the account's
	// team (see Target.Team); empty reads no tags.
	TeamTag string
	// DeferTeams leaves the team tags to the caller (ReadTeams), which reads
	// them concurrently with collection: they are only needed for the report.
	DeferTeams bool
	// Progress, when set, hears discovery's pages and team-tag reads.
	Progress *Progress
	// Listed, when set (--accounts-from), are the organization's accounts
	// with their tags, listed earlier: discovery and team tags make no
	// Organizations call. Org is then implied.
	Listed []ListedAccount
}

// STSAPI is the part of STS that target discovery and AssumeRole use.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	stscreds.AssumeRoleAPIClient
}

// OrganizationsAPI is the part of AWS Organizations that target discovery uses.
type OrganizationsAPI interface {
	organizations.ListAccountsAPIClient
	organizations.ListTagsForResourceAPIClient
}

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

// ValidateAccountIDs returns an error naming the first value that is not a
// 12-digit AWS account id.
func ValidateAccountIDs(flag string, ids []string) error {
	for _, id := range ids {
		if !accountIDPattern.MatchString(id) {
			return fmt.Errorf("%s: %q is not a 12-digit AWS account id", flag, id)
		}
	}
	return nil
}

// Discover resolves the accounts to scan and gives each credentials that act
// in it: the caller's own account uses cfg as it is, every other account a
// cached AssumeRole provider, so each account is assumed once per scan.
func Discover(ctx context.Context, cfg aws.Config, stsClient STSAPI, orgs OrganizationsAPI, opts TargetOptions) ([]Target, error) {
	ident, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("identify caller (sts:GetCallerIdentity): %w", err)
	}
	caller := aws.ToString(ident.Account)

	type account struct{ id, name string }
	var accounts []account
	listed := map[string]ListedAccount{}
	switch {
	case opts.Listed != nil:
		for _, a := range opts.Listed {
			accounts = append(accounts, account{a.ID, a.Name})
			listed[a.ID] = a
		}
		opts.Progress.addListed(len(accounts))
		if err := keepRequested(&accounts, opts.Accounts, func(a account) string { return a.id }, "of the account list"); err != nil {
			return nil, err
		}
	case opts.Org:
		opts.Progress.SetPhase(PhaseDiscovery)
		err := listActive(ctx, orgs, opts.Progress, func(page []orgtypes.Account) bool {
			for _, a := range page {
				accounts = append(accounts, account{aws.ToString(a.Id), aws.ToString(a.Name)})
			}
			return true
		})
		if err != nil {
			return nil, listError(caller, err)
		}
		if err := keepRequested(&accounts, opts.Accounts, func(a account) string { return a.id }, "of the organization"); err != nil {
			return nil, err
		}
	case len(opts.Accounts) > 0:
		for _, id := range opts.Accounts {
			accounts = append(accounts, account{id: id})
		}
	default:
		accounts = []account{{id: caller}}
	}
	accounts = slices.DeleteFunc(accounts, func(a account) bool { return slices.Contains(opts.ExcludeAccounts, a.id) })
	slices.SortFunc(accounts, func(a, b account) int { return strings.Compare(a.id, b.id) })
	accounts = slices.CompactFunc(accounts, func(a, b account) bool { return a.id == b.id })
	if len(accounts) == 0 {
		return nil, fmt.Errorf("no accounts to scan: the account selection (--org, --accounts, --exclude-accounts) matched none")
	}

	targets := make([]Target, 0, len(accounts))
	for _, a := range accounts {
		t := newTarget(cfg, stsClient, ident, a.id, a.name, opts)
		if l, ok := listed[a.id]; ok {
			teamFromList(&t, l, opts.TeamTag)
		}
		targets = append(targets, t)
	}
	if opts.Org && opts.Listed == nil && opts.TeamTag != "" && !opts.DeferTeams {
		opts.Progress.SetPhase(PhaseTeamTags)
		opts.Progress.addTags(len(targets))
		readTeams(ctx, orgs, opts.TeamTag, targets, opts.Progress)
	}
	return targets, nil
}

// DiscoverStream is Discover for the organization's accounts (Org,
// without Listed), streamed: emit receives each ListAccounts page's ACTIVE
// accounts that are selected (named with Accounts when it is set, and not
// excluded), as targets with credentials, as soon as the page is answered,
// so that a scan collects them while the listing goes on. With Accounts
// the listing stops at the page where the last named account appears; a
// named account the organization does not have is Discover's error,
// returned once the listing has ended (the accounts found may have been
// emitted). Team tags are the caller's (TeamReader). An account listed
// twice is emitted once; a selection that emits none is an error,
// returned after the listing ends.
func DiscoverStream(ctx context.Context, cfg aws.Config, stsClient STSAPI, orgs OrganizationsAPI, opts TargetOptions, emit func([]Target)) error {
	ident, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("identify caller (sts:GetCallerIdentity): %w", err)
	}
	caller := aws.ToString(ident.Account)
	seen := map[string]bool{}
	named := map[string]bool{} // the named accounts not yet listed
	for _, id := range opts.Accounts {
		named[id] = true
	}
	emitted := 0
	err = listActive(ctx, orgs, opts.Progress, func(page []orgtypes.Account) bool {
		var batch []Target
		for _, a := range page {
			id := aws.ToString(a.Id)
			if seen[id] {
				continue
			}
			seen[id] = true
			if len(opts.Accounts) > 0 {
				if !named[id] {
					continue
				}
				delete(named, id)
			}
			if !slices.Contains(opts.ExcludeAccounts, id) {
				batch = append(batch, newTarget(cfg, stsClient, ident, id, aws.ToString(a.Name), opts))
			}
		}
		if len(batch) > 0 {
			emit(batch)
			emitted += len(batch)
		}
		return len(opts.Accounts) == 0 || len(named) > 0
	})
	if err != nil {
		return listError(caller, err)
	}
	if len(named) > 0 {
		// Discover's error, naming them in the order given.
		var missing []string
		for _, id := range opts.Accounts {
			if named[id] && !slices.Contains(missing, id) {
				missing = append(missing, id)
			}
		}
		return keepRequested(&[]string{}, missing, func(s string) string { return s }, "of the organization")
	}
	if emitted == 0 {
		return fmt.Errorf("no accounts to scan: the account selection (--org, --accounts, --exclude-accounts) matched none")
	}
	return nil
}

// listError is a failed ListAccounts of the organization, from caller.
func listError(caller string, err error) error {
	return fmt.Errorf("list organization accounts (organizations:ListAccounts) from account %s: %w; run from the management account or a delegated administrator, or name accounts with --accounts", caller, err)
}

// keepRequested keeps the requested accounts (all when none is requested).
// A requested account that is not there must not look scanned and clean: a
// typo or a suspended account is an error naming it (where says where the
// accounts came from).
func keepRequested[A any](accounts *[]A, requested []string, id func(A) string, where string) error {
	if len(requested) == 0 {
		return nil
	}
	var missing []string
	for _, r := range requested {
		if !slices.ContainsFunc(*accounts, func(a A) bool { return id(a) == r }) && !slices.Contains(missing, r) {
			missing = append(missing, r)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return fmt.Errorf("--accounts: %s is not an ACTIVE account %s", missing[0], where)
	default:
		return fmt.Errorf("--accounts: %s are not ACTIVE accounts %s", strings.Join(missing, ", "), where)
	}
	*accounts = slices.DeleteFunc(*accounts, func(a A) bool { return !slices.Contains(requested, id(a)) })
	return nil
}

// AccountTargets are targets for accounts outside the scan's selection that
// it needs facts from (an organization trail's owner), with credentials
// built as Discover builds them.
func AccountTargets(ctx context.Context, cfg aws.Config, stsClient STSAPI, ids []string, opts TargetOptions) ([]Target, error) {
	ident, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("identify caller (sts:GetCallerIdentity): %w", err)
	}
	targets := make([]Target, 0, len(ids))
	for _, id := range ids {
		targets = append(targets, newTarget(cfg, stsClient, ident, id, "", opts))
	}
	return targets, nil
}

// newTarget gives one account credentials: the caller's own account uses
// cfg as it is, every other account a cached AssumeRole provider.
func newTarget(cfg aws.Config, stsClient STSAPI, ident *sts.GetCallerIdentityOutput, id, name string, opts TargetOptions) Target {
	roleName := opts.RoleName
	if roleName == "" {
		roleName = DefaultRoleName
	}
	session := opts.SessionName
	if session == "" {
		session = "baseline-scan"
	}
	t := Target{AccountID: id, AccountName: name, Regions: opts.Regions, Config: cfg.Copy()}
	if id != aws.ToString(ident.Account) {
		roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", partitionOf(ident.Arn), id, roleName)
		t.Config.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, roleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = session
			if opts.ExternalID != "" {
				o.ExternalID = aws.String(opts.ExternalID)
			}
		}))
	}
	return t
}

// partitionOf reads the partition ("aws", "aws-cn", "aws-us-gov") from the
// caller's ARN so role ARNs are right outside the commercial partition.
func partitionOf(arn *string) string {
	parts := strings.SplitN(aws.ToString(arn), ":", 3)
	if len(parts) >= 2 && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}
