package awssim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SSMSyncName is the resource data sync the Systems Manager unified console
// creates for an organization, and the only one ListNodes accepts for
// cross-account and cross-Region reads (ListNodesRequest.SyncName, SSM-41).
const SSMSyncName = "AWS-QuickSetup-ManagedNode"

// SSMSync is the Systems Manager delegated administrator's
// AWS-QuickSetup-ManagedNode resource data sync: what ListResourceDataSync
// says about it, and which accounts and regions ListNodes answers for.
type SSMSync struct {
	// Region is where the sync lives (the administrator's home region);
	// default the world's first region.
	Region string `yaml:"region" json:"region,omitempty"`
	// Status is its LastStatus: Successful (default), Failed or InProgress.
	Status string `yaml:"status" json:"status,omitempty"`
	// LastSuccess is its LastSuccessfulSyncTime (default 1h ago); "never"
	// leaves it out (the sync never succeeded).
	LastSuccess Time `yaml:"last_success" json:"last_success,omitempty"`
	// Regions are its SourceRegions; default the world's regions.
	Regions []string `yaml:"regions" json:"regions,omitempty"`
	// State is SyncSource.State (OrganizationNotExists, NoPermissions,
	// InvalidOrganizationalUnit, TrustedAccessDisabled); empty leaves it out.
	State string `yaml:"state" json:"state,omitempty"`
	// NotSynced are accounts whose nodes the sync does not hold (their
	// Quick Setup deployment failed, or they joined after the last sync):
	// ListNodes lists none of their nodes.
	NotSynced []AccountID `yaml:"not_synced" json:"not_synced,omitempty"`
}

var ssmSyncStatuses = []string{"Successful", "Failed", "InProgress"}

func init() {
	ssmOps["ListNodes"] = listNodes
	ssmOps["ListNodesSummary"] = listNodesSummary
	ssmOps["ListResourceDataSync"] = listResourceDataSync
}

func (v *validator) ssmSync(dp path, da *DelegatedAdmin) {
	sy := da.SSMSync
	if sy == nil {
		return
	}
	sp := dp.key("ssm_sync")
	if da.SSM == "" {
		v.fail(sp, "a resource data sync needs an ssm administrator")
	}
	if sy.Region != "" && !slices.Contains(knownRegions, sy.Region) {
		v.fail(sp.key("region"), "unknown region %q", sy.Region)
	}
	v.enum(sp.key("status"), sy.Status, ssmSyncStatuses)
	if sy.LastSuccess != "never" {
		v.time(sp.key("last_success"), sy.LastSuccess)
	}
	for i, r := range sy.Regions {
		if !slices.Contains(knownRegions, r) {
			v.fail(sp.key("regions").idx(i), "unknown region %q", r)
		}
	}
}

// ssmSync is the caller's AWS-QuickSetup-ManagedNode sync in the call's
// region: only the delegated administrator has it, in its home region
// ("Resource data syncs created by a delegated administrator are only
// available in the delegated administrator account").
func (c *call) ssmSync() *SSMSync {
	da := c.srv.world.DelegatedAdmin
	if da == nil || da.SSMSync == nil || c.account == nil || da.SSM != c.account.ID {
		return nil
	}
	region := da.SSMSync.Region
	if region == "" && len(c.srv.world.Regions) > 0 {
		region = c.srv.world.Regions[0]
	}
	if region != c.region {
		return nil
	}
	return da.SSMSync
}

func (c *call) ssmSyncTimes(sy *SSMSync) (lastSync, lastSuccess time.Time) {
	lastSync = c.srv.now.Add(-30 * time.Minute)
	if sy.LastSuccess == "never" {
		return lastSync, time.Time{}
	}
	lastSuccess = c.srv.resolveOr(sy.LastSuccess, c.srv.now.Add(-time.Hour))
	if sy.Status == "" || sy.Status == "Successful" {
		lastSync = lastSuccess
	}
	return lastSync, lastSuccess
}

