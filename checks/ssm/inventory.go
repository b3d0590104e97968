package ssm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/baseline-scanner/baseline/checks"
)

// SyncName is the resource data sync the Systems Manager unified console
// keeps for an organization in its delegated administrator's home region:
// the only one ListNodes reads across accounts and regions (SSM-41).
const SyncName = "AWS-QuickSetup-ManagedNode"

// DefaultSyncMaxAge is how old the sync's last successful run may be for
// its node inventory to be read (--ssm-sync-max-age). AWS documents no
// schedule for AWS-QuickSetup-ManagedNode; a day keeps a node launched into
// an otherwise empty region unseen for at most one daily scan (SSM-42).
const DefaultSyncMaxAge = 24 * time.Hour

// maxNodesPerCell decides whether listing the inventory is worth its calls
// (--collection auto): it saves the two reads (DescribeInstances and
// DescribeInstanceInformation) of every (account, region) without nodes,
// and costs one ListNodes call per 50 nodes. It is listed when the
// organization averages at most 5 nodes per cell in scope: then the
// listing costs at most a tenth of a call per cell, and pays off as soon
// as one cell in twenty is empty. A denser organization is read directly.
const maxNodesPerCell = 5

// nodesPerPage is ListNodes' largest page (MaxResults 1–50).
const nodesPerPage = 50

// InventoryAPI is exactly the calls the delegated administrator makes.
type InventoryAPI interface {
	ssm.ListResourceDataSyncAPIClient
	ssm.ListNodesAPIClient
	ssm.ListNodesSummaryAPIClient
}

// ErrNoSync is DiscoverInventory's answer for a caller without the
// AWS-QuickSetup-ManagedNode sync in its home region: it is not the Systems
// Manager delegated administrator, or the organization did not set up the
// unified console.
var ErrNoSync = errors.New("no " + SyncName + " resource data sync")

// syncFailedStates are the SyncSource.State values AWS documents, each a
// sync that cannot read the organization (ResourceDataSyncSourceWithState).
var syncFailedStates = []string{"OrganizationNotExists", "NoPermissions", "InvalidOrganizationalUnit", "TrustedAccessDisabled"}

// InventoryOptions are what DiscoverInventory reads the inventory for.
type InventoryOptions struct {
	Home     string   // the region the sync is looked for in
	Accounts []string // in scope
	Regions  []string // in scope; nil: every region the sync covers
	Now      time.Time
	MaxAge   time.Duration
}

// Inventory is the organization's node inventory as the delegated
// administrator's sync holds it: which (account, region) cells have nodes.
// ListNodes does not say what the scan judges (ping status, last ping,
// instance state, the Name tag: SSM-40), so a cell with nodes is still
// read directly; a covered cell without any is not read at all.
type Inventory struct {
	SyncedAt time.Time // LastSuccessfulSyncTime
	Nodes    int       // nodes listed
	Pages    int       // ListNodes calls made
	// unusable, when set, is why no cell is covered (the sync failed, is
	// stale, ...): every cell is read directly with a coverage gap.
	unusable  string
	listed    bool            // the nodes were listed
	regions   map[string]bool // the sync's source regions
	cells     map[[2]string]int
	withNodes map[string]bool // accounts the sync lists a node of

	mu      sync.Mutex
	gaps    map[checks.CoverageGap]bool
	skipped int
}

