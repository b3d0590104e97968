package checks

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// RegionScope is the regions to scan in every account when they are not
// a fixed list: `--regions all` and `--exclude-regions`.
type RegionScope struct {
	// All resolves each account's enabled regions after its credentials:
	// regions it has not opted in to are out of scope, not errors.
	All bool
	// Exclude removes regions from every account's scope (with All or a list).
	Exclude []string
}

// ListRegionsAction is the action of the error recorded when an account's
// enabled regions cannot be listed (account:ListRegions, then
// ec2:DescribeRegions, both failed): the account has no region in scope.
const ListRegionsAction = "account:ListRegions"

// resolve returns the regions of t in scope, and the error that prevented
// listing them.
func (s RegionScope) resolve(ctx context.Context, cfg aws.Config, t Target) ([]string, *CollectionError) {
	regions := t.Regions
	if s.All {
		var err error
		regions, err = EnabledRegions(ctx, cfg)
		if err != nil {
			ce := NewError(t.AccountID, Global, "account", "ListRegions", err)
			return nil, &ce
		}
	}
	return s.exclude(regions), nil
}

// exclude returns a copy of regions without the excluded ones.
func (s RegionScope) exclude(regions []string) []string {
	return slices.DeleteFunc(slices.Clone(regions), func(r string) bool { return slices.Contains(s.Exclude, r) })
}

// EnabledRegions lists the regions the account of cfg's credentials can
// use: account:ListRegions with status ENABLED or ENABLED_BY_DEFAULT, or,
// when that is denied (the Account Management API needs its own
// permission), ec2:DescribeRegions, which lists only enabled regions.
// The result is sorted.
func EnabledRegions(ctx context.Context, cfg aws.Config) ([]string, error) {
	home := cfg.Region
	if home == "" {
		home = "us-east-1"
	}
	var regions []string
	client := account.NewFromConfig(cfg, func(o *account.Options) { o.Region = home })
	p := account.NewListRegionsPaginator(client, &account.ListRegionsInput{
		MaxResults:              aws.Int32(50),
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
	})
	var listErr error
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			listErr = err
			break
		}
		for _, r := range page.Regions {
			regions = append(regions, aws.ToString(r.RegionName))
		}
	}
	if listErr != nil {
		if ctx.Err() != nil {
			return nil, listErr
		}
		out, err := ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.Region = home }).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		if err != nil {
			return nil, fmt.Errorf("list enabled regions: account:ListRegions: %w; ec2:DescribeRegions: %w", listErr, err)
		}
		regions = regions[:0]
		for _, r := range out.Regions {
			regions = append(regions, aws.ToString(r.RegionName))
		}
	}
	slices.Sort(regions)
	return slices.Compact(regions), nil
}
