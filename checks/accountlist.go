package checks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/goccy/go-yaml"
	"golang.org/x/sync/errgroup"
)

// AccountListKind and AccountListVersion identify the file `baseline
// accounts` writes and --accounts-from reads. Version 1.1 added
// trail_owners; 1.0 files (without it) are read too (AccountListVersions).
const (
	AccountListKind    = "baseline-accounts"
	AccountListVersion = "1.1"
)

// AccountListVersions are the account list versions --accounts-from reads.
var AccountListVersions = []string{"1.0", AccountListVersion}

// AccountList is the organization's ACTIVE accounts with their tags, listed
// once (`baseline accounts`) so that N shards scan from it without any
// Organizations call.
type AccountList struct {
	Kind          string    `json:"kind" yaml:"kind"`
	SchemaVersion string    `json:"schema_version" yaml:"schema_version"`
	Tool          Tool      `json:"tool" yaml:"tool"`
	GeneratedAt   time.Time `json:"generated_at" yaml:"generated_at"`
	// Caller is the account that listed the organization.
	Caller string `json:"caller_account" yaml:"caller_account"`
	// OrganizationID is the organization's id (organizations:
	// DescribeOrganization), so that shards scanning from the list need
	// not ask it each (Security Hub's organization-scoped exposure
	// findings); absent when it could not be read.
	OrganizationID string          `json:"organization_id,omitempty" yaml:"organization_id"`
	Accounts       []ListedAccount `json:"accounts" yaml:"accounts"`
	// TrailOwners are the CloudTrail facts of the listing account as the
	// owner of trails other accounts see (an organization trail), read with
	// the list: shards scanning from it join them into their members
	// instead of each reading the owner again (see TrailOwner.Matches).
	// Absent when they were not read, or could not be read whole.
	TrailOwners []TrailOwner `json:"trail_owners,omitempty" yaml:"trail_owners"`
}

// TrailOwner is one account's own trails, read as a scan reads a trail
// owner that is not among its accounts (cloudtrail.OwnerFacts of its
// CloudTrail collection), with the regions and time they were read for.
type TrailOwner struct {
	AccountID   string    `json:"account_id" yaml:"account_id"`
	CollectedAt time.Time `json:"collected_at" yaml:"collected_at"`
	// Regions, AllRegions and ExcludeRegions are the regions the facts
	// were read for, as a scan is asked for them (--regions,
	// --exclude-regions): a scan asked for others reads the owner itself.
	Regions        []string `json:"regions" yaml:"regions"`
	AllRegions     bool     `json:"all_regions" yaml:"all_regions"`
	ExcludeRegions []string `json:"exclude_regions" yaml:"exclude_regions"`
	// Facts are the owner facts, in the snapshot's account encoding.
	Facts EncodedAccount `json:"facts" yaml:"facts"`
}

// Matches says whether the owner's facts were read for the regions a scan
// is asked for: the same list (or both all enabled regions), less the same
// exclusions, in any order.
func (t *TrailOwner) Matches(regions []string, all bool, exclude []string) bool {
	same := func(a, b []string) bool {
		a, b = slices.Clone(a), slices.Clone(b)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(slices.Compact(a), slices.Compact(b))
	}
	if t.AllRegions != all || !same(t.ExcludeRegions, exclude) {
		return false
	}
	return all || same(t.Regions, regions)
}

// EncodedAccount is an account's facts that encode as the snapshot encodes
// an account (EncodeAccount), in JSON or YAML.
type EncodedAccount struct {
	AccountFacts
	pending []byte // the facts as JSON, read by UnmarshalYAML for Decode
}

// MarshalJSON encodes the facts as EncodeAccount does.
func (e EncodedAccount) MarshalJSON() ([]byte, error) { return EncodeAccount(&e.AccountFacts) }

// UnmarshalJSON decodes facts written by MarshalJSON, as Decode does.
func (e *EncodedAccount) UnmarshalJSON(data []byte) error {
	e.pending = data
	return e.Decode()
}

// UnmarshalYAML keeps the facts of a YAML (or JSON) document's node for
// Decode, whose error the reader places at the node.
func (e *EncodedAccount) UnmarshalYAML(data []byte) error {
	j, err := yaml.YAMLToJSON(data)
	e.pending = j
	return err
}

// Decode decodes the facts UnmarshalYAML kept (none: nothing to do),
// strictly: a field the facts do not have is an error, not ignored. The
// facts are an owner's (cloudtrail.OwnerFacts): no other service's facts.
func (e *EncodedAccount) Decode() error {
	if e.pending == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(e.pending))
	dec.DisallowUnknownFields()
	e.pending = nil
	e.AccountFacts = AccountFacts{}
	return dec.Decode(&e.AccountFacts)
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
	err := listActive(ctx, orgs, progress, func(page []orgtypes.Account) bool {
		for _, a := range page {
			out = append(out, ListedAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Tags: map[string]string{}})
		}
		return true
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
// counted in progress as listed, until page says it wants no more.
func listActive(ctx context.Context, orgs organizations.ListAccountsAPIClient, progress *Progress, page func([]orgtypes.Account) (more bool)) error {
	p := organizations.NewListAccountsPaginator(orgs, &organizations.ListAccountsInput{MaxResults: aws.Int32(20)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		active := slices.DeleteFunc(slices.Clone(out.Accounts), func(a orgtypes.Account) bool { return !activeAccount(a) })
		progress.addListed(len(active))
		if !page(active) {
			return nil
		}
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
