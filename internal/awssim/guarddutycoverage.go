package awssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// GuardDuty Runtime Monitoring coverage, the organization configuration,
// Malware Protection for S3 plans and attack sequences: the world's shapes
// and the operations that serve them (ListCoverage,
// DescribeOrganizationConfiguration, ListMalwareProtectionPlans,
// GetMalwareProtectionPlan).

// GuardDutyCoverageResource is one resource in Runtime Monitoring's coverage
// of a detector (ListCoverage).
type GuardDutyCoverageResource struct {
	// Type is EKS, ECS or EC2.
	Type string `yaml:"type" json:"type"`
	// Name is the cluster name (EKS, ECS) or the instance id (EC2).
	Name string `yaml:"name" json:"name"`
	// Status is HEALTHY (default) or UNHEALTHY.
	Status string `yaml:"status" json:"status,omitempty"`
	// Issue is why the coverage is unhealthy.
	Issue string `yaml:"issue" json:"issue,omitempty"`
	// ManagementType is AUTO_MANAGED (default), MANUAL or DISABLED.
	ManagementType string `yaml:"management_type" json:"management_type,omitempty"`
	Updated        Time   `yaml:"updated" json:"updated,omitempty"`
}

// MalwareProtectionPlan is a GuardDuty Malware Protection for S3 plan of an
// account in a region; it exists with or without a detector.
type MalwareProtectionPlan struct {
	ID             string   `yaml:"id" json:"id,omitempty"` // generated when empty
	Bucket         string   `yaml:"bucket" json:"bucket"`
	ObjectPrefixes []string `yaml:"object_prefixes" json:"object_prefixes,omitempty"`
	// Status is ACTIVE (default), WARNING or ERROR.
	Status        string   `yaml:"status" json:"status,omitempty"`
	StatusReasons []string `yaml:"status_reasons" json:"status_reasons,omitempty"`
	Created       Time     `yaml:"created" json:"created,omitempty"`
}

// GuardDutyOrganizationConfig is the GuardDuty administrator's organization
// configuration (DescribeOrganizationConfiguration) in a region. Unset
// values are NONE.
type GuardDutyOrganizationConfig struct {
	// AutoEnableMembers is NEW, ALL or NONE.
	AutoEnableMembers string `yaml:"auto_enable_members" json:"auto_enable_members,omitempty"`
	// Features are each feature's auto-enable setting (NEW, ALL or NONE).
	Features map[string]string `yaml:"features" json:"features,omitempty"`
	// AdditionalConfiguration overrides a feature's additional
	// configurations, which otherwise follow the feature.
	AdditionalConfiguration   map[string]map[string]string `yaml:"additional_configuration" json:"additional_configuration,omitempty"`
	MemberAccountLimitReached bool                         `yaml:"member_account_limit_reached" json:"member_account_limit_reached,omitempty"`
}

// GuardDutySequence makes a finding an Extended Threat Detection attack
// sequence (Service.Detection.Sequence).
type GuardDutySequence struct {
	Description string            `yaml:"description" json:"description"`
	Signals     []GuardDutySignal `yaml:"signals" json:"signals"`
}

// GuardDutySignal is one signal of an attack sequence.
type GuardDutySignal struct {
	// Type is FINDING, CLOUD_TRAIL, S3_DATA_EVENTS, EKS_AUDIT_LOGS,
	// FLOW_LOGS, DNS_LOGS or RUNTIME_MONITORING.
	Type        string  `yaml:"type" json:"type"`
	Name        string  `yaml:"name" json:"name"`
	Description string  `yaml:"description" json:"description,omitempty"`
	Count       int     `yaml:"count" json:"count,omitempty"`
	Severity    float64 `yaml:"severity" json:"severity,omitempty"`
}

var (
	gdCoverageStatuses   = []string{"HEALTHY", "UNHEALTHY"}
	gdCoverageTypes      = []string{"EKS", "ECS", "EC2"}
	gdManagementTypes    = []string{"AUTO_MANAGED", "MANUAL", "DISABLED"}
	gdMalwarePlanStatus  = []string{"ACTIVE", "WARNING", "ERROR"}
	gdAutoEnableStatuses = []string{"NEW", "ALL", "NONE"}
	gdSignalTypes        = []string{"FINDING", "CLOUD_TRAIL", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "FLOW_LOGS", "DNS_LOGS", "RUNTIME_MONITORING"}
	// gdOrgFeatures are the features of the organization configuration
	// (the model's OrgFeature), in GuardDuty's order.
	gdOrgFeatures = []string{"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EKS_RUNTIME_MONITORING", "RUNTIME_MONITORING"}
)

