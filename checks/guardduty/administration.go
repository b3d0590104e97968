package guardduty

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/baseline-scanner/baseline/checks"
)

// maxAccountsPerRead is how many accounts one administrator read covers:
// its accountId criterion, and the groupBy ACCOUNT statistics (at most 100
// rows, with no pagination) stay well within GuardDuty's limits.
const maxAccountsPerRead = 50

// AdminAPI is exactly the GuardDuty calls the administrator makes: its
// detector, its members, and its members' findings.
type AdminAPI interface {
	guardduty.ListDetectorsAPIClient
	guardduty.ListMembersAPIClient
	GetMembers(ctx context.Context, in *guardduty.GetMembersInput, optFns ...func(*guardduty.Options)) (*guardduty.GetMembersOutput, error)
	GetFindingsStatistics(ctx context.Context, in *guardduty.GetFindingsStatisticsInput, optFns ...func(*guardduty.Options)) (*guardduty.GetFindingsStatisticsOutput, error)
	findingsAPI
	coverageAPI
	organizationAPI
}

// ErrNotAdministrator is the answer of DiscoverAdministration for a caller
// that is not a GuardDuty administrator with members.
var ErrNotAdministrator = errors.New("the caller is not a GuardDuty administrator with members")

// Administration is the caller's GuardDuty administration: in each region,
// the administrator's detector reads its associated members' findings and
// finding statistics, 50 accounts at a time, instead of each account's own
// detector. Each member's detector (GetDetector: status and protection
// plans) is still read with the member's credentials: GetMemberDetectors
// gives the plans but not the detector's status.
type Administration struct {
	Admin     string // the administrator's account id
	clientFor func(region string) AdminAPI
	accounts  []string // in scope, sorted
	// byID: the members are looked up by the accounts in scope
	// (GetMembers) rather than listed (ListMembers).
	byID bool

	mu      sync.Mutex
	regions map[string]*adminRegion
	gaps    map[checks.CoverageGap]bool
}

// adminRegion is the administration in one region, discovered on first use.
type adminRegion struct {
	once     sync.Once
	err      error
	api      AdminAPI
	detector string              // the administrator's
	members  map[string]gdMember // by account id, the administrator included
	chunks   map[string]*adminChunk

	orgOnce sync.Once
	org     *checks.GuardDutyOrganization
	orgErr  error
}

type gdMember struct{ detector, status string }

// adminChunk is the findings and statistics of up to maxAccountsPerRead
// accounts, read once.
type adminChunk struct {
	accounts []string
	once     sync.Once
	high     map[string][]checks.GuardDutyFinding
	highOp   string
	highErr  error
	counts   map[string]map[string]int
	countErr error
	coverage map[string][]checks.GuardDutyCoverage
	covErr   error
}

// DiscoverAdministration finds whether the caller administers GuardDuty:
// its detector in home (ListDetectors) has members (ListMembers). Other
// regions are discovered when first collected. accounts are those in
// scope. With byID (a shard of a larger scan) the members are looked up
// among those accounts, 50 at a time (GetMembers), instead of listing the
// whole organization's in every shard; when none of them is a member, one
// entry of ListMembers says whether the caller administers any account. A
// caller without members gets ErrNotAdministrator, wrapped.
func DiscoverAdministration(ctx context.Context, clientFor func(region string) AdminAPI, home string, accounts []string, byID bool) (*Administration, error) {
	a := &Administration{clientFor: clientFor, accounts: slices.Sorted(slices.Values(accounts)), byID: byID, regions: map[string]*adminRegion{}, gaps: map[checks.CoverageGap]bool{}}
	a.accounts = slices.Compact(a.accounts)
	ar := a.region(ctx, home)
	if ar.err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotAdministrator, ar.err)
	}
	for id, m := range ar.members {
		if m.detector == ar.detector && m.status == "self" {
			a.Admin = id
		}
	}
	if a.Admin == "" {
		if byID {
			return nil, fmt.Errorf("%w (guardduty:GetMembers and ListMembers in %s found none)", ErrNotAdministrator, home)
		}
		return nil, fmt.Errorf("%w (guardduty:ListMembers in %s found none)", ErrNotAdministrator, home)
	}
	return a, nil
}

// Members is how many associated members the administrator has in region
// (the administrator excluded), discovering the region if needed.
func (a *Administration) Members(ctx context.Context, region string) int {
	n := 0
	for _, m := range a.region(ctx, region).members {
		if strings.EqualFold(m.status, "Enabled") {
			n++
		}
	}
	return n
}