func (c *call) ssmSyncRegions(sy *SSMSync) []string {
	if len(sy.Regions) > 0 {
		return slices.Sorted(slices.Values(sy.Regions))
	}
	var out []string
	for r := range c.srv.enabled {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

func listResourceDataSync(c *call) (any, error) {
	var in struct {
		SyncType   string
		MaxResults *int
		NextToken  string
	}
	if err := decodeJSON(c, &in, "ValidationException"); err != nil {
		return nil, err
	}
	size, err := ssmMaxResults(in.MaxResults, 50, 1, 50)
	if err != nil {
		return nil, err
	}
	var items []map[string]any
	if sy := c.ssmSync(); sy != nil && (in.SyncType == "" || in.SyncType == "SyncFromSource") {
		lastSync, lastSuccess := c.ssmSyncTimes(sy)
		status := sy.Status
		if status == "" {
			status = "Successful"
		}
		source := map[string]any{
			"SourceType":             "AwsOrganizations",
			"AwsOrganizationsSource": map[string]any{"OrganizationSourceType": "EntireOrganization"},
			"SourceRegions":          c.ssmSyncRegions(sy),
			"IncludeFutureRegions":   false,
		}
		if sy.State != "" {
			source["State"] = sy.State
		}
		item := map[string]any{
			"SyncName":             SSMSyncName,
			"SyncType":             "SyncFromSource",
			"SyncSource":           source,
			"LastSyncTime":         *epoch(lastSync),
			"LastStatus":           status,
			"SyncCreatedTime":      *epoch(c.srv.now.AddDate(0, -3, 0)),
			"SyncLastModifiedTime": *epoch(c.srv.now.AddDate(0, -3, 0)),
		}
		if !lastSuccess.IsZero() {
			item["LastSuccessfulSyncTime"] = *epoch(lastSuccess)
		}
		if status == "Failed" {
			item["LastSyncStatusMessage"] = "The sync failed for one or more accounts or Regions."
		}
		items = append(items, item)
	}
	p, err := paginate(c, len(items), size, in.NextToken, ssmBadToken)
	if err != nil {
		return nil, err
	}
	return struct {
		ResourceDataSyncItems []map[string]any
		NextToken             *string `json:",omitempty"`
	}{append([]map[string]any{}, items[p.start:p.end]...), ptr(p.next)}, nil
}

// ssmNode is one node ListNodes lists: a managed node, or an EC2 instance
// that is not one.
type ssmNode struct {
	account, region string
	id              string
	managed         *ManagedNode
	instance        *Instance
}

// nodeFilter is a ListNodes / ListNodesSummary filter (NodeFilter).
type nodeFilter struct {
	Key    string
	Values []string
	Type   string
}

func listNodes(c *call) (any, error) {
	var in struct {
		SyncName   string
		Filters    []nodeFilter
		MaxResults *int
		NextToken  string
	}
	if err := decodeJSON(c, &in, "ValidationException"); err != nil {
		return nil, err
	}
	size, err := ssmMaxResults(in.MaxResults, 50, 1, 50)
	if err != nil {
		return nil, err
	}
	nodes, capture, err := c.selectNodes(in.SyncName, in.Filters)
	if err != nil {
		return nil, err
	}
	p, err := paginate(c, len(nodes), size, in.NextToken, ssmBadToken)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, n := range nodes[p.start:p.end] {
		out = append(out, n.wire(capture))
	}
	return struct {
		Nodes     []map[string]any
		NextToken *string `json:",omitempty"`
	}{out, ptr(p.next)}, nil
}

// nodeAttributes are the NodeAttributeName values ListNodesSummary groups by.
var nodeAttributes = map[string]func(n ssmNode) string{
	"Region":          func(n ssmNode) string { return n.region },
	"ResourceType":    func(n ssmNode) string { return n.info()["ResourceType"] },
	"PlatformType":    func(n ssmNode) string { return n.info()["PlatformType"] },
	"PlatformName":    func(n ssmNode) string { return n.info()["PlatformName"] },
	"PlatformVersion": func(n ssmNode) string { return n.info()["PlatformVersion"] },
	"AgentVersion":    func(n ssmNode) string { return n.info()["AgentVersion"] },
}

// listNodesSummary counts the nodes ListNodes would list, grouped by one
// aggregator's attribute (and a nested one's). Each row is a NodeSummary
// map: the attribute values, and the count under "Count" (AWS does not
// document the count's key: SSM-43; the collector only sums it to decide
// whether listing the nodes is worth its calls).
func listNodesSummary(c *call) (any, error) {
	type aggregator struct {
		AggregatorType string
		TypeName       string
		AttributeName  string
		Aggregators    []aggregator
	}
	var in struct {
		SyncName    string
		Filters     []nodeFilter
		Aggregators []aggregator
		MaxResults  *int
		NextToken   string
	}
	if err := decodeJSON(c, &in, "ValidationException"); err != nil {
		return nil, err
	}
	size, err := ssmMaxResults(in.MaxResults, 50, 1, 50)
	if err != nil {
		return nil, err
	}
	if len(in.Aggregators) != 1 || len(in.Aggregators[0].Aggregators) > 1 {
		return nil, errorf(http.StatusBadRequest, "InvalidAggregatorException", "awssim: exactly one aggregator, with at most one nested aggregator, is simulated")
	}
	var attrs []string
	for a := &in.Aggregators[0]; a != nil; {
		if a.AggregatorType != "Count" || a.TypeName != "Instance" || nodeAttributes[a.AttributeName] == nil {
			return nil, errorf(http.StatusBadRequest, "InvalidAggregatorException", "The aggregator %s %s %s isn't valid.", a.AggregatorType, a.TypeName, a.AttributeName)
		}
		attrs = append(attrs, a.AttributeName)
		if len(a.Aggregators) == 0 {
			break
		}
		a = &a.Aggregators[0]
	}
	nodes, _, err := c.selectNodes(in.SyncName, in.Filters)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	var keys []string
	for _, n := range nodes {
		var vals []string
		for _, a := range attrs {
			vals = append(vals, nodeAttributes[a](n))
		}
		k := strings.Join(vals, "\x00")
		if counts[k] == 0 {
			keys = append(keys, k)
		}
		counts[k]++
	}
	slices.Sort(keys)
	p, err := paginate(c, len(keys), size, in.NextToken, ssmBadToken)
	if err != nil {
		return nil, err
	}
	rows := []map[string]string{}
	for _, k := range keys[p.start:p.end] {
		row := map[string]string{"Count": strconv.Itoa(counts[k])}
		for i, v := range strings.Split(k, "\x00") {
			if v != "" {
				row[attrs[i]] = v
			}
		}
		rows = append(rows, row)
	}
	return struct {
		Summary   []map[string]string
		NextToken *string `json:",omitempty"`
	}{rows, ptr(p.next)}, nil
}

// selectNodes are the nodes a ListNodes or ListNodesSummary call reads:
// without a sync name the caller's own in the call's region; with
// AWS-QuickSetup-ManagedNode, the caller's sync's (the delegated
// administrator's, in its home region) across the organization; filtered.
func (c *call) selectNodes(syncName string, filters []nodeFilter) ([]ssmNode, time.Time, error) {
	if len(filters) > 5 {
		return nil, time.Time{}, ssmValidation("Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 5")
	}
	var nodes []ssmNode
	var capture time.Time
	switch {
	case syncName == "":
		capture = c.srv.now
		nodes = c.srv.ssmNodesOf(string(c.account.ID), c.region, c.regionState())
	default:
		sy := c.ssmSync()
		if sy == nil || syncName != SSMSyncName {
			return nil, time.Time{}, errorf(http.StatusBadRequest, "ResourceDataSyncNotFoundException", "The specified sync name %s wasn't found.", syncName)
		}
		_, capture = c.ssmSyncTimes(sy)
		if capture.IsZero() {
			capture = c.srv.now
		}
		regions := c.ssmSyncRegions(sy)
		for _, a := range c.srv.world.Accounts {
			if a.Status != "" && a.Status != "ACTIVE" || slices.Contains(sy.NotSynced, a.ID) {
				continue
			}
			for _, r := range regions {
				if c.srv.enabled[r] {
					nodes = append(nodes, c.srv.ssmNodesOf(string(a.ID), r, c.srv.accounts[string(a.ID)].Regions[r])...)
				}
			}
		}
	}
	for _, f := range filters {
		if len(f.Values) == 0 || len(f.Values) > 5 {
			return nil, time.Time{}, ssmValidation("Value at 'filters.member.values' failed to satisfy constraint: Member must have length between 1 and 5")
		}
		var field func(n ssmNode) string
		switch f.Key {
		case "AccountId":
			field = func(n ssmNode) string { return n.account }
		case "Region":
			field = func(n ssmNode) string { return n.region }
		case "InstanceId":
			field = func(n ssmNode) string { return n.id }
		case "ManagedStatus":
			field = func(n ssmNode) string { return n.info()["ManagedStatus"] }
		default:
			return nil, time.Time{}, errorf(http.StatusBadRequest, "InvalidFilter", "awssim: filter key %q is not simulated", f.Key)
		}
		var match func(v string) bool
		switch f.Type {
		case "", "Equal":
			match = func(v string) bool { return slices.Contains(f.Values, v) }
		case "NotEqual":
			match = func(v string) bool { return !slices.Contains(f.Values, v) }
		case "BeginWith":
			match = func(v string) bool {
				return slices.ContainsFunc(f.Values, func(p string) bool { return strings.HasPrefix(v, p) })
			}
		default:
			return nil, time.Time{}, errorf(http.StatusBadRequest, "InvalidFilter", "The filter type %s isn't valid.", f.Type)
		}
		nodes = slices.DeleteFunc(nodes, func(n ssmNode) bool { return !match(field(n)) })
	}
	return nodes, capture, nil
}

// ssmNodesOf are one account and region's nodes as ListNodes lists them:
// its managed nodes, except those whose EC2 instance is terminated, and
// its EC2 instances that are not managed nodes (running or stopped; not
// terminated).
func (s *Server) ssmNodesOf(account, region string, st *RegionState) []ssmNode {
	if st == nil {
		return nil
	}
	var out []ssmNode
	state := map[string]string{}
	if st.EC2 != nil {
		for _, in := range st.EC2.Instances {
			state[in.ID] = in.State
		}
	}
	managed := map[string]bool{}
	if st.SSM != nil {
		for i := range st.SSM.ManagedNodes {
			n := &st.SSM.ManagedNodes[i]
			managed[n.ID] = true
			if state[n.ID] != "terminated" {
				out = append(out, ssmNode{account: account, region: region, id: n.ID, managed: n})
			}
		}
	}
	if st.EC2 != nil {
		for i := range st.EC2.Instances {
			in := &st.EC2.Instances[i]
			if !managed[in.ID] && (in.State == "running" || in.State == "stopped") {
				out = append(out, ssmNode{account: account, region: region, id: in.ID, instance: in})
			}
		}
	}
	return out
}

// info is the node's InstanceInfo. InstanceStatus, whose values AWS does
// not document (SSM-40), is "Active" for managed nodes, as in AWS's
// ListNodes example, and left out for the others.
func (n ssmNode) info() map[string]string {
	info := map[string]string{}
	if m := n.managed; m != nil {
		info["ManagedStatus"] = "Managed"
		info["AgentType"] = "amazon-ssm-agent"
		info["InstanceStatus"] = "Active"
		for k, v := range map[string]string{
			"AgentVersion": m.AgentVersion, "ComputerName": m.ComputerName, "IpAddress": m.IPAddress,
			"PlatformType": m.PlatformType, "PlatformName": m.PlatformName, "PlatformVersion": m.PlatformVersion,
			"ResourceType": m.ResourceType,
		} {
			if v != "" {
				info[k] = v
			}
		}
		return info
	}
	info["ManagedStatus"] = "Unmanaged"
	info["ResourceType"] = "EC2Instance"
	return info
}

// wire is the node as ListNodes returns it (Node; NodeType is a union
// with one member, Instance).
func (n ssmNode) wire(capture time.Time) map[string]any {
	return map[string]any{
		"CaptureTime": *epoch(capture),
		"Id":          n.id,
		"Owner":       map[string]any{"AccountId": n.account},
		"Region":      n.region,
		"NodeType":    map[string]any{"Instance": n.info()},
	}
}
