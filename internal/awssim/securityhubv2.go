package awssim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The new AWS Security Hub (GA December 2025): DescribeSecurityHubV2 and
// GetFindingsV2 (OCSF findings, organization Scopes for the delegated
// administrator). Its delegated administrator is the world's
// delegated_admin.securityhub.

// SecurityHubV2State is the new Security Hub in one region; nil or Enabled
// false means the account has not enabled it there.
type SecurityHubV2State struct {
	Enabled      bool          `yaml:"enabled" json:"enabled"`
	SubscribedAt Time          `yaml:"subscribed_at" json:"subscribed_at,omitempty"`
	Findings     []OCSFFinding `yaml:"findings" json:"findings,omitempty"`
}

// OCSFFinding is one finding of the new Security Hub, rendered in OCSF;
// the defaults make it an open exposure finding.
type OCSFFinding struct {
	ID    string `yaml:"id" json:"id,omitempty"` // metadata.uid; generated when empty
	Title string `yaml:"title" json:"title"`
	// Severity is the OCSF caption: Critical, High, Medium, Low,
	// Informational, Fatal.
	Severity string `yaml:"severity" json:"severity"`
	// Status is the OCSF caption: New (default), In Progress, Suppressed,
	// Resolved, Archived, Deleted, Unknown, Other.
	Status string `yaml:"status" json:"status,omitempty"`
	// Feature is metadata.product.feature.uid; default security-hub/Exposure.
	// A finding of another kind (e.g. an Inspector finding) sets its own.
	Feature   string   `yaml:"feature" json:"feature,omitempty"`
	Resource  Resource `yaml:"resource" json:"resource"`
	FirstSeen Time     `yaml:"first_seen" json:"first_seen,omitempty"`
}

// iamActionOf names the IAM action of an operation whose action is not
// service:Operation: "GetFindings and GetFindingsV2 both use
// securityhub:GetFindings in the Action element of an IAM policy statement"
// (GetFindingsV2 API reference). CallCounts.Actions reports these.
var iamActionOf = map[string]string{"securityhub:GetFindingsV2": "securityhub:GetFindings"}

// ocsfSeverityIDs and ocsfStatusIDs are OCSF's numbers for the captions
// (OCSF 1.x Detection Finding, severity_id and status_id).
var (
	ocsfSeverityIDs = map[string]int{"Informational": 1, "Low": 2, "Medium": 3, "High": 4, "Critical": 5, "Fatal": 6}
	ocsfStatusIDs   = map[string]int{"New": 1, "In Progress": 2, "Suppressed": 3, "Resolved": 4, "Archived": 5, "Deleted": 6, "Unknown": 0, "Other": 99}
)

// hubV2 returns the region's new Security Hub, or its answer for an account
// that has not enabled it.
func hubV2(c *call) (*SecurityHubV2State, error) {
	if st := c.regionState().SecurityHub; st != nil && st.V2 != nil && st.V2.Enabled {
		return st.V2, nil
	}
	return nil, errorf(http.StatusNotFound, "ResourceNotFoundException", "You are not subscribed to HubV2")
}

func describeSecurityHubV2(c *call) (any, error) {
	v2, err := hubV2(c)
	if err != nil {
		return nil, err
	}
	subscribed := c.srv.resolveOr(v2.SubscribedAt, c.srv.now.AddDate(0, -1, 0))
	return map[string]any{
		"HubV2Arn":     fmt.Sprintf("arn:aws:securityhub:%s:%s:hubv2/%s", c.region, c.account.ID, uuidFrom("hubv2", string(c.account.ID), c.region)),
		"SubscribedAt": isoTime(subscribed),
	}, nil
}

// ocsfStringFilter, ocsfNumberFilter and compositeFilter are GetFindingsV2's
// filter shapes, as far as the simulator applies them.
type ocsfStringFilter struct {
	FieldName string
	Filter    stringFilter
}

