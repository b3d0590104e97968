package awssim

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

var ssmOps = map[string]handler{
	"DescribeInstanceInformation": describeInstanceInformation,
	"DescribeInstancePatchStates": describeInstancePatchStates,
}

func ssmValidation(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "ValidationException", "1 validation error detected: "+format, args...)
}

// ssmMaxResults checks MaxResults against the operation's range.
func ssmMaxResults(v *int, def, lo, hi int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo {
		return 0, ssmValidation("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to %d", *v, lo)
	}
	if *v > hi {
		return 0, ssmValidation("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", *v, hi)
	}
	return *v, nil
}

var ssmBadToken = errorf(http.StatusBadRequest, "InvalidNextToken", "The specified token is not valid.")

func describeInstanceInformation(c *call) (any, error) {
	type filter struct {
		Key    string
		Values []string
	}
	type legacyFilter struct {
		Key      string   `json:"key"`
		ValueSet []string `json:"valueSet"`
	}
	var in struct {
		Filters                       []filter
		InstanceInformationFilterList []legacyFilter
		MaxResults                    *int
		NextToken                     string
	}
	if err := decodeJSON(c, &in, "ValidationException"); err != nil {
		return nil, err
	}
	size, err := ssmMaxResults(in.MaxResults, 10, 5, 50)
	if err != nil {
		return nil, err
	}
	if len(in.Filters) > 0 && len(in.InstanceInformationFilterList) > 0 {
		return nil, errorf(http.StatusBadRequest, "InvalidFilterKey", "Filters and InstanceInformationFilterList cannot be used together.")
	}
	for _, f := range in.InstanceInformationFilterList {
		in.Filters = append(in.Filters, filter{Key: f.Key, Values: f.ValueSet})
	}
	// AWS does not return nodes whose EC2 instance is stopped or terminated
	// (DescribeInstanceInformation API reference), so neither does awssim.
	gone := map[string]bool{}
	if ec := c.regionState().EC2; ec != nil {
		for _, in := range ec.Instances {
			gone[in.ID] = in.State == "stopped" || in.State == "terminated"
		}
	}
	var nodes []*ManagedNode
	if sm := c.regionState().SSM; sm != nil {
		for i := range sm.ManagedNodes {
			if !gone[sm.ManagedNodes[i].ID] {
				nodes = append(nodes, &sm.ManagedNodes[i])
			}
		}
	}
	for _, f := range in.Filters {
		var field func(n *ManagedNode) string
		switch strings.ToLower(f.Key) {
		case "instanceids":
			field = func(n *ManagedNode) string { return n.ID }
		case "pingstatus":
			field = func(n *ManagedNode) string { return n.PingStatus }
		case "resourcetype":
			field = func(n *ManagedNode) string { return n.ResourceType }
		case "platformtypes":
			field = func(n *ManagedNode) string { return n.PlatformType }
		case "agentversion":
			field = func(n *ManagedNode) string { return n.AgentVersion }
		default:
			return nil, errorf(http.StatusBadRequest, "InvalidFilterKey", "awssim: filter key %q is not simulated", f.Key)
		}
		nodes = slices.DeleteFunc(nodes, func(n *ManagedNode) bool { return !slices.Contains(f.Values, field(n)) })
	}
	p, err := paginate(c, len(nodes), size, in.NextToken, ssmBadToken)
	if err != nil {
		return nil, err
	}
	list := []map[string]any{}
	for _, n := range nodes[p.start:p.end] {
		list = append(list, c.instanceInformation(n))
	}
	return struct {
		InstanceInformationList []map[string]any
		NextToken               *string `json:",omitempty"`
	}{list, ptr(p.next)}, nil
}

