package guardduty

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"
)

// pagedMembers answers ListMembers in pages of its own: AWS documents no
// rule that a page with a NextToken holds an entry.
type pagedMembers struct {
	AdminAPI
	pages [][]types.Member
	calls int
}

func (p *pagedMembers) ListDetectors(context.Context, *guardduty.ListDetectorsInput, ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error) {
	return &guardduty.ListDetectorsOutput{DetectorIds: []string{"d-admin"}}, nil
}

func (p *pagedMembers) ListMembers(_ context.Context, in *guardduty.ListMembersInput, _ ...func(*guardduty.Options)) (*guardduty.ListMembersOutput, error) {
	i := 0
	if in.NextToken != nil {
		i = int(aws.ToString(in.NextToken)[0] - '0')
	}
	p.calls++
	out := &guardduty.ListMembersOutput{Members: p.pages[i]}
	if i+1 < len(p.pages) {
		out.NextToken = aws.String(string(rune('0' + i + 1)))
	}
	return out, nil
}

// TestAdministratorFoundPastEmptyPages: looking for one member (a shard
// with no member among its accounts, or --collection auto asking before
// the listing), ListMembers pages that hold no entry but a NextToken are
// read on until one does, or the list ends.
func TestAdministratorFoundPastEmptyPages(t *testing.T) {
	member := types.Member{AccountId: aws.String("222222222222"), DetectorId: aws.String("d-member"), AdministratorId: aws.String("111111111111"), RelationshipStatus: aws.String("Enabled")}
	api := &pagedMembers{pages: [][]types.Member{{}, {}, {member}, {member}}}
	a, err := DiscoverAdministration(t.Context(), func(string) AdminAPI { return api }, "us-east-1", nil, true)
	if err != nil {
		t.Fatalf("an administrator whose first ListMembers pages are empty: %v", err)
	}
	if a.Admin != "111111111111" || api.calls != 3 {
		t.Errorf("administrator %q after %d ListMembers calls, want 111111111111 after 3", a.Admin, api.calls)
	}

	none := &pagedMembers{pages: [][]types.Member{{}, {}}}
	if _, err := DiscoverAdministration(t.Context(), func(string) AdminAPI { return none }, "us-east-1", nil, true); !errors.Is(err, ErrNotAdministrator) || none.calls != 2 {
		t.Errorf("no member on any page: %v after %d calls, want ErrNotAdministrator after 2", err, none.calls)
	}
}
