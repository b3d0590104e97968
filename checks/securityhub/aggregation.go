package securityhub

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/baseline-scanner/baseline/checks"
)

// Collection modes (--collection), as checks names them.
const (
	// ModeAuto reads findings through the administrator's aggregator when
	// the caller has one, directly otherwise.
	ModeAuto = checks.ModeAuto
	// ModeDirect reads every account's findings with its own credentials.
	ModeDirect = checks.ModeDirect
	// ModeAdmin requires the aggregator.
	ModeAdmin = checks.ModeAdmin
)

// Modes are the accepted --collection values.
var Modes = []string{ModeAuto, ModeDirect, ModeAdmin}

// maxFilterValues is how many values Security Hub accepts per filter field.
const maxFilterValues = 20

// AdminAPI is exactly the Security Hub calls that discover an aggregator
// and its members, and read the organization-wide stream.
type AdminAPI interface {
	securityhub.ListFindingAggregatorsAPIClient
	GetFindingAggregator(ctx context.Context, in *securityhub.GetFindingAggregatorInput, optFns ...func(*securityhub.Options)) (*securityhub.GetFindingAggregatorOutput, error)
	securityhub.ListMembersAPIClient
	securityhub.GetFindingsAPIClient
	securityhub.GetFindingsV2APIClient
}

// ErrNoAggregator is the answer of DiscoverAggregation for a caller that
// is not a Security Hub administrator with a finding aggregator.
var ErrNoAggregator = errors.New("the caller has no Security Hub finding aggregator")

// Aggregation is the Security Hub administrator's finding aggregator: one
// stream of GetFindings in the aggregation region, filtered by account,
// replaces each member's GetFindings in every linked region. DescribeHub
// and GetEnabledStandards are not aggregated and stay per account.
type Aggregation struct {
	Admin  string // the administrator's account id
	Region string // the aggregation region
	// LinkingMode and Regions are the aggregator's region linking.
	LinkingMode string
	Regions     []string
	members     map[string]bool // the administrator included
	api         securityhub.GetFindingsAPIClient
	clientFor   func(region string) AdminAPI
	// orgID, when set, is the organization whose scope the administrator
	// reads its members' exposure findings with (v2admin.go).
	orgID string
	// scopeRegions, when set, narrows the stream with a Region filter.
	scopeRegions []string

	mu     sync.Mutex
	chunks map[string]*chunk // by account id
	gaps   map[checks.CoverageGap]bool
	v2     map[v2Key]*v2Stream
	v2gaps map[[2]string]string // (account, region): why exposures were read directly
}

// chunk is one stream of up to maxFilterValues accounts, read once.
type chunk struct {
	accounts []string
	once     sync.Once
	cells    map[[2]string][]checks.SecurityHubFinding // (account, region)
	err      error
}

// DiscoverAggregation finds the caller's finding aggregator
// (ListFindingAggregators in home's region, GetFindingAggregator in the
// aggregation region) and its associated members (ListMembers).
// clientFor returns a client for a region. accounts are those in scope;
// the stream reads them in chunks of 20. scopeRegions, when known, narrow
// the stream. A caller without one gets ErrNoAggregator, wrapped.
func DiscoverAggregation(ctx context.Context, clientFor func(region string) AdminAPI, home string, accounts, scopeRegions []string) (*Aggregation, error) {
	var arns []string
	lp := securityhub.NewListFindingAggregatorsPaginator(clientFor(home), &securityhub.ListFindingAggregatorsInput{})
	for lp.HasMorePages() {
		page, err := lp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: list finding aggregators (securityhub:ListFindingAggregators) in %s: %w", ErrNoAggregator, home, err)
		}
		for _, a := range page.FindingAggregators {
			arns = append(arns, aws.ToString(a.FindingAggregatorArn))
		}
	}
	if len(arns) == 0 {
		return nil, fmt.Errorf("%w (securityhub:ListFindingAggregators in %s found none)", ErrNoAggregator, home)
	}
	// arn:aws:securityhub:<region>:<account>:finding-aggregator/<id>
	parts := strings.SplitN(arns[0], ":", 6)
	if len(parts) != 6 {
		return nil, fmt.Errorf("%w: malformed finding aggregator ARN %q", ErrNoAggregator, arns[0])
	}
	region, admin := parts[3], parts[4]
	api := clientFor(region)
	fa, err := api.GetFindingAggregator(ctx, &securityhub.GetFindingAggregatorInput{FindingAggregatorArn: aws.String(arns[0])})
	if err != nil {
		return nil, fmt.Errorf("get finding aggregator %s (securityhub:GetFindingAggregator): %w", arns[0], err)
	}
	agg := &Aggregation{
		Admin:        admin,
		Region:       aws.ToString(fa.FindingAggregationRegion),
		LinkingMode:  aws.ToString(fa.RegionLinkingMode),
		Regions:      fa.Regions,
		members:      map[string]bool{admin: true},
		api:          api,
		clientFor:    clientFor,
		chunks:       map[string]*chunk{},
		gaps:         map[checks.CoverageGap]bool{},
		scopeRegions: scopeRegions,
	}
	if agg.Region == "" {
		agg.Region = region
	}
	mp := securityhub.NewListMembersPaginator(api, &securityhub.ListMembersInput{OnlyAssociated: aws.Bool(true), MaxResults: aws.Int32(50)})
	for mp.HasMorePages() {
		page, err := mp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Security Hub members (securityhub:ListMembers) in %s: %w", agg.Region, err)
		}
		for _, m := range page.Members {
			if s := aws.ToString(m.MemberStatus); s == "Enabled" || s == "Associated" {
				agg.members[aws.ToString(m.AccountId)] = true
			}
		}
	}
	var covered []string
	for _, a := range accounts {
		if agg.members[a] {
			covered = append(covered, a)
		}
	}
	slices.Sort(covered)
	for chunkAccounts := range slices.Chunk(slices.Compact(covered), maxFilterValues) {
		ch := &chunk{accounts: chunkAccounts}
		for _, a := range chunkAccounts {
			agg.chunks[a] = ch
		}
	}
	return agg, nil
}

