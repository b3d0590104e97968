package awssim

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// hub returns the region's Security Hub, or Security Hub's answer for an
// account that is not subscribed.
func hub(c *call) (*SecurityHubState, error) {
	sh := c.regionState().SecurityHub
	if sh == nil || !sh.Enabled {
		return nil, errorf(http.StatusUnauthorized, "InvalidAccessException",
			"Account %s is not subscribed to AWS Security Hub", c.account.ID)
	}
	return sh, nil
}

func shInvalidInput(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "InvalidInputException", format, args...)
}

func describeHub(c *call) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	subscribed := c.srv.resolveOr(sh.SubscribedAt, c.srv.now.AddDate(-1, 0, 0))
	return map[string]any{
		"HubArn":                  fmt.Sprintf("arn:aws:securityhub:%s:%s:hub/default", c.region, c.account.ID),
		"SubscribedAt":            isoTime(subscribed),
		"AutoEnableControls":      true,
		"ControlFindingGenerator": "SECURITY_CONTROL",
	}, nil
}

// maxResults reads an optional MaxResults bounded to [1, limit].
func maxResults(v *int, def, limit int, bad func(n int) *apiError) (int, error) {
	if v == nil || *v == 0 {
		return def, nil
	}
	if *v < 1 || *v > limit {
		return 0, bad(*v)
	}
	return *v, nil
}

func getEnabledStandards(c *call) (any, error) {
	var in struct {
		StandardsSubscriptionArns []string
		MaxResults                *int
		NextToken                 string
	}
	if err := decodeJSON(c, &in, "InvalidInputException"); err != nil {
		return nil, err
	}
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	size, err := maxResults(in.MaxResults, 10, 100, func(n int) *apiError {
		return shInvalidInput("Invalid parameter 'MaxResults': %d is greater than the maximum of 100", n)
	})
	if err != nil {
		return nil, err
	}
	type subscription struct {
		StandardsSubscriptionArn   string
		StandardsArn               string
		StandardsInput             map[string]string
		StandardsStatus            string
		StandardsControlsUpdatable string `json:",omitempty"`
	}
	var subs []subscription
	for _, st := range sh.Standards {
		path := st.ARN[strings.Index(st.ARN, ":standards/")+len(":standards/"):]
		if i := strings.Index(st.ARN, ":ruleset/"); i >= 0 {
			path = st.ARN[i+len(":ruleset/"):]
		}
		sub := subscription{
			StandardsSubscriptionArn: fmt.Sprintf("arn:aws:securityhub:%s:%s:subscription/%s", c.region, c.account.ID, path),
			StandardsArn:             st.ARN,
			StandardsInput:           map[string]string{},
			StandardsStatus:          st.Status,
		}
		if st.Status == "READY" {
			sub.StandardsControlsUpdatable = "READY_FOR_UPDATES"
		}
		if len(in.StandardsSubscriptionArns) == 0 || slices.Contains(in.StandardsSubscriptionArns, sub.StandardsSubscriptionArn) {
			subs = append(subs, sub)
		}
	}
	p, err := paginate(c, len(subs), size, in.NextToken, shInvalidInput("Invalid parameter 'NextToken'"))
	if err != nil {
		return nil, err
	}
	return struct {
		StandardsSubscriptions []subscription
		NextToken              *string `json:",omitempty"`
	}{append([]subscription{}, subs[p.start:p.end]...), ptr(p.next)}, nil
}

// stringFilter is ASFF's StringFilter.
type stringFilter struct {
	Value      string
	Comparison string
}

// findingField reads the string fields GetFindings can filter on.
var findingFields = map[string]func(src findingSource, f *SecurityHubFinding) string{
	"Id":                          func(_ findingSource, f *SecurityHubFinding) string { return f.ID },
	"AwsAccountId":                func(src findingSource, _ *SecurityHubFinding) string { return src.account },
	"Region":                      func(src findingSource, _ *SecurityHubFinding) string { return src.region },
	"ProductArn":                  func(_ findingSource, f *SecurityHubFinding) string { return f.ProductARN },
	"GeneratorId":                 func(_ findingSource, f *SecurityHubFinding) string { return f.GeneratorID },
	"Title":                       func(_ findingSource, f *SecurityHubFinding) string { return f.Title },
	"Description":                 func(_ findingSource, f *SecurityHubFinding) string { return f.Description },
	"SeverityLabel":               func(_ findingSource, f *SecurityHubFinding) string { return f.Severity },
	"RecordState":                 func(_ findingSource, f *SecurityHubFinding) string { return f.RecordState },
	"WorkflowStatus":              func(_ findingSource, f *SecurityHubFinding) string { return f.Workflow },
	"ComplianceStatus":            func(_ findingSource, f *SecurityHubFinding) string { return f.Compliance },
	"ComplianceSecurityControlId": func(_ findingSource, f *SecurityHubFinding) string { return f.Control },
	"ResourceType":                func(_ findingSource, f *SecurityHubFinding) string { return f.Resource.Type },
	"ResourceId":                  func(_ findingSource, f *SecurityHubFinding) string { return f.Resource.ID },
}

