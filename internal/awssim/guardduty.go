package awssim

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

func gdBadRequest(format string, args ...any) *apiError {
	e := errorf(http.StatusBadRequest, "BadRequestException", format, args...)
	e.jsonType = "InvalidInputException"
	return e
}

// detector finds the detector named in the path, answering as GuardDuty
// does for an id the account does not own.
func detector(c *call) (*Detector, error) {
	id := c.params["detectorId"]
	if gd := c.regionState().GuardDuty; gd != nil {
		for i := range gd.Detectors {
			if gd.Detectors[i].ID == id {
				return &gd.Detectors[i], nil
			}
		}
	}
	return nil, gdBadRequest("The request is rejected because the input detectorId is not owned by the current account.")
}

// gdQueryMaxResults reads the maxResults query parameter of a GuardDuty
// list call (1–50, default 50).
func gdQueryMaxResults(q url.Values) (int, error) {
	var max *int
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, gdBadRequest("The request is rejected because maxResults %q is not a number.", v)
		}
		max = &n
	}
	return gdMaxResults(max, 50)
}

func gdMaxResults(v *int, limit int) (int, error) {
	return maxResults(v, limit, limit, func(n int) *apiError {
		return gdBadRequest("The request is rejected because the value %d of parameter maxResults is out of range [1, %d].", n, limit)
	})
}

func listDetectors(c *call) (any, error) {
	q := c.r.URL.Query()
	size, err := gdQueryMaxResults(q)
	if err != nil {
		return nil, err
	}
	var ids []string
	if gd := c.regionState().GuardDuty; gd != nil {
		for _, d := range gd.Detectors {
			ids = append(ids, d.ID)
		}
	}
	p, err := paginate(c, len(ids), size, q.Get("nextToken"), gdBadRequest("The request is rejected because the nextToken is invalid."))
	if err != nil {
		return nil, err
	}
	return struct {
		DetectorIDs []string `json:"detectorIds"`
		NextToken   *string  `json:"nextToken,omitempty"`
	}{append([]string{}, ids[p.start:p.end]...), ptr(p.next)}, nil
}

// featureDefaults are the protection plans of a detector, in GuardDuty's
// order; the foundational data sources are always on.
var featureDefaults = []struct{ name, status string }{
	{"CLOUD_TRAIL", "ENABLED"}, {"DNS_LOGS", "ENABLED"}, {"FLOW_LOGS", "ENABLED"},
	{"S3_DATA_EVENTS", "DISABLED"}, {"EKS_AUDIT_LOGS", "DISABLED"}, {"EBS_MALWARE_PROTECTION", "DISABLED"},
	{"RDS_LOGIN_EVENTS", "DISABLED"}, {"EKS_RUNTIME_MONITORING", "DISABLED"}, {"LAMBDA_NETWORK_LOGS", "DISABLED"},
	{"RUNTIME_MONITORING", "DISABLED"},
}

// guardDutyNotOffered are the features GuardDuty's "Regions and endpoints"
// page says a region does not offer; GetDetector leaves them out there
// ("there might be regional differences because some data sources might not
// be available", GetDetector API reference).
var guardDutyNotOffered = map[string][]string{
	"ap-east-2": {"RDS_LOGIN_EVENTS"},
}

// gdAdditional are the additional configurations of a feature, in GuardDuty's order.
var gdAdditional = map[string][]string{
	"EKS_RUNTIME_MONITORING": {"EKS_ADDON_MANAGEMENT"},
	"RUNTIME_MONITORING":     {"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"},
}

type gdFeature struct {
	Name                    string      `json:"name"`
	Status                  string      `json:"status"`
	UpdatedAt               *float64    `json:"updatedAt,omitempty"`
	AdditionalConfiguration []gdFeature `json:"additionalConfiguration,omitempty"`
}

