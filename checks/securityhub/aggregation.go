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
	GetMembers(ctx context.Context, in *securityhub.GetMembersInput, optFns ...func(*securityhub.Options)) (*securityhub.GetMembersOutput, error)
	securityhub.GetFindingsAPIClient
	securityhub.GetFindingsV2APIClient
	DescribeSecurityHubV2(ctx context.Context, in *securityhub.DescribeSecurityHubV2Input, optFns ...func(*securityhub.Options)) (*securityhub.DescribeSecurityHubV2Output, error)
}

// ErrNoAggregator is the answer of DiscoverAggregation for a caller that
// is not a Security Hub administrator with a finding aggregator.
var ErrNoAggregator = errors.New("the caller has no Security Hub finding aggregator")

// Aggregation is the Security Hub administrator with its finding
// aggregator. The aggregator identifies the organization's administrator
// and the regions it links; each linked region's findings are then read
// from the administrator in that region (SH-64) — one GetFindings stream
// per region and 20 member accounts, filtered by AwsAccountId and Region —
// instead of each member's own stream. Reading each region in itself
// spreads the administrator's pages over one GetFindings rate bucket per
// region (3/s each) instead of the aggregation region's one. DescribeHub
// and GetEnabledStandards are not aggregated and stay per account.
type Aggregation struct {
	Admin  string // the administrator's account id
	Region string // the aggregation region
	// LinkingMode and Regions are the aggregator's region linking.
	LinkingMode string
	Regions     []string
	members     map[string]bool // in the aggregation region, the administrator included
	accounts    []string        // in scope and members in the aggregation region, sorted
	// byID: members are looked up among the accounts in scope
	// (GetMembers) rather than listed (ListMembers), in a shard.
	byID      bool
	clientFor func(region string) AdminAPI
	// orgID, when set, is the organization whose scope the administrator
	// reads its members' exposure findings with (v2admin.go).
	orgID string

	mu      sync.Mutex
	regions map[string]*adminRegion
	gaps    map[checks.CoverageGap]bool
	v2      map[v2Key]*v2Stream
	v2gaps  map[[2]string]string // (account, region): why exposures were read directly
}

// adminRegion is the administration in one region: the accounts that are
// the administrator's members there (ListMembers in the region; membership
// is regional) and their streams, discovered on first use.
type adminRegion struct {
	once   sync.Once
	err    error
	chunks map[string]*chunk // by account id

	// v2Once checks that the administrator has the new Security Hub in
	// the region; v2Unusable says why its stream is not used there.
	v2Once     sync.Once
	v2Unusable string
}

// chunk is one stream of up to maxFilterValues accounts in one region,
// read once.
type chunk struct {
	accounts []string
	once     sync.Once
	cells    map[[2]string][]checks.SecurityHubFinding // (account, region)
	err      error
}

// DiscoverAggregation finds the caller's finding aggregator
// (ListFindingAggregators in home's region, GetFindingAggregator in the
// aggregation region) and its associated members there (ListMembers);
// other regions' members are listed when first collected. clientFor
// returns a client for a region. accounts are those in scope; each region
// reads them in chunks of 20. With byID (a shard of a larger scan) members
// are looked up among the accounts in scope (GetMembers) instead of
// listing the whole organization's in every shard. A caller without an
// aggregator gets ErrNoAggregator, wrapped.
func DiscoverAggregation(ctx context.Context, clientFor func(region string) AdminAPI, home string, accounts []string, byID bool) (*Aggregation, error) {
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
		Admin:       admin,
		Region:      aws.ToString(fa.FindingAggregationRegion),
		LinkingMode: aws.ToString(fa.RegionLinkingMode),
		Regions:     fa.Regions,
		byID:        byID,
		clientFor:   clientFor,
		regions:     map[string]*adminRegion{},
		gaps:        map[checks.CoverageGap]bool{},
	}
	if agg.Region == "" {
		agg.Region = region
	}
	agg.members, err = agg.listMembers(ctx, clientFor(agg.Region), agg.Region, accounts)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		if agg.members[a] {
			agg.accounts = append(agg.accounts, a)
		}
	}
	slices.Sort(agg.accounts)
	agg.accounts = slices.Compact(agg.accounts)
	aggRegion := &adminRegion{}
	aggRegion.once.Do(func() { aggRegion.chunks = agg.chunk(agg.members) })
	agg.regions[agg.Region] = aggRegion
	return agg, nil
}