// region returns the administration in region, discovered once.
func (a *Administration) region(ctx context.Context, region string) *adminRegion {
	a.mu.Lock()
	ar := a.regions[region]
	if ar == nil {
		ar = &adminRegion{}
		a.regions[region] = ar
	}
	a.mu.Unlock()
	ar.once.Do(func() { ar.err = a.discover(ctx, region, ar) })
	return ar
}

func (a *Administration) discover(ctx context.Context, region string, ar *adminRegion) error {
	ar.api = a.clientFor(region)
	dp := guardduty.NewListDetectorsPaginator(ar.api, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(50)})
	for dp.HasMorePages() && ar.detector == "" {
		page, err := dp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the administrator's detectors (guardduty:ListDetectors) in %s: %w", region, err)
		}
		if len(page.DetectorIds) > 0 {
			ar.detector = page.DetectorIds[0]
		}
	}
	if ar.detector == "" {
		return fmt.Errorf("no detector in %s (guardduty:ListDetectors)", region)
	}
	ar.members = map[string]gdMember{}
	admin := ""
	add := func(members []types.Member) {
		for _, m := range members {
			ar.members[aws.ToString(m.AccountId)] = gdMember{detector: aws.ToString(m.DetectorId), status: aws.ToString(m.RelationshipStatus)}
			if admin = aws.ToString(m.AdministratorId); admin == "" {
				admin = aws.ToString(m.MasterId)
			}
		}
	}
	if a.byID {
		// The same Member entries as ListMembers with onlyAssociated
		// "false", for the accounts asked; the others come back
		// unprocessed: not members (GD-47).
		for ids := range slices.Chunk(a.accounts, maxAccountsPerRead) {
			out, err := ar.api.GetMembers(ctx, &guardduty.GetMembersInput{DetectorId: aws.String(ar.detector), AccountIds: ids})
			if err != nil {
				return fmt.Errorf("get GuardDuty members (guardduty:GetMembers) in %s: %w", region, err)
			}
			add(slices.DeleteFunc(out.Members, func(m types.Member) bool { return !slices.Contains(ids, aws.ToString(m.AccountId)) }))
		}
		if admin == "" {
			// None of the accounts (maybe none at all, an empty shard) is
			// a member here: one entry of the list says whether the caller
			// administers any account, and its id. A page with no entry
			// but a NextToken is read past (AWS does not say that a page
			// before the last holds one).
			mp := guardduty.NewListMembersPaginator(ar.api, &guardduty.ListMembersInput{DetectorId: aws.String(ar.detector), OnlyAssociated: aws.String("false"), MaxResults: aws.Int32(1)})
			for admin == "" && mp.HasMorePages() {
				page, err := mp.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("list GuardDuty members (guardduty:ListMembers) in %s: %w", region, err)
				}
				for _, m := range page.Members {
					if admin = aws.ToString(m.AdministratorId); admin == "" {
						admin = aws.ToString(m.MasterId)
					}
				}
				if len(page.Members) > 0 {
					break
				}
			}
		}
	} else {
		mp := guardduty.NewListMembersPaginator(ar.api, &guardduty.ListMembersInput{DetectorId: aws.String(ar.detector), OnlyAssociated: aws.String("false"), MaxResults: aws.Int32(50)})
		for mp.HasMorePages() {
			page, err := mp.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list GuardDuty members (guardduty:ListMembers) in %s: %w", region, err)
			}
			add(page.Members)
		}
	}
	if admin != "" {
		ar.members[admin] = gdMember{detector: ar.detector, status: "self"}
	}
	var covered []string
	for _, id := range a.accounts {
		if m, ok := ar.members[id]; ok && m.detector != "" && (m.status == "self" || strings.EqualFold(m.status, "Enabled")) {
			covered = append(covered, id)
		}
	}
	ar.chunks = map[string]*adminChunk{}
	for accounts := range slices.Chunk(covered, maxAccountsPerRead) {
		ch := &adminChunk{accounts: accounts}
		for _, id := range accounts {
			ar.chunks[id] = ch
		}
	}
	return nil
}

// covers reports whether the administrator reads (account, region)'s
// findings, with the account's detector there, and records a coverage gap
// when it does not.
func (a *Administration) covers(ctx context.Context, account, region string) (string, bool) {
	if a == nil {
		return "", false
	}
	ar := a.region(ctx, region)
	var reason string
	switch m, member := ar.members[account]; {
	case ar.err != nil:
		reason = "administrator unavailable: " + ar.err.Error()
	case !member:
		reason = "not a member"
	case ar.chunks[account] == nil:
		reason = fmt.Sprintf("not associated (relationship status %s)", m.status)
	default:
		return m.detector, true
	}
	a.mu.Lock()
	a.gaps[checks.CoverageGap{AccountID: account, Region: region, Service: service, Reason: reason}] = true
	a.mu.Unlock()
	return "", false
}