func getDetector(c *call) (any, error) {
	d, err := detector(c)
	if err != nil {
		return nil, err
	}
	created := c.srv.resolveOr(d.Created, c.srv.now.AddDate(-1, 0, 0))
	updated := c.srv.resolveOr(d.Updated, created)
	features := []gdFeature{}
	for _, fd := range featureDefaults {
		if slices.Contains(guardDutyNotOffered[c.region], fd.name) || slices.Contains(c.srv.world.GuardDutyFeaturesNotOffered[c.region], fd.name) {
			continue
		}
		status := fd.status
		if s, ok := d.Features[fd.name]; ok {
			status = s
		}
		f := gdFeature{Name: fd.name, Status: status, UpdatedAt: epoch(updated)}
		for _, name := range gdAdditional[fd.name] {
			extra := status
			if s, ok := d.AdditionalConfiguration[fd.name][name]; ok {
				extra = s
			}
			f.AdditionalConfiguration = append(f.AdditionalConfiguration, gdFeature{Name: name, Status: extra, UpdatedAt: epoch(updated)})
		}
		features = append(features, f)
	}
	return map[string]any{
		"createdAt":                  isoTime(created),
		"updatedAt":                  isoTime(updated),
		"status":                     d.Status,
		"findingPublishingFrequency": d.FindingPublishingFrequency,
		"serviceRole":                fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", c.account.ID),
		"features":                   features,
		"tags":                       map[string]string{},
	}, nil
}

// gdCondition is GuardDuty's Condition with both the old and the current operator names.
type gdCondition struct {
	Eq                 []string `json:"eq"`
	Equals             []string `json:"equals"`
	Neq                []string `json:"neq"`
	NotEquals          []string `json:"notEquals"`
	Gt                 *float64 `json:"gt"`
	GreaterThan        *float64 `json:"greaterThan"`
	Gte                *float64 `json:"gte"`
	GreaterThanOrEqual *float64 `json:"greaterThanOrEqual"`
	Lt                 *float64 `json:"lt"`
	LessThan           *float64 `json:"lessThan"`
	Lte                *float64 `json:"lte"`
	LessThanOrEqual    *float64 `json:"lessThanOrEqual"`
}

type gdCriteria struct {
	Criterion map[string]gdCondition `json:"criterion"`
}

// gdHit is a finding with the account and detector it belongs to.
type gdHit struct {
	account string
	d       *Detector
	f       *GuardDutyFinding
}

// gdField reads a finding attribute as text and, when it is numeric, as a number.
var gdFields = map[string]func(c *call, h gdHit) (string, float64){
	"severity":                            func(_ *call, h gdHit) (string, float64) { return formatSeverity(h.f.Severity), h.f.Severity },
	"service.archived":                    func(_ *call, h gdHit) (string, float64) { return strconv.FormatBool(h.f.Archived), 0 },
	"type":                                func(_ *call, h gdHit) (string, float64) { return h.f.Type, 0 },
	"id":                                  func(_ *call, h gdHit) (string, float64) { return h.f.ID, 0 },
	"accountId":                           func(_ *call, h gdHit) (string, float64) { return h.account, 0 },
	"region":                              func(c *call, _ gdHit) (string, float64) { return c.region, 0 },
	"resource.resourceType":               func(_ *call, h gdHit) (string, float64) { return h.f.Resource.Type, 0 },
	"resource.instanceDetails.instanceId": func(_ *call, h gdHit) (string, float64) { return h.f.Resource.ID, 0 },
	"updatedAt": func(c *call, h gdHit) (string, float64) {
		t := c.srv.resolveOr(h.f.Updated, c.srv.resolveOr(h.f.Created, c.srv.now))
		return "", float64(t.UnixMilli())
	},
}

// allFindings are the findings the caller's detector sees: its own and, for
// the GuardDuty administrator, those of its associated members in the
// same region, in account order.
func allFindings(c *call, d *Detector) []gdHit {
	caller := string(c.account.ID)
	sources := []gdHit{{account: caller, d: d}}
	for _, a := range c.srv.world.Accounts {
		if status, md := c.srv.gdMember(caller, string(a.ID), c.region); status == "Enabled" {
			sources = append(sources, gdHit{account: string(a.ID), d: md})
		}
	}
	var out []gdHit
	for _, src := range sources {
		for i := range src.d.Findings {
			out = append(out, gdHit{src.account, src.d, &src.d.Findings[i]})
		}
	}
	return out
}

