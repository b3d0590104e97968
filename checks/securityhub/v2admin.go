package securityhub

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/baseline-scanner/baseline/checks"
)

// The delegated administrator reads its members' exposure findings in one
// GetFindingsV2 stream per region and 20 accounts, with the organization
// scope (SH-63): a caller that is not the new Security Hub's delegated
// administrator is refused the scope with AccessDeniedException, where an
// unscoped call would quietly return only its own findings. A refused
// region is read per account, as direct collection does, and its cells are
// coverage gaps, as are the regions where the administrator itself has no
// new Security Hub. Only accounts listed from the organization use the
// stream (an invited member from elsewhere is not in its scope). Whether
// each account has the new Security Hub stays a per-account
// DescribeSecurityHubV2: only enabled cells read exposures.

// v2Stream is one chunk's exposure findings in one region, read once.
type v2Stream struct {
	once   sync.Once
	cells  map[[2]string][]checks.ExposureFinding
	err    error
	denied bool // the organization scope was refused: read per account
}

// ReadExposuresAsAdministrator makes the aggregation read its members'
// exposure findings with GetFindingsV2 scoped to the organization orgID
// (organizations:DescribeOrganization). Without it, exposure findings are
// read per account.
func (a *Aggregation) ReadExposuresAsAdministrator(orgID string) { a.orgID = orgID }

// exposures returns (account, region)'s exposure findings from the
// administrator's stream; covered is false when the stream does not hold
// the cell, which is then read per account (a coverage gap but for a
// non-member, already one for the CSPM findings).
func (a *Aggregation) exposures(ctx context.Context, account, region string) (findings []checks.ExposureFinding, covered bool, err error) {
	if a.orgID == "" || !a.members[account] {
		return nil, false, nil
	}
	ar := a.region(ctx, region)
	ch := ar.chunks[account]
	if ar.err != nil || ch == nil {
		return nil, false, nil // a gap of the CSPM findings too
	}
	// What GetFindingsV2 answers a caller without the new Security Hub is
	// not documented (SH-48): the administrator's own DescribeSecurityHubV2
	// decides, once per region, whether its stream is read at all.
	ar.v2Once.Do(func() {
		_, err := a.clientFor(region).DescribeSecurityHubV2(ctx, &securityhub.DescribeSecurityHubV2Input{})
		switch {
		case checks.ErrorCode(err) == "ResourceNotFoundException":
			ar.v2Unusable = "the administrator has no new Security Hub in " + region + ": exposure findings read per account"
		case err != nil:
			ar.v2Unusable = "the administrator's DescribeSecurityHubV2 in " + region + " failed (" + checks.ErrorCode(err) + "): exposure findings read per account"
		}
	})
	if ar.v2Unusable != "" {
		a.gap(account, region, ar.v2Unusable)
		return nil, false, nil
	}
	s := a.v2stream(ch, region)
	s.once.Do(func() { s.cells, s.denied, s.err = a.readV2(ctx, ch.accounts, region) })
	switch {
	case s.denied:
		a.gap(account, region, "the organization scope of GetFindingsV2 was refused in "+region+" (AccessDeniedException): exposure findings read per account")
		return nil, false, nil
	case s.err != nil:
		return nil, true, s.err
	}
	return append([]checks.ExposureFinding{}, s.cells[[2]string{account, region}]...), true, nil
}

func (a *Aggregation) v2stream(ch *chunk, region string) *v2Stream {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.v2 == nil {
		a.v2 = map[v2Key]*v2Stream{}
	}
	k := v2Key{ch, region}
	s := a.v2[k]
	if s == nil {
		s = &v2Stream{}
		a.v2[k] = s
	}
	return s
}

type v2Key struct {
	ch     *chunk
	region string
}

// readV2 reads accounts' exposure findings in region from the
// administrator, scoped to the organization.
func (a *Aggregation) readV2(ctx context.Context, accounts []string, region string) (map[[2]string][]checks.ExposureFinding, bool, error) {
	in := &securityhub.GetFindingsV2Input{
		Filters: ExposureFilters(accounts, region),
		Scopes:  &types.FindingScopes{AwsOrganizations: []types.AwsOrganizationScope{{OrganizationId: aws.String(a.orgID)}}},
	}
	cells, err := readExposures(ctx, a.clientFor(region), in)
	if err != nil {
		if checks.ErrorCode(err) == "AccessDeniedException" {
			return nil, true, nil
		}
		return nil, false, fmt.Errorf("from administrator %s in %s, organization %s: %w", a.Admin, region, a.orgID, err)
	}
	return cells, false, nil
}

// gap records that (account, region)'s exposure findings were read
// directly for reason; Gaps reports it unless the cell is a gap of the
// CSPM findings already.
func (a *Aggregation) gap(account, region, reason string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.v2gaps == nil {
		a.v2gaps = map[[2]string]string{}
	}
	a.v2gaps[[2]string{account, region}] = reason
}