// DiscoverInventory reads the caller's AWS-QuickSetup-ManagedNode sync in
// o.Home (ListResourceDataSync) and, when it is usable and worth it, the
// nodes it holds in scope (ListNodes), after counting them
// (ListNodesSummary) to know whether listing them is worth it. A caller without the sync gets
// ErrNoSync, wrapped. A sync that failed, is stale or covers part of the
// organization gives an Inventory whose uncovered cells are gaps.
func DiscoverInventory(ctx context.Context, api InventoryAPI, o InventoryOptions) (*Inventory, error) {
	item, err := findSync(ctx, api, o.Home)
	if err != nil {
		return nil, err
	}
	inv := &Inventory{regions: map[string]bool{}, cells: map[[2]string]int{}, withNodes: map[string]bool{}, gaps: map[checks.CoverageGap]bool{}}
	if t := item.LastSuccessfulSyncTime; t != nil {
		inv.SyncedAt = t.UTC()
	}
	if inv.unusable = unusable(item, o.Now, o.MaxAge); inv.unusable != "" {
		return inv, nil
	}
	for _, r := range item.SyncSource.SourceRegions {
		if o.Regions == nil || slices.Contains(o.Regions, r) {
			inv.regions[r] = true
		}
	}
	covered := slices.Sorted(func(yield func(string) bool) {
		for r := range inv.regions {
			if !yield(r) {
				return
			}
		}
	})
	if len(covered) == 0 {
		return inv, nil
	}
	var filters []ssmtypes.NodeFilter
	if len(covered) <= 5 { // NodeFilterValueList holds at most 5 values
		filters = []ssmtypes.NodeFilter{{Key: ssmtypes.NodeFilterKeyRegion, Values: covered, Type: ssmtypes.NodeFilterOperatorTypeEqual}}
	}
	total, err := countNodes(ctx, api, filters)
	if err != nil {
		return nil, err
	}
	if cells := len(o.Accounts) * len(covered); total > maxNodesPerCell*cells {
		inv.Nodes = total
		return inv, nil
	}
	p := ssm.NewListNodesPaginator(api, &ssm.ListNodesInput{SyncName: aws.String(SyncName), Filters: filters, MaxResults: aws.Int32(nodesPerPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		inv.Pages++
		if err != nil {
			return nil, fmt.Errorf("list the organization's nodes (ssm:ListNodes, sync %s) in %s: %w", SyncName, o.Home, err)
		}
		for _, n := range page.Nodes {
			account, region := "", aws.ToString(n.Region)
			if n.Owner != nil {
				account = aws.ToString(n.Owner.AccountId)
			}
			inv.cells[[2]string{account, region}]++
			inv.withNodes[account] = true
			inv.Nodes++
		}
	}
	inv.listed = true
	return inv, nil
}

// findSync is the AWS-QuickSetup-ManagedNode sync among the caller's.
func findSync(ctx context.Context, api InventoryAPI, home string) (ssmtypes.ResourceDataSyncItem, error) {
	p := ssm.NewListResourceDataSyncPaginator(api, &ssm.ListResourceDataSyncInput{MaxResults: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return ssmtypes.ResourceDataSyncItem{}, fmt.Errorf("list resource data syncs (ssm:ListResourceDataSync) in %s: %w", home, err)
		}
		for _, it := range page.ResourceDataSyncItems {
			if aws.ToString(it.SyncName) == SyncName {
				return it, nil
			}
		}
	}
	return ssmtypes.ResourceDataSyncItem{}, fmt.Errorf("%w in %s (ssm:ListResourceDataSync)", ErrNoSync, home)
}

// unusable says why the sync's data cannot stand for the organization's
// nodes now; "" when it can (SSM-42).
func unusable(it ssmtypes.ResourceDataSyncItem, now time.Time, maxAge time.Duration) string {
	src := it.SyncSource
	switch {
	case src == nil:
		return "the sync has no source"
	case slices.Contains(syncFailedStates, aws.ToString(src.State)):
		return "the sync's state is " + aws.ToString(src.State)
	case aws.ToString(src.SourceType) != "AwsOrganizations" || src.AwsOrganizationsSource == nil:
		return fmt.Sprintf("the sync's source is %q, not the organization", aws.ToString(src.SourceType))
	case aws.ToString(src.AwsOrganizationsSource.OrganizationSourceType) != "EntireOrganization":
		return fmt.Sprintf("the sync covers %s, not the entire organization", aws.ToString(src.AwsOrganizationsSource.OrganizationSourceType))
	case it.LastStatus == ssmtypes.LastResourceDataSyncStatusFailed:
		return "the sync's last run failed: " + aws.ToString(it.LastSyncStatusMessage)
	case it.LastStatus != ssmtypes.LastResourceDataSyncStatusSuccessful && it.LastStatus != ssmtypes.LastResourceDataSyncStatusInprogress:
		return fmt.Sprintf("the sync's last status is %q", it.LastStatus)
	case it.LastSuccessfulSyncTime == nil:
		return "the sync never succeeded"
	}
	if age := now.Sub(*it.LastSuccessfulSyncTime); age > maxAge {
		return fmt.Sprintf("the sync is stale: it last succeeded %s ago, more than %s", age.Round(time.Minute), maxAge)
	}
	return ""
}

// countNodes is how many nodes the sync holds in scope, from one
// ListNodesSummary grouped by region. AWS does not name the count's key in
// a NodeSummary (SSM-43): it is the row's one value that is not the
// region, and a row without exactly one such integer is an error.
func countNodes(ctx context.Context, api InventoryAPI, filters []ssmtypes.NodeFilter) (int, error) {
	total := 0
	p := ssm.NewListNodesSummaryPaginator(api, &ssm.ListNodesSummaryInput{
		SyncName: aws.String(SyncName), Filters: filters, MaxResults: aws.Int32(50),
		Aggregators: []ssmtypes.NodeAggregator{{AggregatorType: ssmtypes.NodeAggregatorTypeCount, TypeName: ssmtypes.NodeTypeNameInstance, AttributeName: ssmtypes.NodeAttributeNameRegion}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("count the organization's nodes (ssm:ListNodesSummary, sync %s): %w", SyncName, err)
		}
		for _, row := range page.Summary {
			n, found := 0, 0
			for k, v := range row {
				if k == string(ssmtypes.NodeAttributeNameRegion) {
					continue
				}
				c, err := strconv.Atoi(v)
				if err != nil || c < 0 {
					return 0, fmt.Errorf("ssm:ListNodesSummary: a node summary's %s is %q, not a count", k, v)
				}
				n, found = c, found+1
			}
			if found != 1 {
				return 0, fmt.Errorf("ssm:ListNodesSummary: a node summary has %d values besides the region, want one count", found)
			}
			total += n
		}
	}
	return total, nil
}

// Used reports whether the inventory stands for any cell: the sync is
// usable and its nodes were listed.
func (inv *Inventory) Used() bool { return inv != nil && inv.unusable == "" && inv.listed }

// Describe is the inventory's status line.
func (inv *Inventory) Describe(home string, now time.Time) string {
	synced := "never"
	if !inv.SyncedAt.IsZero() {
		synced = now.Sub(inv.SyncedAt).Round(time.Minute).String() + " ago"
	}
	switch {
	case inv.unusable != "":
		return fmt.Sprintf("ssm: %s in %s is not used: %s; every account and region is read directly and shown as a coverage gap", SyncName, home, inv.unusable)
	case !inv.listed:
		return fmt.Sprintf("ssm: %s in %s (last synced %s) holds %d nodes, more than %d per account and region: listing them would cost more calls than the regions without nodes save; collecting each account directly", SyncName, home, synced, inv.Nodes, maxNodesPerCell)
	}
	return fmt.Sprintf("ssm: node inventory %s in %s (last synced %s): %d nodes in %d ListNodes calls; regions without nodes are not read, regions with nodes are read directly (ListNodes has no ping status or instance state)", SyncName, home, synced, inv.Nodes, inv.Pages)
}

// skip reports whether (account, region) is a covered cell without nodes,
// whose facts are known to be empty; false means it is read directly, and
// a cell the inventory does not cover is recorded as a coverage gap.
func (inv *Inventory) skip(account, region string) bool {
	var reason string
	switch {
	case inv.unusable != "":
		reason = inv.unusable
	case !inv.listed:
		return false // not a gap: the inventory was not worth reading
	case !inv.regions[region]:
		reason = "region not in the sync's source regions"
	case !inv.withNodes[account]:
		reason = "the sync lists no node of the account: its data is not shown to be synced"
	case inv.cells[[2]string{account, region}] > 0:
		return false
	default:
		inv.mu.Lock()
		inv.skipped++
		inv.mu.Unlock()
		return true
	}
	inv.mu.Lock()
	inv.gaps[checks.CoverageGap{AccountID: account, Region: region, Service: "ssm", Reason: reason}] = true
	inv.mu.Unlock()
	return false
}

// Skipped is how many cells were not read because the inventory shows
// them without nodes.
func (inv *Inventory) Skipped() int {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.skipped
}

// Gaps are the cells read directly because the inventory did not cover
// them, sorted.
func (inv *Inventory) Gaps() []checks.CoverageGap {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	out := make([]checks.CoverageGap, 0, len(inv.gaps))
	for g := range inv.gaps {
		out = append(out, g)
	}
	slices.SortFunc(out, func(x, y checks.CoverageGap) int {
		return strings.Compare(x.AccountID+"/"+x.Region, y.AccountID+"/"+y.Region)
	})
	return out
}

// inventoried collects through the inventory: no call for a covered cell
// without nodes, the direct reads for every other.
type inventoried struct{ inv *Inventory }

// NewInventoried returns the collector that reads through inv.
func NewInventoried(inv *Inventory) checks.Collector { return inventoried{inv} }

// Service implements checks.Collector.
func (inventoried) Service() string { return "ssm" }

// Regional implements checks.Collector.
func (inventoried) Regional() bool { return true }

// Collect implements checks.Collector.
func (c inventoried) Collect(ctx context.Context, t checks.Target) checks.AccountFacts {
	part := checks.AccountFacts{SSM: map[string]*checks.SSMRegion{}}
	for _, region := range t.Regions {
		if c.inv.skip(t.AccountID, region) {
			part.SSM[region] = &checks.SSMRegion{Instances: []checks.EC2Instance{}, ManagedNodes: []checks.ManagedNode{}, PatchStates: []checks.PatchState{}}
			continue
		}
		ec2Client, ssmClient := clients(t, region)
		facts, errs := CollectRegion(ctx, ec2Client, ssmClient, t.AccountID, region)
		part.SSM[region] = facts
		part.Errors = append(part.Errors, errs...)
	}
	return part
}