// filterFindings returns the findings the caller's detector sees matching every criterion.
func filterFindings(c *call, d *Detector, crit *gdCriteria) ([]gdHit, error) {
	for name := range crit.Criterion {
		if gdFields[name] == nil {
			return nil, gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter (awssim does not simulate criterion %q).", name)
		}
	}
	var out []gdHit
	for _, h := range allFindings(c, d) {
		ok := true
		for name, cond := range crit.Criterion {
			text, num := gdFields[name](c, h)
			ok = ok && cond.match(text, num)
		}
		if ok {
			out = append(out, h)
		}
	}
	return out, nil
}

func (cond gdCondition) match(text string, num float64) bool {
	in := func(values []string) bool {
		for _, v := range values {
			if v == text {
				return true
			}
			if n, err := strconv.ParseFloat(v, 64); err == nil && text != "" && n == num {
				return true
			}
		}
		return false
	}
	eq := append(slices.Clone(cond.Eq), cond.Equals...)
	neq := append(slices.Clone(cond.Neq), cond.NotEquals...)
	if len(eq) > 0 && !in(eq) || len(neq) > 0 && in(neq) {
		return false
	}
	for _, b := range []struct {
		v  *float64
		ok func(x float64) bool
	}{
		{cond.Gt, func(x float64) bool { return num > x }},
		{cond.GreaterThan, func(x float64) bool { return num > x }},
		{cond.Gte, func(x float64) bool { return num >= x }},
		{cond.GreaterThanOrEqual, func(x float64) bool { return num >= x }},
		{cond.Lt, func(x float64) bool { return num < x }},
		{cond.LessThan, func(x float64) bool { return num < x }},
		{cond.Lte, func(x float64) bool { return num <= x }},
		{cond.LessThanOrEqual, func(x float64) bool { return num <= x }},
	} {
		if b.v != nil && !b.ok(*b.v) {
			return false
		}
	}
	return true
}

func getFindingsStatistics(c *call) (any, error) {
	var in struct {
		FindingStatisticTypes []string    `json:"findingStatisticTypes"`
		FindingCriteria       *gdCriteria `json:"findingCriteria"`
		GroupBy               string      `json:"groupBy"`
		MaxResults            *int        `json:"maxResults"`
		OrderBy               string      `json:"orderBy"`
	}
	if err := decodeJSON(c, &in, "BadRequestException"); err != nil {
		return nil, err
	}
	d, err := detector(c)
	if err != nil {
		return nil, err
	}
	switch {
	case in.GroupBy == "ACCOUNT" && len(in.FindingStatisticTypes) == 0:
	case in.GroupBy == "" && slices.Equal(in.FindingStatisticTypes, []string{"COUNT_BY_SEVERITY"}):
	default:
		return nil, gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter (awssim simulates findingStatisticTypes [COUNT_BY_SEVERITY] or groupBy ACCOUNT only).")
	}
	size := 25
	if in.GroupBy != "" {
		if size, err = maxResults(in.MaxResults, 25, 100, func(n int) *apiError {
			return gdBadRequest("The request is rejected because the value %d of parameter maxResults is out of range [1, 100].", n)
		}); err != nil {
			return nil, err
		}
	} else if in.MaxResults != nil {
		return nil, gdBadRequest("The request is rejected because maxResults can only be used with groupBy.")
	}
	if in.FindingCriteria == nil {
		in.FindingCriteria = &gdCriteria{}
	}
	found, err := filterFindings(c, d, in.FindingCriteria)
	if err != nil {
		return nil, err
	}
	if in.GroupBy == "ACCOUNT" {
		return groupByAccount(c, found, size, in.OrderBy == "ASC"), nil
	}
	counts := map[string]int{}
	for _, h := range found {
		counts[formatSeverity(h.f.Severity)]++
	}
	return map[string]any{"findingStatistics": map[string]any{"countBySeverity": counts}}, nil
}

func listGuardDutyFindings(c *call) (any, error) {
	var in struct {
		FindingCriteria *gdCriteria `json:"findingCriteria"`
		MaxResults      *int        `json:"maxResults"`
		NextToken       string      `json:"nextToken"`
	}
	if err := decodeJSON(c, &in, "BadRequestException"); err != nil {
		return nil, err
	}
	d, err := detector(c)
	if err != nil {
		return nil, err
	}
	size, err := gdMaxResults(in.MaxResults, 50)
	if err != nil {
		return nil, err
	}
	if in.FindingCriteria == nil {
		in.FindingCriteria = &gdCriteria{}
	}
	found, err := filterFindings(c, d, in.FindingCriteria)
	if err != nil {
		return nil, err
	}
	p, err := paginate(c, len(found), size, in.NextToken, gdBadRequest("The request is rejected because the nextToken is invalid."))
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, h := range found[p.start:p.end] {
		ids = append(ids, h.f.ID)
	}
	return struct {
		FindingIDs []string `json:"findingIds"`
		NextToken  *string  `json:"nextToken,omitempty"`
	}{ids, ptr(p.next)}, nil
}