type ocsfNumberFilter struct {
	FieldName string
	Filter    struct{ Gte, Lte, Eq, Gt, Lt *float64 }
}

type compositeFilter struct {
	Operator               string
	StringFilters          []ocsfStringFilter
	NumberFilters          []ocsfNumberFilter
	DateFilters            []json.RawMessage
	BooleanFilters         []json.RawMessage
	MapFilters             []json.RawMessage
	IpFilters              []json.RawMessage
	NestedCompositeFilters []json.RawMessage
}

type v2Source struct {
	account, region string
	f               *OCSFFinding
	index           int
}

var ocsfStringFields = map[string]func(v2Source) string{
	"cloud.account.uid":  func(s v2Source) string { return s.account },
	"cloud.region":       func(s v2Source) string { return s.region },
	"severity":           func(s v2Source) string { return s.f.Severity },
	"status":             func(s v2Source) string { return s.f.status() },
	"finding_info.title": func(s v2Source) string { return s.f.Title },
	"resources.type":     func(s v2Source) string { return s.f.Resource.Type },
	"resources.uid":      func(s v2Source) string { return s.f.Resource.ID },
}

var ocsfNumberFields = map[string]func(v2Source) float64{
	"severity_id": func(s v2Source) float64 { return float64(ocsfSeverityIDs[s.f.Severity]) },
	"status_id":   func(s v2Source) float64 { return float64(ocsfStatusIDs[s.f.status()]) },
}

func (f *OCSFFinding) status() string { return cmp.Or(f.Status, "New") }