// validateGuardDutyExtras checks the coverage, plans and sequences of a
// region's GuardDuty state.
func (v *validator) validateGuardDutyExtras(gp path, gd *GuardDutyState) {
	for i, d := range gd.Detectors {
		dp := gp.key("detectors").idx(i)
		for j, r := range d.Coverage {
			rp := dp.key("coverage").idx(j)
			v.required(rp.key("type"), r.Type)
			v.enum(rp.key("type"), r.Type, gdCoverageTypes)
			v.required(rp.key("name"), r.Name)
			v.enum(rp.key("status"), r.Status, gdCoverageStatuses)
			v.enum(rp.key("management_type"), r.ManagementType, gdManagementTypes)
			v.time(rp.key("updated"), r.Updated)
		}
		for j, f := range d.Findings {
			if f.Sequence == nil {
				continue
			}
			sp := dp.key("findings").idx(j).key("sequence")
			v.required(sp.key("description"), f.Sequence.Description)
			if len(f.Sequence.Signals) == 0 {
				v.fail(sp.key("signals"), "an attack sequence has at least one signal")
			}
			for k, s := range f.Sequence.Signals {
				v.required(sp.key("signals").idx(k).key("type"), s.Type)
				v.enum(sp.key("signals").idx(k).key("type"), s.Type, gdSignalTypes)
				v.required(sp.key("signals").idx(k).key("name"), s.Name)
			}
		}
	}
	seen := map[string]bool{}
	for i, p := range gd.MalwareProtectionPlans {
		pp := gp.key("malware_protection_plans").idx(i)
		v.required(pp.key("bucket"), p.Bucket)
		v.enum(pp.key("status"), p.Status, gdMalwarePlanStatus)
		v.time(pp.key("created"), p.Created)
		if len(p.ObjectPrefixes) > 5 {
			v.fail(pp.key("object_prefixes"), "a plan has at most 5 object prefixes")
		}
		if seen[p.Bucket] {
			v.fail(pp.key("bucket"), "bucket %q has two plans (a bucket has at most one)", p.Bucket)
		}
		seen[p.Bucket] = true
	}
}

// validateGuardDutyOrganization checks the administrator's organization configuration.
func (v *validator) validateGuardDutyOrganization(p path, o *GuardDutyOrganizationConfig) {
	v.enum(p.key("auto_enable_members"), o.AutoEnableMembers, gdAutoEnableStatuses)
	for name, status := range o.Features {
		v.enum(p.key("features").key(name), name, gdOrgFeatures)
		v.enum(p.key("features").key(name), status, gdAutoEnableStatuses)
	}
	for name, extras := range o.AdditionalConfiguration {
		for extra, status := range extras {
			if !slices.Contains(gdAdditional[name], extra) {
				v.fail(p.key("additional_configuration").key(name).key(extra), "%s has no additional configuration %s (it has %v)", name, extra, gdAdditional[name])
			}
			v.enum(p.key("additional_configuration").key(name).key(extra), status, gdAutoEnableStatuses)
		}
	}
}

// normalizeGuardDutyExtras fills the defaults of a region's coverage and plans.
func normalizeGuardDutyExtras(gd *GuardDutyState, account, region string) {
	for i := range gd.Detectors {
		for j := range gd.Detectors[i].Coverage {
			r := &gd.Detectors[i].Coverage[j]
			if r.Status == "" {
				r.Status = "HEALTHY"
			}
			if r.ManagementType == "" {
				r.ManagementType = "AUTO_MANAGED"
			}
		}
	}
	for i := range gd.MalwareProtectionPlans {
		p := &gd.MalwareProtectionPlans[i]
		if p.ID == "" {
			p.ID = hexID(20, "malware-protection-plan", account, region, p.Bucket)
		}
		if p.Status == "" {
			p.Status = "ACTIVE"
		}
	}
}

type coverageCriterion struct {
	CriterionKey    string `json:"criterionKey"`
	FilterCondition struct {
		Equals    []string `json:"equals"`
		NotEquals []string `json:"notEquals"`
	} `json:"filterCondition"`
}