func getGuardDutyFindings(c *call) (any, error) {
	var in struct {
		FindingIDs []string `json:"findingIds"`
	}
	if err := decodeJSON(c, &in, "BadRequestException"); err != nil {
		return nil, err
	}
	d, err := detector(c)
	if err != nil {
		return nil, err
	}
	if len(in.FindingIDs) > 50 {
		return nil, gdBadRequest("The request is rejected because the number of findingIds (%d) is greater than 50.", len(in.FindingIDs))
	}
	findings := []map[string]any{}
	all := allFindings(c, d)
	for _, id := range in.FindingIDs {
		for _, h := range all {
			if h.f.ID == id {
				findings = append(findings, c.gdFinding(h))
				break
			}
		}
	}
	return map[string]any{"findings": findings}, nil
}

// gdFinding renders a GuardDuty finding.
func (c *call) gdFinding(h gdHit) map[string]any {
	d, f := h.d, h.f
	// A finding is never updated before it was created: without a created
	// time, it was created when it was last updated (or now).
	created := c.srv.resolveOr(f.Created, c.srv.resolveOr(f.Updated, c.srv.now))
	updated := c.srv.resolveOr(f.Updated, created)
	resource := map[string]any{"resourceType": f.Resource.Type}
	switch f.Resource.Type {
	case "Instance":
		resource["instanceDetails"] = map[string]any{"instanceId": f.Resource.ID, "instanceState": "running"}
		if len(f.Resource.Tags) > 0 {
			var tags []map[string]any
			for _, k := range slices.Sorted(maps.Keys(f.Resource.Tags)) {
				tags = append(tags, map[string]any{"key": k, "value": f.Resource.Tags[k]})
			}
			resource["instanceDetails"].(map[string]any)["tags"] = tags
		}
	case "AccessKey":
		resource["accessKeyDetails"] = map[string]any{"accessKeyId": f.Resource.ID, "userType": "IAMUser"}
	case "S3Bucket":
		resource["s3BucketDetails"] = []map[string]any{{"name": f.Resource.ID, "arn": "arn:aws:s3:::" + f.Resource.ID, "type": "Destination"}}
	case "EKSCluster":
		resource["eksClusterDetails"] = map[string]any{"name": f.Resource.ID}
	case "Lambda":
		resource["lambdaDetails"] = map[string]any{"functionName": f.Resource.ID}
	case "RDSDBInstance":
		resource["rdsDbInstanceDetails"] = map[string]any{"dbInstanceIdentifier": f.Resource.ID}
	}
	description := f.Description
	if description == "" {
		description = f.Title
	}
	service := map[string]any{
		"archived":       f.Archived,
		"count":          f.Count,
		"detectorId":     d.ID,
		"eventFirstSeen": isoTime(created),
		"eventLastSeen":  isoTime(updated),
		"serviceName":    "guardduty",
		"resourceRole":   "TARGET",
	}
	if f.Sequence != nil {
		service["detection"] = map[string]any{"sequence": c.gdSequence(h)}
	}
	return map[string]any{
		"accountId":     h.account,
		"arn":           fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s/finding/%s", c.region, h.account, d.ID, f.ID),
		"createdAt":     isoTime(created),
		"updatedAt":     isoTime(updated),
		"description":   description,
		"id":            f.ID,
		"partition":     "aws",
		"region":        c.region,
		"schemaVersion": "2.0",
		"severity":      f.Severity,
		"title":         f.Title,
		"type":          f.Type,
		"resource":      resource,
		"service":       service,
	}
}

// formatSeverity writes a GuardDuty severity the way its statistics key it: "8.0", "5.5".
func formatSeverity(s float64) string {
	return strconv.FormatFloat(s, 'f', 1, 64)
}