func (c *call) instanceInformation(n *ManagedNode) map[string]any {
	lastPing := c.srv.resolveOr(n.LastPing, c.srv.now.Add(-3*time.Minute))
	latest := n.LatestVersion == nil || *n.LatestVersion
	out := map[string]any{
		"InstanceId":                   n.ID,
		"PingStatus":                   n.PingStatus,
		"LastPingDateTime":             *epoch(lastPing),
		"AgentVersion":                 n.AgentVersion,
		"IsLatestVersion":              latest,
		"PlatformType":                 n.PlatformType,
		"ResourceType":                 n.ResourceType,
		"AssociationStatus":            "Success",
		"LastAssociationExecutionDate": *epoch(lastPing.Add(-30 * time.Minute)),
	}
	for k, v := range map[string]string{
		"PlatformName": n.PlatformName, "PlatformVersion": n.PlatformVersion,
		"ComputerName": n.ComputerName, "IPAddress": n.IPAddress,
	} {
		if v != "" {
			out[k] = v
		}
	}
	if n.ResourceType == "ManagedInstance" {
		out["SourceType"] = "AWS::SSM::ManagedInstance"
		out["Name"] = n.ComputerName
		out["ActivationId"] = uuidFrom("activation", string(c.account.ID), c.region)
		out["RegistrationDate"] = *epoch(c.srv.now.AddDate(0, -6, 0))
	} else {
		out["SourceType"] = "AWS::EC2::Instance"
	}
	out["SourceId"] = n.ID
	return out
}

func describeInstancePatchStates(c *call) (any, error) {
	var in struct {
		InstanceIds []string
		MaxResults  *int
		NextToken   string
	}
	if err := decodeJSON(c, &in, "ValidationException"); err != nil {
		return nil, err
	}
	if len(in.InstanceIds) > 50 {
		return nil, ssmValidation("Value '%v' at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50", in.InstanceIds)
	}
	size, err := ssmMaxResults(in.MaxResults, 10, 10, 100)
	if err != nil {
		return nil, err
	}
	var found []*ManagedNode
	if sm := c.regionState().SSM; sm != nil {
		for _, id := range in.InstanceIds {
			for i := range sm.ManagedNodes {
				if n := &sm.ManagedNodes[i]; n.ID == id && n.Patch != nil {
					found = append(found, n)
				}
			}
		}
	}
	p, err := paginate(c, len(found), size, in.NextToken, ssmBadToken)
	if err != nil {
		return nil, err
	}
	states := []map[string]any{}
	for _, n := range found[p.start:p.end] {
		ps := n.Patch
		start := c.srv.resolveOr(ps.OperationStart, c.srv.now.Add(-24*time.Hour))
		end := c.srv.resolveOr(ps.OperationEnd, start.Add(4*time.Minute))
		state := map[string]any{
			"InstanceId":                   n.ID,
			"PatchGroup":                   ps.PatchGroup,
			"BaselineId":                   ps.BaselineID,
			"InstalledCount":               ps.Installed,
			"InstalledOtherCount":          ps.InstalledOther,
			"InstalledPendingRebootCount":  ps.InstalledPendingReboot,
			"InstalledRejectedCount":       ps.InstalledRejected,
			"MissingCount":                 ps.Missing,
			"FailedCount":                  ps.Failed,
			"NotApplicableCount":           ps.NotApplicable,
			"UnreportedNotApplicableCount": 0,
			"CriticalNonCompliantCount":    ps.CriticalNonCompliant,
			"SecurityNonCompliantCount":    ps.SecurityNonCompliant,
			"OtherNonCompliantCount":       ps.OtherNonCompliant,
			"Operation":                    ps.Operation,
			"OperationStartTime":           *epoch(start),
			"OperationEndTime":             *epoch(end),
			"RebootOption":                 "RebootIfNeeded",
		}
		// AvailableSecurityUpdateCount "applies to Windows Server managed
		// nodes only" (InstancePatchState in the SSM API reference).
		if n.PlatformType == "Windows" {
			state["AvailableSecurityUpdateCount"] = ps.AvailableSecurityUpdate
		}
		states = append(states, state)
	}
	return struct {
		InstancePatchStates []map[string]any
		NextToken           *string `json:",omitempty"`
	}{states, ptr(p.next)}, nil
}
