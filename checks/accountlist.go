package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"golang.org/x/sync/errgroup"
)

// AccountListKind and AccountListVersion identify the file `baseline
// accounts` writes and --accounts-from reads.
const (
	AccountListKind    = "baseline-accounts"
	AccountListVersion = "1.0"
)

// AccountList is the organization's ACTIVE accounts with their tags, listed
// once (`baseline accounts`) so that N shards scan from it without any
// Organizations call.
type AccountList struct {
	Kind          string    `json:"kind" yaml:"kind"`
	SchemaVersion string    `json:"schema_version" yaml:"schema_version"`
	Tool          Tool      `json:"tool" yaml:"tool"`
	GeneratedAt   time.Time `json:"generated_at" yaml:"generated_at"`
	// Caller is the account that listed the organization.
	Caller   string          `json:"caller_account" yaml:"caller_account"`
	Accounts []ListedAccount `json:"accounts" yaml:"accounts"`
}

// ListedAccount is one ACTIVE account: its id, name and Organizations tags.
type ListedAccount struct {
	ID   string            `json:"id" yaml:"id"`
	Name string            `json:"name" yaml:"name"`
	Tags map[string]string `json:"tags" yaml:"tags"`
	// TagsError is why its tags could not be read (absent when they were):
	// a scan from the list reports it as the account's collection error and
	// gives it no team, as a scan that read the tags itself would.
	TagsError *ListError `json:"tags_error,omitempty" yaml:"tags_error"`
}

// ListError is a failed call of the listing: its AWS error code and message.
type ListError struct {
	Code    string `json:"code" yaml:"code"`
	Message string `json:"message" yaml:"message"`
}

// ListOrganization lists the ACTIVE accounts of the caller's organization
// (organizations:ListAccounts) and reads every account's tags
// (organizations:ListTagsForResource), sorted by id. A failed listing is an
// error; a failed tag read is recorded on that account.
func ListOrganization(ctx context.Context, orgs OrganizationsAPI, progress *Progress) ([]ListedAccount, error) {
	progress.SetPhase(PhaseDiscovery)
	var out []ListedAccount
	err := listActive(ctx, orgs, progress, func(page []orgtypes.Account) {
		for _, a := range page {
			out = append(out, ListedAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Tags: map[string]string{}})
		}
	})
	if err != nil {
		return nil, fmt.Errorf("list organization accounts (organizations:ListAccounts): %w; run from the management account or a delegated administrator", err)
	}
	slices.SortFunc(out, func(a, b ListedAccount) int { return strings.Compare(a.ID, b.ID) })
	out = slices.CompactFunc(out, func(a, b ListedAccount) bool { return a.ID == b.ID })

	progress.SetPhase(PhaseTeamTags)
	progress.addTags(len(out))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(teamTagConcurrency)
	var mu sync.Mutex
	for i := range out {
		a := &out[i]
		g.Go(func() error {
			defer progress.tagDone()
			tags := map[string]string{}
			p := organizations.NewListTagsForResourcePaginator(orgs, &organizations.ListTagsForResourceInput{ResourceId: aws.String(a.ID)})
			for p.HasMorePages() {
				page, err := p.NextPage(gctx)
				if err != nil {
					ce := NewError(a.ID, Global, "organizations", "ListTagsForResource", err)
					mu.Lock()
					a.TagsError = &ListError{Code: ce.Code, Message: ce.Message}
					mu.Unlock()
					return nil
				}
				for _, t := range page.Tags {
					tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			mu.Lock()
			a.Tags = tags
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list organization accounts: interrupted: %w", err)
	}
	return out, nil
}

// listActive lists the organization's accounts (organizations:ListAccounts,
// 20 a page) and gives page each page's ACTIVE accounts as it arrives,
// counted in progress as listed.
func listActive(ctx context.Context, orgs organizations.ListAccountsAPIClient, progress *Progress, page func([]orgtypes.Account)) error {
	p := organizations.NewListAccountsPaginator(orgs, &organizations.ListAccountsInput{MaxResults: aws.Int32(20)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		active := slices.DeleteFunc(slices.Clone(out.Accounts), func(a orgtypes.Account) bool { return !activeAccount(a) })
		progress.addListed(len(active))
		page(active)
	}
	return nil
}

// activeAccount says whether ListAccounts' entry is an ACTIVE account: State
// (the current field) or, from an endpoint that predates it, Status.
func activeAccount(a orgtypes.Account) bool {
	return a.State == orgtypes.AccountStateActive || (a.State == "" && a.Status == orgtypes.AccountStatusActive)
}

// teamFromList gives the targets built from a list their team (the value
// of tag) and, for an account whose tags could not be listed, the error.
func teamFromList(t *Target, a ListedAccount, tag string) {
	if tag == "" {
		return
	}
	if e := a.TagsError; e != nil {
		t.Errors = append(t.Errors, CollectionError{AccountID: a.ID, Region: Global, Service: "organizations", Operation: "ListTagsForResource", Code: e.Code, Message: "when the account list was made: " + e.Message})
		return
	}
	t.Team = strings.TrimSpace(a.Tags[tag])
}
