package checks

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// teamTagConcurrency bounds the ListTagsForResource calls in flight:
// Organizations throttles an account's API calls organization-wide, so a
// few at a time is as fast as it gets without being throttled.
const teamTagConcurrency = 4

// readTeams sets each target's Team from its Organizations account tag. A
// failed call is not fatal: the account stays without a team and the error
// is recorded on the target, so the report shows why.
func readTeams(ctx context.Context, orgs organizations.ListTagsForResourceAPIClient, tag string, targets []Target, progress *Progress) {
	r := NewTeamReader(ctx, orgs, tag, progress)
	ptrs := make([]*Target, len(targets))
	for i := range targets {
		ptrs[i] = &targets[i]
	}
	r.add(ptrs)
	r.close()
}

// readTeam reads one target's team tag into it.
func readTeam(ctx context.Context, orgs organizations.ListTagsForResourceAPIClient, tag string, t *Target) {
	p := organizations.NewListTagsForResourcePaginator(orgs, &organizations.ListTagsForResourceInput{ResourceId: aws.String(t.AccountID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Errors = append(t.Errors, NewError(t.AccountID, Global, "organizations", "ListTagsForResource", err))
			return
		}
		for _, kv := range page.Tags {
			if aws.ToString(kv.Key) == tag {
				t.Team = aws.ToString(kv.Value)
			}
		}
	}
}

// TeamReader reads team tags of accounts as they are given to it (Add),
// teamTagConcurrency at a time, in the order given: with discovery
// streamed, each ListAccounts page's accounts as the page arrives.
type TeamReader struct {
	ctx      context.Context
	orgs     organizations.ListTagsForResourceAPIClient
	tag      string
	progress *Progress

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []*Target
	all     []*Target
	closed  bool
	workers sync.WaitGroup
}

// NewTeamReader starts a reader of tag on orgs.
func NewTeamReader(ctx context.Context, orgs organizations.ListTagsForResourceAPIClient, tag string, progress *Progress) *TeamReader {
	r := &TeamReader{ctx: ctx, orgs: orgs, tag: tag, progress: progress}
	r.cond = sync.NewCond(&r.mu)
	for range teamTagConcurrency {
		r.workers.Go(r.work)
	}
	return r
}

// Add queues the team reads of targets, without waiting for them; the
// reader works on copies (ids only), so the targets may be collected
// meanwhile.
func (r *TeamReader) Add(targets []Target) {
	ptrs := make([]*Target, len(targets))
	for i, t := range targets {
		ptrs[i] = &Target{AccountID: t.AccountID}
	}
	r.progress.addTags(len(ptrs))
	r.add(ptrs)
}

func (r *TeamReader) add(targets []*Target) {
	r.mu.Lock()
	r.queue = append(r.queue, targets...)
	r.all = append(r.all, targets...)
	r.mu.Unlock()
	r.cond.Broadcast()
}

// Wait waits for every read once no more targets will be added, and
// returns each account's Team and the errors of its read (for JoinTeams),
// in the order added.
func (r *TeamReader) Wait() []Target {
	r.close()
	out := make([]Target, len(r.all))
	for i, t := range r.all {
		out[i] = *t
	}
	return out
}

func (r *TeamReader) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cond.Broadcast()
	r.workers.Wait()
}

func (r *TeamReader) work() {
	for {
		r.mu.Lock()
		for len(r.queue) == 0 && !r.closed {
			r.cond.Wait()
		}
		if len(r.queue) == 0 {
			r.mu.Unlock()
			return
		}
		t := r.queue[0]
		r.queue = r.queue[1:]
		r.mu.Unlock()
		readTeam(r.ctx, r.orgs, r.tag, t)
		r.progress.tagDone()
	}
}

// ReadTeams reads the team tag of every target, as Discover does without
// DeferTeams, but into copies: it may run while Collect reads the targets.
// The result holds, by index, each target's Team and the errors of its tag
// read; JoinTeams puts them into the snapshot.
func ReadTeams(ctx context.Context, orgs organizations.ListTagsForResourceAPIClient, tag string, targets []Target, progress *Progress) []Target {
	r := NewTeamReader(ctx, orgs, tag, progress)
	r.Add(targets)
	return r.Wait()
}

// JoinTeams sets each snapshot account's team from tags (ReadTeams) and
// puts the tag reads' errors before its own, where Discover would have put
// them. A failed read leaves the account without a team ("unassigned"),
// with the error in the snapshot.
func JoinTeams(snap *Snapshot, tags []Target) {
	byID := make(map[string]*Target, len(tags))
	for i := range tags {
		byID[tags[i].AccountID] = &tags[i]
	}
	for i := range snap.Accounts {
		if t, ok := byID[snap.Accounts[i].AccountID]; ok {
			JoinTeam(&snap.Accounts[i], t)
		}
	}
}

// JoinTeam is JoinTeams for one account and its tag read t.
func JoinTeam(a *AccountFacts, t *Target) {
	a.Team = t.Team
	if len(t.Errors) > 0 {
		a.Errors = append(slices.Clone(t.Errors), a.Errors...)
	}
}