// Gaps are the cells collected directly because the administrator did not
// cover them, sorted.
func (a *Administration) Gaps() []checks.CoverageGap {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []checks.CoverageGap
	for g := range a.gaps {
		out = append(out, g)
	}
	slices.SortFunc(out, func(x, y checks.CoverageGap) int {
		return strings.Compare(x.AccountID+"/"+x.Region, y.AccountID+"/"+y.Region)
	})
	return out
}

// collectMember observes GuardDuty in a covered (account, region): its
// detector with the account's own client, its findings and statistics
// from the administrator's chunk.
func (a *Administration) collectMember(ctx context.Context, api API, accountID, region, detectorID string) (*checks.GuardDutyRegion, []checks.CollectionError) {
	facts := &checks.GuardDutyRegion{}
	var errs []checks.CollectionError
	fail := func(op string, err error) {
		errs = append(errs, checks.NewError(accountID, region, service, op, err))
	}
	ar := a.region(ctx, region)
	ch := ar.chunks[accountID]
	var (
		d      *guardduty.GetDetectorOutput
		detErr error
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		d, detErr = api.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(detectorID)})
	}()
	ch.once.Do(func() { a.read(ctx, region, ar, ch) })
	<-done

	if detErr != nil {
		fail("GetDetector", detErr)
	} else {
		facts.Detectors = []checks.Detector{detector(detectorID, d)}
	}
	if ch.countErr != nil {
		fail("GetFindingsStatistics", ch.countErr)
	} else {
		facts.FindingCounts = map[string]int{}
		for band, n := range ch.counts[accountID] {
			facts.FindingCounts[band] = n
		}
	}
	if ch.highErr != nil {
		fail(ch.highOp, ch.highErr)
	} else {
		facts.HighFindings = append([]checks.GuardDutyFinding{}, ch.high[accountID]...)
	}
	if ch.covErr != nil {
		fail("ListCoverage", ch.covErr)
	} else {
		facts.Coverage = append([]checks.GuardDutyCoverage{}, ch.coverage[accountID]...)
	}
	// Malware Protection for S3 plans are the account's own: the
	// administrator does not list its members' (GD-44).
	plans, op, err := malwarePlans(ctx, api)
	if err != nil {
		fail(op, err)
	}
	facts.MalwareProtectionPlans = plans
	return facts, errs
}

// organization is the organization configuration in region, read once from
// the administrator's detector (GD-43).
func (a *Administration) organization(ctx context.Context, region string) (*checks.GuardDutyOrganization, error) {
	ar := a.region(ctx, region)
	if ar.err != nil {
		return nil, ar.err
	}
	ar.orgOnce.Do(func() {
		ar.org, ar.orgErr = organizationOf(ctx, ar.api, ar.detector)
		if ar.orgErr != nil {
			ar.orgErr = fmt.Errorf("from administrator %s's detector in %s: %w", a.Admin, region, ar.orgErr)
		}
	})
	return ar.org, ar.orgErr
}

// read reads a chunk's high findings (ListFindings, GetFindings) and its
// counts by band (one GetFindingsStatistics grouped by account per band),
// side by side, from the administrator's detector.
func (a *Administration) read(ctx context.Context, region string, ar *adminRegion, ch *adminChunk) {
	wrap := func(err error) error {
		return fmt.Errorf("from administrator %s's detector in %s: %w", a.Admin, region, err)
	}
	done, covDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(covDone)
		coverage, err := coverageOf(ctx, ar.api, ar.detector, ch.accounts)
		if err != nil {
			ch.covErr = wrap(err)
			return
		}
		ch.coverage = coverage
	}()
	go func() {
		defer close(done)
		counts, err := countByBand(ctx, ar.api, ar.detector, ch.accounts)
		if err != nil {
			ch.countErr = wrap(err)
			return
		}
		ch.counts = counts
	}()
	found, op, err := highFindings(ctx, ar.api, ar.detector, ch.accounts, func(account string) string { return ar.members[account].detector })
	if err != nil {
		ch.highOp, ch.highErr = op, wrap(err)
	} else {
		ch.high = map[string][]checks.GuardDutyFinding{}
		for _, f := range found {
			ch.high[f.account] = append(ch.high[f.account], f.finding)
		}
	}
	<-done
	<-covDone
}