// Members is how many accounts the aggregator covers, the administrator included.
func (a *Aggregation) Members() int { return len(a.members) }

// linked reports whether the aggregator replicates region's findings. The
// modes are CreateFindingAggregator's RegionLinkingMode: NO_REGIONS links
// nothing but the aggregation region, and a mode this code does not know is
// taken the same way, so that its regions are read directly (a coverage gap)
// rather than assumed covered.
func (a *Aggregation) linked(region string) bool {
	if region == a.Region {
		return true
	}
	listed := slices.Contains(a.Regions, region)
	switch a.LinkingMode {
	case "ALL_REGIONS":
		return true
	case "SPECIFIED_REGIONS":
		return listed
	case "ALL_REGIONS_EXCEPT_SPECIFIED":
		return !listed
	}
	return false
}

// covers reports whether the stream holds (account, region)'s findings,
// and records a coverage gap when it does not.
func (a *Aggregation) covers(account, region string) bool {
	reason := ""
	switch {
	case a.chunks[account] == nil:
		reason = "not a member"
	case !a.linked(region):
		reason = "region not linked"
	default:
		return true
	}
	a.mu.Lock()
	a.gaps[checks.CoverageGap{AccountID: account, Region: region, Service: service, Reason: reason}] = true
	a.mu.Unlock()
	return false
}

// Gaps are the cells collected directly because the aggregator did not
// cover them, sorted.
func (a *Aggregation) Gaps() []checks.CoverageGap {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []checks.CoverageGap
	cells := map[[2]string]bool{}
	for g := range a.gaps {
		out = append(out, g)
		cells[[2]string{g.AccountID, g.Region}] = true
	}
	for cell, reason := range a.v2gaps {
		if !cells[cell] {
			out = append(out, checks.CoverageGap{AccountID: cell[0], Region: cell[1], Service: service, Reason: reason})
		}
	}
	slices.SortFunc(out, func(x, y checks.CoverageGap) int {
		return strings.Compare(x.AccountID+"/"+x.Region, y.AccountID+"/"+y.Region)
	})
	return out
}

// findings returns (account, region)'s share of its chunk's stream,
// reading the stream on first use.
func (a *Aggregation) findings(ctx context.Context, account, region string) ([]checks.SecurityHubFinding, error) {
	ch := a.chunks[account]
	ch.once.Do(func() { ch.cells, ch.err = a.stream(ctx, ch.accounts) })
	if ch.err != nil {
		return nil, ch.err
	}
	return append([]checks.SecurityHubFinding{}, ch.cells[[2]string{account, region}]...), nil
}

// stream reads the findings of accounts in every linked region from the
// aggregation region, split by (account, region).
func (a *Aggregation) stream(ctx context.Context, accounts []string) (map[[2]string][]checks.SecurityHubFinding, error) {
	filters := FindingFilters()
	filters.AwsAccountId = equals(accounts...)
	if n := len(a.scopeRegions); n > 0 && n <= maxFilterValues {
		filters.Region = equals(a.scopeRegions...)
	}
	cells := map[[2]string][]checks.SecurityHubFinding{}
	p := securityhub.NewGetFindingsPaginator(a.api, &securityhub.GetFindingsInput{Filters: filters, MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("aggregated from administrator %s in %s: %w", a.Admin, a.Region, err)
		}
		for _, f := range page.Findings {
			k := [2]string{aws.ToString(f.AwsAccountId), findingRegion(f)}
			cells[k] = append(cells[k], compactFinding(f))
		}
	}
	return cells, nil
}

// findingRegion is the region a finding was generated in.
func findingRegion(f types.AwsSecurityFinding) string {
	if r := aws.ToString(f.Region); r != "" {
		return r
	}
	if len(f.Resources) > 0 {
		return aws.ToString(f.Resources[0].Region)
	}
	return ""
}
