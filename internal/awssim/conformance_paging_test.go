package awssim

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// pager calls one page of a listing: its item count and next token.
type pager func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error)

// pagers are the paginated operations the simulator serves, keyed
// service:operation. A listing the model paginates with a limit key must be
// here: TestConformancePageLimits fails for one that is not.
var pagers = map[string]pager{
	"securityhub:GetEnabledStandards": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := securityhub.NewFromConfig(cfg).GetEnabledStandards(ctx, &securityhub.GetEnabledStandardsInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.StandardsSubscriptions), out.NextToken, nil
	},
	"securityhub:GetFindings": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := securityhub.NewFromConfig(cfg).GetFindings(ctx, &securityhub.GetFindingsInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Findings), out.NextToken, nil
	},
	"securityhub:ListFindingAggregators": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := securityhub.NewFromConfig(cfg).ListFindingAggregators(ctx, &securityhub.ListFindingAggregatorsInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.FindingAggregators), out.NextToken, nil
	},
	"securityhub:ListMembers": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := securityhub.NewFromConfig(cfg).ListMembers(ctx, &securityhub.ListMembersInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Members), out.NextToken, nil
	},
	"guardduty:ListDetectors": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := guardduty.NewFromConfig(cfg).ListDetectors(ctx, &guardduty.ListDetectorsInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.DetectorIds), out.NextToken, nil
	},
	"guardduty:ListFindings": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		id, err := firstDetector(ctx, cfg)
		if err != nil || id == nil {
			return 0, nil, errNothingToList
		}
		out, err := guardduty.NewFromConfig(cfg).ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: id, MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.FindingIds), out.NextToken, nil
	},
	"guardduty:ListMembers": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		id, err := firstDetector(ctx, cfg)
		if err != nil || id == nil {
			return 0, nil, errNothingToList
		}
		out, err := guardduty.NewFromConfig(cfg).ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: id, OnlyAssociated: aws.String("false"), MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Members), out.NextToken, nil
	},
	"account:ListRegions": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Regions), out.NextToken, nil
	},
	"ssm:DescribeInstanceInformation": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := ssm.NewFromConfig(cfg).DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.InstanceInformationList), out.NextToken, nil
	},
	"ssm:DescribeInstancePatchStates": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		sm := ssm.NewFromConfig(cfg)
		info, err := sm.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(50)})
		if err != nil {
			return 0, nil, err
		}
		var ids []string
		for _, n := range info.InstanceInformationList {
			ids = append(ids, aws.ToString(n.InstanceId))
		}
		if len(ids) == 0 {
			return 0, nil, errNothingToList
		}
		out, err := sm.DescribeInstancePatchStates(ctx, &ssm.DescribeInstancePatchStatesInput{InstanceIds: ids, MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.InstancePatchStates), out.NextToken, nil
	},
	"ssm:ListResourceDataSync": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := ssm.NewFromConfig(cfg).ListResourceDataSync(ctx, &ssm.ListResourceDataSyncInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.ResourceDataSyncItems), out.NextToken, nil
	},
	"ssm:ListNodes": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		sm := ssm.NewFromConfig(cfg)
		syncs, err := sm.ListResourceDataSync(ctx, &ssm.ListResourceDataSyncInput{})
		if err != nil {
			return 0, nil, err
		}
		var sync *string // the caller's own nodes, or the organization's through the sync
		if len(syncs.ResourceDataSyncItems) > 0 {
			sync = syncs.ResourceDataSyncItems[0].SyncName
		}
		out, err := sm.ListNodes(ctx, &ssm.ListNodesInput{SyncName: sync, MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Nodes), out.NextToken, nil
	},
	"ssm:ListNodesSummary": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := ssm.NewFromConfig(cfg).ListNodesSummary(ctx, &ssm.ListNodesSummaryInput{MaxResults: limit, NextToken: token,
			Aggregators: []ssmtypes.NodeAggregator{{AggregatorType: ssmtypes.NodeAggregatorTypeCount, TypeName: ssmtypes.NodeTypeNameInstance, AttributeName: ssmtypes.NodeAttributeNameAgentVersion}}})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Summary), out.NextToken, nil
	},
	"organizations:ListAccounts": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Accounts), out.NextToken, nil
	},
	"ec2:DescribeInstances": func(ctx context.Context, cfg aws.Config, limit *int32, token *string) (int, *string, error) {
		out, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: limit, NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		n := 0
		for _, r := range out.Reservations {
			n += len(r.Instances)
		}
		return n, out.NextToken, nil
	},
}

// errNothingToList skips a cell where the listing's parent (a detector, a
// managed node) does not exist.
var errNothingToList = errors.New("nothing to list here")