// listMembers lists the administrator's associated members in region
// (ListMembers), the administrator included; with byID, those of accounts
// (GetMembers, 50 at a time: the same Member entries, whatever their
// status, and the accounts that are not members unprocessed; SH-65).
func (a *Aggregation) listMembers(ctx context.Context, api AdminAPI, region string, accounts []string) (map[string]bool, error) {
	members := map[string]bool{a.Admin: true}
	associated := func(ms []types.Member) {
		for _, m := range ms {
			if s := aws.ToString(m.MemberStatus); s == "Enabled" || s == "Associated" {
				members[aws.ToString(m.AccountId)] = true
			}
		}
	}
	if a.byID {
		ids := slices.DeleteFunc(slices.Clone(accounts), func(id string) bool { return id == a.Admin })
		slices.Sort(ids)
		for chunk := range slices.Chunk(slices.Compact(ids), 50) {
			out, err := api.GetMembers(ctx, &securityhub.GetMembersInput{AccountIds: chunk})
			if err != nil {
				return nil, fmt.Errorf("get Security Hub members (securityhub:GetMembers) in %s: %w", region, err)
			}
			associated(slices.DeleteFunc(out.Members, func(m types.Member) bool { return !slices.Contains(chunk, aws.ToString(m.AccountId)) }))
		}
		return members, nil
	}
	mp := securityhub.NewListMembersPaginator(api, &securityhub.ListMembersInput{OnlyAssociated: aws.Bool(true), MaxResults: aws.Int32(50)})
	for mp.HasMorePages() {
		page, err := mp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Security Hub members (securityhub:ListMembers) in %s: %w", region, err)
		}
		associated(page.Members)
	}
	return members, nil
}

// chunk splits the in-scope members that are also members in a region
// into streams of maxFilterValues accounts.
func (a *Aggregation) chunk(inRegion map[string]bool) map[string]*chunk {
	var covered []string
	for _, id := range a.accounts {
		if inRegion[id] {
			covered = append(covered, id)
		}
	}
	chunks := map[string]*chunk{}
	for accounts := range slices.Chunk(covered, maxFilterValues) {
		ch := &chunk{accounts: accounts}
		for _, id := range accounts {
			chunks[id] = ch
		}
	}
	return chunks
}

// region returns the administration in region, its members listed once.
func (a *Aggregation) region(ctx context.Context, region string) *adminRegion {
	a.mu.Lock()
	ar := a.regions[region]
	if ar == nil {
		ar = &adminRegion{}
		a.regions[region] = ar
	}
	a.mu.Unlock()
	ar.once.Do(func() {
		members, err := a.listMembers(ctx, a.clientFor(region), region, a.accounts)
		if err != nil {
			ar.err = err
			return
		}
		ar.chunks = a.chunk(members)
	})
	return ar
}

// Members is how many accounts the administrator has in the aggregation
// region, itself included.
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

// covers reports whether the administrator reads (account, region)'s
// findings — a member in the aggregation region, in a linked region where
// it is a member too — and records a coverage gap when it does not.
func (a *Aggregation) covers(ctx context.Context, account, region string) bool {
	reason := ""
	switch {
	case !a.members[account]:
		reason = "not a member"
	case !a.linked(region):
		reason = "region not linked"
	default:
		ar := a.region(ctx, region)
		switch {
		case ar.err != nil:
			reason = "administrator unavailable: " + ar.err.Error()
		case ar.chunks[account] == nil:
			reason = "not a member in " + region
		default:
			return true
		}
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

// findings returns (account, region)'s share of its chunk's stream in the
// region, reading the stream on first use.
func (a *Aggregation) findings(ctx context.Context, account, region string) ([]checks.SecurityHubFinding, error) {
	ch := a.region(ctx, region).chunks[account]
	ch.once.Do(func() { ch.cells, ch.err = a.stream(ctx, region, ch.accounts) })
	if ch.err != nil {
		return nil, ch.err
	}
	return append([]checks.SecurityHubFinding{}, ch.cells[[2]string{account, region}]...), nil
}

// stream reads the findings of accounts in region from the administrator
// there, split by (account, region).
func (a *Aggregation) stream(ctx context.Context, region string, accounts []string) (map[[2]string][]checks.SecurityHubFinding, error) {
	filters := FindingFilters()
	filters.AwsAccountId = equals(accounts...)
	filters.Region = equals(region)
	cells := map[[2]string][]checks.SecurityHubFinding{}
	p := securityhub.NewGetFindingsPaginator(a.clientFor(region), &securityhub.GetFindingsInput{Filters: filters, MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, withLeanFindings)
		if err != nil {
			return nil, fmt.Errorf("from administrator %s in %s: %w", a.Admin, region, err)
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

// Prefetch reads the organization's findings streams in the background,
// from now on, in each of regions the aggregator links: one goroutine per
// region walks its chunks in account order, as the scan will ask for them.
// A region's pages share one 3/s bucket, so the streams take their time
// whatever the order; started at once, they run beside the other
// services' collection instead of holding the workers that wait for them.
// A cell asks its chunk as before (sync.Once): whoever comes first reads.
func (a *Aggregation) Prefetch(ctx context.Context, regions []string) {
	for _, r := range regions {
		if !a.linked(r) {
			continue
		}
		go func() {
			ar := a.region(ctx, r)
			if ar.err != nil {
				return
			}
			seen := map[*chunk]bool{}
			for _, id := range a.accounts {
				ch := ar.chunks[id]
				if ch == nil || seen[ch] {
					continue
				}
				seen[ch] = true
				if ctx.Err() != nil {
					return
				}
				ch.once.Do(func() { ch.cells, ch.err = a.stream(ctx, r, ch.accounts) })
			}
		}()
	}
}