// matchStringFilters applies Security Hub's rule for one field: positive
// comparisons (EQUALS, PREFIX, CONTAINS) are OR-ed, negative ones
// (NOT_EQUALS, PREFIX_NOT_EQUALS, NOT_CONTAINS) AND-ed, and both groups must hold.
func matchStringFilters(value string, filters []stringFilter) (bool, error) {
	anyPositive, positiveHit := false, false
	for _, f := range filters {
		switch f.Comparison {
		case "EQUALS":
			anyPositive, positiveHit = true, positiveHit || value == f.Value
		case "PREFIX":
			anyPositive, positiveHit = true, positiveHit || strings.HasPrefix(value, f.Value)
		case "CONTAINS":
			anyPositive, positiveHit = true, positiveHit || strings.Contains(value, f.Value)
		case "NOT_EQUALS":
			if value == f.Value {
				return false, nil
			}
		case "PREFIX_NOT_EQUALS":
			if strings.HasPrefix(value, f.Value) {
				return false, nil
			}
		case "NOT_CONTAINS":
			if strings.Contains(value, f.Value) {
				return false, nil
			}
		default:
			return false, shInvalidInput("Invalid parameter 'Comparison': %q is not a valid StringFilter comparison", f.Comparison)
		}
	}
	return !anyPositive || positiveHit, nil
}

func getSecurityHubFindings(c *call) (any, error) {
	var in struct {
		Filters    map[string]json.RawMessage
		MaxResults *int
		NextToken  string
	}
	if err := decodeJSON(c, &in, "InvalidInputException"); err != nil {
		return nil, err
	}
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	size, err := maxResults(in.MaxResults, 100, 100, func(n int) *apiError {
		return shInvalidInput("Invalid parameter 'MaxResults': %d is greater than the maximum of 100", n)
	})
	if err != nil {
		return nil, err
	}
	filters := map[string][]stringFilter{}
	for name, raw := range in.Filters {
		if findingFields[name] == nil {
			return nil, shInvalidInput("awssim: filter %q is not simulated (string filters on %s are)", name, strings.Join(slices.Sorted(maps.Keys(findingFields)), ", "))
		}
		var fs []stringFilter
		if err := json.Unmarshal(raw, &fs); err != nil {
			return nil, shInvalidInput("Invalid parameter 'Filters.%s': %v", name, err)
		}
		filters[name] = fs
	}
	type sourced struct {
		src findingSource
		f   *SecurityHubFinding
	}
	var matched []sourced
	for _, src := range c.srv.findingSources(c, sh) {
		for i := range src.hub.Findings {
			f := &src.hub.Findings[i]
			ok := true
			for name, fs := range filters {
				hit, err := matchStringFilters(findingFields[name](src, f), fs)
				if err != nil {
					return nil, err
				}
				ok = ok && hit
			}
			if ok {
				matched = append(matched, sourced{src, f})
			}
		}
	}
	p, err := paginate(c, len(matched), size, in.NextToken, shInvalidInput("Invalid parameter 'NextToken'"))
	if err != nil {
		return nil, err
	}
	findings := []map[string]any{}
	for _, m := range matched[p.start:p.end] {
		findings = append(findings, c.asff(m.src, m.f))
	}
	return struct {
		Findings  []map[string]any
		NextToken *string `json:",omitempty"`
	}{findings, ptr(p.next)}, nil
}

var normalizedSeverity = map[string]int{"CRITICAL": 90, "HIGH": 70, "MEDIUM": 40, "LOW": 1, "INFORMATIONAL": 0}

// asff renders a finding in the AWS Security Finding Format.
func (c *call) asff(src findingSource, f *SecurityHubFinding) map[string]any {
	first := c.srv.resolveOr(f.FirstObserved, c.srv.now)
	updated := c.srv.resolveOr(f.Updated, first)
	out := map[string]any{
		"SchemaVersion":   "2018-10-08",
		"Id":              f.ID,
		"ProductArn":      f.ProductARN,
		"ProductName":     "Security Hub",
		"CompanyName":     "AWS",
		"Region":          src.region,
		"GeneratorId":     f.GeneratorID,
		"AwsAccountId":    src.account,
		"Types":           []string{"Software and Configuration Checks/Industry and Regulatory Standards"},
		"FirstObservedAt": isoTime(first),
		"LastObservedAt":  isoTime(updated),
		"CreatedAt":       isoTime(first),
		"UpdatedAt":       isoTime(updated),
		"Severity":        map[string]any{"Label": f.Severity, "Normalized": normalizedSeverity[f.Severity], "Original": f.Severity},
		"Title":           f.Title,
		"Description":     f.Description,
		"Resources": []map[string]any{{
			"Type": f.Resource.Type, "Id": f.Resource.ID, "Partition": "aws", "Region": src.region,
		}},
		"Workflow":    map[string]any{"Status": f.Workflow},
		"RecordState": f.RecordState,
	}
	// The deprecated WorkflowState has its own enum (NEW, ASSIGNED,
	// IN_PROGRESS, DEFERRED, RESOLVED); how AWS maps NOTIFIED and SUPPRESSED
	// onto it is undocumented, so it is sent only for the values both share.
	if f.Workflow == "NEW" || f.Workflow == "RESOLVED" {
		out["WorkflowState"] = f.Workflow
	}
	if f.Description == "" {
		out["Description"] = f.Title
	}
	if len(f.Resource.Tags) > 0 {
		out["Resources"].([]map[string]any)[0]["Tags"] = maps.Clone(f.Resource.Tags)
	}
	if f.Compliance != "" {
		comp := map[string]any{"Status": f.Compliance}
		if f.Control != "" {
			comp["SecurityControlId"] = f.Control
		}
		out["Compliance"] = comp
	}
	return out
}
