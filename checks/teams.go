package checks

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"golang.org/x/sync/errgroup"
)

// teamTagConcurrency bounds the ListTagsForResource calls in flight:
// Organizations throttles an account's API calls organization-wide, so a
// few at a time is as fast as it gets without being throttled.
const teamTagConcurrency = 4

// readTeams sets each target's Team from its Organizations account tag. A
// failed call is not fatal: the account stays without a team and the error
// is recorded on the target, so the report shows why.
func readTeams(ctx context.Context, orgs organizations.ListTagsForResourceAPIClient, tag string, targets []Target, progress *Progress) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(teamTagConcurrency)
	for i := range targets {
		t := &targets[i]
		g.Go(func() error {
			defer progress.tagDone()
			p := organizations.NewListTagsForResourcePaginator(orgs, &organizations.ListTagsForResourceInput{ResourceId: aws.String(t.AccountID)})
			for p.HasMorePages() {
				page, err := p.NextPage(gctx)
				if err != nil {
					t.Errors = append(t.Errors, NewError(t.AccountID, Global, "organizations", "ListTagsForResource", err))
					return nil
				}
				for _, kv := range page.Tags {
					if aws.ToString(kv.Key) == tag {
						t.Team = aws.ToString(kv.Value)
					}
				}
			}
			return nil
		})
	}
	_ = g.Wait() // the goroutines record errors instead of returning them
}

// ReadTeams reads the team tag of every target, as Discover does without
// DeferTeams, but into copies: it may run while Collect reads the targets.
// The result holds, by index, each target's Team and the errors of its tag
// read; JoinTeams puts them into the snapshot.
func ReadTeams(ctx context.Context, orgs organizations.ListTagsForResourceAPIClient, tag string, targets []Target, progress *Progress) []Target {
	out := make([]Target, len(targets))
	for i, t := range targets {
		out[i] = Target{AccountID: t.AccountID}
	}
	progress.addTags(len(out))
	readTeams(ctx, orgs, tag, out, progress)
	return out
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