func shV2Validation(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

// matches applies one composite filter: its conditions joined by its
// Operator (AND by default).
func (cf compositeFilter) matches(s v2Source) (bool, error) {
	if len(cf.DateFilters)+len(cf.BooleanFilters)+len(cf.MapFilters)+len(cf.IpFilters)+len(cf.NestedCompositeFilters) > 0 {
		return false, shV2Validation("awssim: only StringFilters and NumberFilters are simulated")
	}
	var results []bool
	for _, sf := range cf.StringFilters {
		get := ocsfStringFields[sf.FieldName]
		if get == nil {
			return false, shV2Validation("awssim: string filter on %q is not simulated", sf.FieldName)
		}
		ok, err := matchStringFilters(get(s), []stringFilter{sf.Filter})
		if err != nil {
			return false, shV2Validation("%s", asAPIError(err).Message)
		}
		results = append(results, ok)
	}
	for _, nf := range cf.NumberFilters {
		get := ocsfNumberFields[nf.FieldName]
		if get == nil {
			return false, shV2Validation("awssim: number filter on %q is not simulated", nf.FieldName)
		}
		v, f := get(s), nf.Filter
		results = append(results, (f.Gte == nil || v >= *f.Gte) && (f.Lte == nil || v <= *f.Lte) &&
			(f.Eq == nil || v == *f.Eq) && (f.Gt == nil || v > *f.Gt) && (f.Lt == nil || v < *f.Lt))
	}
	return combine(cf.Operator, results)
}

// combine joins results with AND or OR (AND when empty).
func combine(op string, results []bool) (bool, error) {
	switch op {
	case "", "AND":
		return !slices.Contains(results, false), nil
	case "OR":
		return len(results) == 0 || slices.Contains(results, true), nil
	}
	return false, shV2Validation("Invalid operator %q", op)
}

func getFindingsV2(c *call) (any, error) {
	var in struct {
		Filters *struct {
			CompositeFilters  []compositeFilter
			CompositeOperator string
		}
		Scopes *struct {
			AwsOrganizations []struct{ OrganizationId, OrganizationalUnitId string }
		}
		SortCriteria []json.RawMessage
		MaxResults   *int
		NextToken    string
	}
	if err := decodeJSON(c, &in, "ValidationException"); err != nil {
		return nil, err
	}
	if _, err := hubV2(c); err != nil {
		// GetFindingsV2 declares no ResourceNotFoundException; what AWS
		// answers an account without the new Security Hub is not documented.
		return nil, errorf(http.StatusForbidden, "AccessDeniedException", "You are not subscribed to HubV2")
	}
	caller := string(c.account.ID)
	admin := c.srv.isSecurityHubAdmin(caller)
	if in.Scopes != nil {
		if !admin {
			return nil, errorf(http.StatusForbidden, "AccessDeniedException", "Only the delegated administrator account can use Scopes")
		}
		for _, s := range in.Scopes.AwsOrganizations {
			if s.OrganizationalUnitId != "" {
				return nil, shV2Validation("awssim: organizational unit scopes are not simulated")
			}
			if s.OrganizationId != c.srv.orgID {
				return nil, errorf(http.StatusBadRequest, "OrganizationNotFoundException", "Organization %s is not the delegated administrator's organization", s.OrganizationId)
			}
		}
	}
	if len(in.SortCriteria) > 0 {
		return nil, shV2Validation("awssim: SortCriteria is not simulated")
	}
	size, err := maxResults(in.MaxResults, 100, 100, func(n int) *apiError {
		return shV2Validation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100", n)
	})
	if err != nil {
		return nil, err
	}
	// Without Scopes the delegated administrator sees the whole
	// organization's findings, other accounts their own. The simulator
	// narrows "the organization" to the administrator's Security Hub
	// members (NotMembers excluded): stricter than AWS, never wider, and
	// the collector reads every non-member per account anyway (SH-63).
	var matched []v2Source
	for i := range c.srv.world.Accounts {
		a := &c.srv.world.Accounts[i]
		id := string(a.ID)
		if id != caller && !(admin && c.srv.isMember(id)) {
			continue
		}
		st := a.Regions[c.region]
		if st == nil || st.SecurityHub == nil || st.SecurityHub.V2 == nil || !st.SecurityHub.V2.Enabled {
			continue
		}
		for j := range st.SecurityHub.V2.Findings {
			src := v2Source{id, c.region, &st.SecurityHub.V2.Findings[j], j}
			ok := true
			if in.Filters != nil {
				var results []bool
				for _, cf := range in.Filters.CompositeFilters {
					hit, err := cf.matches(src)
					if err != nil {
						return nil, err
					}
					results = append(results, hit)
				}
				if ok, err = combine(in.Filters.CompositeOperator, results); err != nil {
					return nil, err
				}
			}
			if ok {
				matched = append(matched, src)
			}
		}
	}
	p, err := paginate(c, len(matched), size, in.NextToken, shV2Validation("Invalid NextToken"))
	if err != nil {
		return nil, err
	}
	findings := []map[string]any{}
	for _, m := range matched[p.start:p.end] {
		findings = append(findings, c.ocsf(m))
	}
	return struct {
		Findings  []map[string]any
		NextToken *string `json:",omitempty"`
	}{findings, ptr(p.next)}, nil
}

// ocsfID is a finding's metadata.uid.
func (s v2Source) ocsfID() string {
	if s.f.ID != "" {
		return s.f.ID
	}
	return fmt.Sprintf("arn:aws:securityhub:%s:%s:exposure/%s", s.region, s.account, uuidFrom("exposure", s.account, s.region, strconv.Itoa(s.index), s.f.Title))
}

// ocsf renders a finding as an OCSF 1.x Detection Finding (class 2004), the
// shape of AWS's sample exposure finding.
func (c *call) ocsf(s v2Source) map[string]any {
	f := s.f
	first := c.srv.resolveOr(f.FirstSeen, c.srv.now)
	feature := cmp.Or(f.Feature, "security-hub/Exposure")
	res := f.Resource
	if res.Type == "" {
		res = Resource{Type: "AWS::EC2::Instance", ID: fmt.Sprintf("arn:aws:ec2:%s:%s:instance/i-%s", s.region, s.account, hexID(17, s.account, s.region, strconv.Itoa(s.index)))}
	}
	info := map[string]any{
		"uid":                s.ocsfID(),
		"title":              f.Title,
		"desc":               f.Title,
		"created_time_dt":    ocsfTime(first),
		"first_seen_time_dt": ocsfTime(first),
		"last_seen_time_dt":  ocsfTime(c.srv.now),
		"modified_time_dt":   ocsfTime(c.srv.now),
	}
	if feature == "security-hub/Exposure" {
		info["analytic"] = map[string]any{"name": "Exposure", "type": "Rule", "type_id": 1, "uid": "0.0.1"}
	}
	return map[string]any{
		"activity_id":   1,
		"activity_name": "Create",
		"category_name": "Findings",
		"category_uid":  2,
		"class_name":    "Detection Finding",
		"class_uid":     2004,
		"type_uid":      200401,
		"cloud": map[string]any{
			"account": map[string]any{"uid": s.account}, "cloud_partition": "aws", "provider": "AWS", "region": s.region,
		},
		"finding_info": info,
		"metadata": map[string]any{
			"uid":     s.ocsfID(),
			"version": "1.6.0",
			"product": map[string]any{
				"name": "Security Hub", "vendor_name": "AWS",
				"uid":     fmt.Sprintf("arn:aws:securityhub:%s::productv2/aws/securityhub", s.region),
				"feature": map[string]any{"uid": feature},
			},
		},
		"resources":   []map[string]any{{"uid": res.ID, "type": res.Type, "region": s.region, "cloud_partition": "aws"}},
		"severity":    f.Severity,
		"severity_id": ocsfSeverityIDs[f.Severity],
		"status":      f.status(),
		"status_id":   ocsfStatusIDs[f.status()],
		"time_dt":     ocsfTime(c.srv.now),
	}
}

// ocsfTime is an OCSF datetime_t (RFC 3339).
func ocsfTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// securityHubV2 validates a region's new Security Hub.
func (v *validator) securityHubV2(p path, v2 *SecurityHubV2State) {
	if v2 == nil {
		return
	}
	v.time(p.key("subscribed_at"), v2.SubscribedAt)
	seen := map[string]bool{}
	for i, f := range v2.Findings {
		fp := p.key("findings").idx(i)
		v.required(fp.key("title"), f.Title)
		v.required(fp.key("severity"), f.Severity)
		v.enum(fp.key("severity"), f.Severity, slices.Sorted(maps.Keys(ocsfSeverityIDs)))
		v.enum(fp.key("status"), f.Status, slices.Sorted(maps.Keys(ocsfStatusIDs)))
		v.time(fp.key("first_seen"), f.FirstSeen)
		if f.ID != "" {
			if seen[f.ID] {
				v.fail(fp.key("id"), "finding id %q is used twice", f.ID)
			}
			seen[f.ID] = true
		}
	}
}

// genSecurityHubV2 is a generated region's new Security Hub: enabled in
// about 60% of the regions that have Security Hub CSPM, with up to 5
// critical or high exposure findings of any age. It is derived from the
// account and region alone, so that the generator's random sequence (and
// every other generated fact) is the same as without it.
func genSecurityHubV2(account, region string) *SecurityHubV2State {
	h := func(parts ...string) int {
		v, _ := strconv.ParseUint(hexID(8, append([]string{"v2", account, region}, parts...)...), 16, 64)
		return int(v)
	}
	if h()%10 >= 6 {
		return nil
	}
	v2 := &SecurityHubV2State{Enabled: true, SubscribedAt: "200d"}
	for i := range h("n") % 6 {
		k := strconv.Itoa(i)
		f := OCSFFinding{
			Title:     "Potential Remote Execution — generated exposure " + k,
			Severity:  []string{"Critical", "High"}[h("severity", k)%2],
			FirstSeen: Time(strconv.Itoa(h("age", k)%60) + "d"),
		}
		if h("status", k)%5 == 0 {
			f.Status = "Resolved"
		}
		v2.Findings = append(v2.Findings, f)
	}
	return v2
}
