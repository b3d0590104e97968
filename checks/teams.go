package checks

import (
	"context"

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