func firstDetector(ctx context.Context, cfg aws.Config) (*string, error) {
	out, err := guardduty.NewFromConfig(cfg).ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(out.DetectorIds) == 0 {
		return nil, err
	}
	return &out.DetectorIds[0], nil
}

// documentedLimits are page size ranges AWS documents where the model
// gives none: DescribeInstances MaxResults "You can specify a value between
// 5 and 1000" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html).
var documentedLimits = map[string][2]int{"ec2:DescribeInstances": {5, 1000}}

// TestConformancePageLimits holds every paginated listing the simulator
// serves to its model's page size range: MaxResults at the model's minimum
// and maximum is accepted and no page is larger than asked, one beyond
// either end is refused, and walking the pages by their token (the model's
// output and input token names) returns the same items at every page size.
func TestConformancePageLimits(t *testing.T) {
	conf := newConformance(t)
	w := Generate(GenerateOptions{Accounts: 4, Seed: 7, LargeAccountShare: 0.5})
	admin := w.Accounts[0].ID
	w.DelegatedAdmin = &DelegatedAdmin{SecurityHub: admin, GuardDuty: admin, FindingAggregator: &FindingAggregator{Region: w.Regions[0]}, SSM: admin, SSMSync: &SSMSync{}}
	s := startWorld(t, w)
	ctx := t.Context()
	rec := &recorder{}
	defer conf.report(t)

	for _, key := range servedOperations() {
		svc, op, _ := cutKey(key)
		m := conf.models[svc]
		p, paginated := m.Paginators[op]
		call := pagers[key]
		if !paginated || p.LimitKey == "" {
			continue
		}
		if call == nil {
			t.Errorf("%s is paginated by %s in the model but has no pager in this test", key, p.LimitKey)
			continue
		}
		lo, hi := 1, 0
		if sh := m.Shapes[m.MemberShape(m.Operations[op].Input.Shape, p.LimitKey)]; sh != nil && sh.Max != nil {
			hi = int(*sh.Max)
			if sh.Min != nil {
				lo = int(*sh.Min)
			}
		} else if r, ok := documentedLimits[key]; ok {
			lo, hi = r[0], r[1]
		} else {
			t.Errorf("%s: the model gives %s no range and none is documented here", key, p.LimitKey)
			continue
		}
		t.Run(key, func(t *testing.T) {
			defer conf.check(rec.take())
			for _, a := range w.Accounts {
				for _, region := range w.Regions {
					cfg := recordedConfig(s, rec, string(a.ID), region)
					checkPageLimits(ctx, t, cfg, call, lo, hi, string(a.ID)+"/"+region)
				}
			}
		})
	}
}

// checkPageLimits walks one listing in one account and region.
func checkPageLimits(ctx context.Context, t *testing.T, cfg aws.Config, call pager, lo, hi int, where string) {
	t.Helper()
	str := func(n int) *int32 { return aws.Int32(int32(n)) }
	walk := func(limit *int32, maxPages int) (total, pages int, complete bool, err error) {
		var token *string
		for pages < maxPages {
			n, next, err := call(ctx, cfg, limit, token)
			if err != nil {
				return total, pages, false, err
			}
			pages++
			total += n
			if limit != nil && n > int(*limit) {
				t.Errorf("%s: a page of %d items for MaxResults %d", where, n, *limit)
			}
			if n > hi {
				t.Errorf("%s: a page of %d items, the model's maximum is %d", where, n, hi)
			}
			if next == nil {
				return total, pages, true, nil
			}
			token = next
		}
		return total, pages, false, nil
	}
	all, _, complete, err := walk(nil, 1000)
	if err != nil {
		return // a cell without the service (not subscribed, no detector): its errors are validated elsewhere
	}
	if !complete {
		t.Errorf("%s: the default walk did not end within 1000 pages", where)
	}
	atMax, _, complete, err := walk(str(hi), 1000)
	if err != nil || !complete || atMax != all {
		t.Errorf("%s: MaxResults %d (the model's maximum): %d items, complete %t, error %v; the default walk has %d", where, hi, atMax, complete, err, all)
	}
	atMin, pages, complete, err := walk(str(lo), 5)
	if err != nil {
		t.Errorf("%s: MaxResults %d (the model's minimum): %v", where, lo, err)
	} else if complete && atMin != all || !complete && pages < 5 {
		t.Errorf("%s: MaxResults %d: %d items in %d pages, complete %t; the default walk has %d", where, lo, atMin, pages, complete, all)
	}
	if _, _, err := call(ctx, cfg, str(hi+1), nil); err == nil {
		t.Errorf("%s: MaxResults %d (beyond the model's maximum %d) was accepted", where, hi+1, hi)
	}
	if lo > 1 {
		if _, _, err := call(ctx, cfg, str(lo-1), nil); err == nil {
			t.Errorf("%s: MaxResults %d (below the model's minimum %d) was accepted", where, lo-1, lo)
		}
	}
}