// listCoverage answers ListCoverage on the caller's detector: its own
// resources and, for the GuardDuty administrator, those of its associated
// members in the region ("If you're a GuardDuty administrator, you can
// retrieve all resources associated with the active member accounts"), in
// account order, 50 a page at most.
func listCoverage(c *call) (any, error) {
	var in struct {
		FilterCriteria *struct {
			FilterCriterion []coverageCriterion `json:"filterCriterion"`
		} `json:"filterCriteria"`
		MaxResults   *int            `json:"maxResults"`
		NextToken    string          `json:"nextToken"`
		SortCriteria json.RawMessage `json:"sortCriteria"`
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
	if len(in.SortCriteria) > 0 && string(in.SortCriteria) != "null" {
		return nil, gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter (awssim does not simulate sortCriteria).")
	}
	type hit struct {
		account string
		d       *Detector
		r       *GuardDutyCoverageResource
	}
	caller := string(c.account.ID)
	sources := []hit{{account: caller, d: d}}
	for _, a := range c.srv.world.Accounts {
		if status, md := c.srv.gdMember(caller, string(a.ID), c.region); status == "Enabled" {
			sources = append(sources, hit{account: string(a.ID), d: md})
		}
	}
	field := map[string]func(h hit) string{
		"ACCOUNT_ID":      func(h hit) string { return h.account },
		"RESOURCE_TYPE":   func(h hit) string { return h.r.Type },
		"COVERAGE_STATUS": func(h hit) string { return h.r.Status },
		"MANAGEMENT_TYPE": func(h hit) string { return h.r.ManagementType },
	}
	var criteria []coverageCriterion
	if in.FilterCriteria != nil {
		criteria = in.FilterCriteria.FilterCriterion
	}
	if len(criteria) > 50 {
		return nil, gdBadRequest("The request is rejected because filterCriterion has more than 50 entries.")
	}
	for _, cr := range criteria {
		if field[cr.CriterionKey] == nil {
			return nil, gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter (awssim does not simulate criterionKey %q).", cr.CriterionKey)
		}
	}
	var found []hit
	for _, src := range sources {
		for i := range src.d.Coverage {
			h := hit{src.account, src.d, &src.d.Coverage[i]}
			ok := true
			for _, cr := range criteria {
				v := field[cr.CriterionKey](h)
				eq, neq := cr.FilterCondition.Equals, cr.FilterCondition.NotEquals
				ok = ok && (len(eq) == 0 || slices.Contains(eq, v)) && !slices.Contains(neq, v)
			}
			if ok {
				found = append(found, h)
			}
		}
	}
	p, err := paginate(c, len(found), size, in.NextToken, gdBadRequest("The request is rejected because the nextToken is invalid."))
	if err != nil {
		return nil, err
	}
	resources := []map[string]any{}
	for _, h := range found[p.start:p.end] {
		r := h.r
		details := map[string]any{"resourceType": r.Type}
		switch r.Type {
		case "EKS":
			details["eksClusterDetails"] = map[string]any{"clusterName": r.Name, "managementType": r.ManagementType}
		case "ECS":
			details["ecsClusterDetails"] = map[string]any{"clusterName": r.Name, "fargateDetails": map[string]any{"managementType": r.ManagementType}}
		case "EC2":
			details["ec2InstanceDetails"] = map[string]any{"instanceId": r.Name, "managementType": r.ManagementType}
		}
		res := map[string]any{
			"resourceId":      r.Name,
			"detectorId":      h.d.ID,
			"accountId":       h.account,
			"resourceDetails": details,
			"coverageStatus":  r.Status,
			"updatedAt":       epoch(c.srv.resolveOr(r.Updated, c.srv.now)),
		}
		if r.Issue != "" {
			res["issue"] = r.Issue
		}
		resources = append(resources, res)
	}
	return struct {
		Resources []map[string]any `json:"resources"`
		NextToken *string          `json:"nextToken,omitempty"`
	}{resources, ptr(p.next)}, nil
}

// describeOrganizationConfiguration answers for the GuardDuty delegated
// administrator's own detector; any other caller is refused (awssim's
// wording: AWS documents BadRequestException, not its message).
func describeOrganizationConfiguration(c *call) (any, error) {
	if _, err := detector(c); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	size, err := gdQueryMaxResults(q)
	if err != nil {
		return nil, err
	}
	if !c.srv.isGuardDutyAdmin(string(c.account.ID)) {
		return nil, gdBadRequest("The request is rejected because the current account is not the GuardDuty delegated administrator of the organization.")
	}
	o := c.srv.world.DelegatedAdmin.GuardDutyOrganization[c.region] // zero: every setting NONE
	or := func(s string) string {
		if s == "" {
			return "NONE"
		}
		return s
	}
	type orgSetting struct {
		Name                    string       `json:"name"`
		AutoEnable              string       `json:"autoEnable"`
		AdditionalConfiguration []orgSetting `json:"additionalConfiguration,omitempty"`
	}
	features := []orgSetting{}
	for _, name := range gdOrgFeatures {
		if slices.Contains(guardDutyNotOffered[c.region], name) || slices.Contains(c.srv.world.GuardDutyFeaturesNotOffered[c.region], name) {
			continue
		}
		f := orgSetting{Name: name, AutoEnable: or(o.Features[name])}
		for _, extra := range gdAdditional[name] {
			status := f.AutoEnable
			if s, ok := o.AdditionalConfiguration[name][extra]; ok {
				status = or(s)
			}
			f.AdditionalConfiguration = append(f.AdditionalConfiguration, orgSetting{Name: extra, AutoEnable: status})
		}
		features = append(features, f)
	}
	p, err := paginate(c, len(features), size, q.Get("nextToken"), gdBadRequest("The request is rejected because the nextToken is invalid."))
	if err != nil {
		return nil, err
	}
	members := or(o.AutoEnableMembers)
	auto := func(name string) map[string]any { return map[string]any{"autoEnable": or(o.Features[name]) != "NONE"} }
	out := map[string]any{
		"autoEnable":                    members != "NONE",
		"autoEnableOrganizationMembers": members,
		"memberAccountLimitReached":     o.MemberAccountLimitReached,
		"dataSources": map[string]any{
			"s3Logs":            auto("S3_DATA_EVENTS"),
			"kubernetes":        map[string]any{"auditLogs": auto("EKS_AUDIT_LOGS")},
			"malwareProtection": map[string]any{"scanEc2InstanceWithFindings": map[string]any{"ebsVolumes": auto("EBS_MALWARE_PROTECTION")}},
		},
		"features": features[p.start:p.end],
	}
	if p.next != "" {
		out["nextToken"] = p.next
	}
	return out, nil
}

// malwarePlans are the caller's Malware Protection for S3 plans in the region.
func malwarePlans(c *call) []MalwareProtectionPlan {
	if gd := c.regionState().GuardDuty; gd != nil {
		return gd.MalwareProtectionPlans
	}
	return nil
}

// listMalwareProtectionPlans lists the caller's plan ids in the region, 100
// a page (the API reference's default page size; the request has no
// maxResults).
func listMalwareProtectionPlans(c *call) (any, error) {
	plans := malwarePlans(c)
	p, err := paginate(c, len(plans), 100, c.r.URL.Query().Get("nextToken"), gdBadRequest("The request is rejected because the nextToken is invalid."))
	if err != nil {
		return nil, err
	}
	type summary struct {
		ID string `json:"malwareProtectionPlanId"`
	}
	out := []summary{}
	for _, plan := range plans[p.start:p.end] {
		out = append(out, summary{plan.ID})
	}
	return struct {
		Plans     []summary `json:"malwareProtectionPlans"`
		NextToken *string   `json:"nextToken,omitempty"`
	}{out, ptr(p.next)}, nil
}

func getMalwareProtectionPlan(c *call) (any, error) {
	id := c.params["malwareProtectionPlanId"]
	for _, plan := range malwarePlans(c) {
		if plan.ID != id {
			continue
		}
		reasons := []map[string]string{}
		for _, r := range plan.StatusReasons {
			reasons = append(reasons, map[string]string{"code": "AWSSIM", "message": r})
		}
		bucket := map[string]any{"bucketName": plan.Bucket}
		if len(plan.ObjectPrefixes) > 0 {
			bucket["objectPrefixes"] = plan.ObjectPrefixes
		}
		out := map[string]any{
			"arn":               fmt.Sprintf("arn:aws:guardduty:%s:%s:malware-protection-plan/%s", c.region, c.account.ID, plan.ID),
			"role":              fmt.Sprintf("arn:aws:iam::%s:role/GuardDutyS3MalwareProtectionRole", c.account.ID),
			"protectedResource": map[string]any{"s3Bucket": bucket},
			"actions":           map[string]any{"tagging": map[string]any{"status": "DISABLED"}},
			"createdAt":         epoch(c.srv.resolveOr(plan.Created, c.srv.now.AddDate(0, -1, 0))),
			"status":            plan.Status,
			"tags":              map[string]string{},
		}
		if len(reasons) > 0 {
			out["statusReasons"] = reasons
		}
		return out, nil
	}
	return nil, errorf(http.StatusNotFound, "ResourceNotFoundException", "The request is rejected because the malware protection plan %s does not exist.", strings.TrimSpace(id))
}

// gdSequence renders an attack sequence (Service.Detection.Sequence).
func (c *call) gdSequence(h gdHit) map[string]any {
	f := h.f
	created := c.srv.resolveOr(f.Created, c.srv.now)
	updated := c.srv.resolveOr(f.Updated, created)
	signals := []map[string]any{}
	for i, s := range f.Sequence.Signals {
		count := s.Count
		if count == 0 {
			count = 1
		}
		sig := map[string]any{
			"uid":         hexID(32, "signal", f.ID, strconv.Itoa(i)),
			"type":        s.Type,
			"name":        s.Name,
			"createdAt":   epoch(created),
			"updatedAt":   epoch(updated),
			"firstSeenAt": epoch(created),
			"lastSeenAt":  epoch(updated),
			"count":       count,
		}
		if s.Description != "" {
			sig["description"] = s.Description
		}
		if s.Severity != 0 {
			sig["severity"] = s.Severity
		}
		signals = append(signals, sig)
	}
	return map[string]any{"uid": hexID(32, "sequence", f.ID), "description": f.Sequence.Description, "signals": signals}
}
