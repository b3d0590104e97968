package checks

import "time"

// GuardDutyCoverage is one resource of GuardDuty Runtime Monitoring's
// coverage (ListCoverage): an EKS cluster, an ECS cluster or an EC2
// instance, and whether GuardDuty's security agent covers it.
//
// GuardDutyRegion.Coverage is null when ListCoverage was not observed and
// empty when it lists nothing (no detector, or no covered resource).
type GuardDutyCoverage struct {
	AccountID string `json:"account_id"`
	// ResourceID is the resource's id in the coverage listing.
	ResourceID string `json:"resource_id"`
	// ResourceType is EKS, ECS or EC2.
	ResourceType string `json:"resource_type"`
	// Name is the cluster name or the instance id, when AWS gives one.
	Name string `json:"name"`
	// Status is HEALTHY or UNHEALTHY (CoverageStatus); anything else is unknown.
	Status string `json:"status"`
	// Issue is why the coverage is unhealthy (the resource's issue, or the
	// ECS Fargate issues joined), empty when AWS gives none.
	Issue string `json:"issue"`
	// ManagementType is AUTO_MANAGED, MANUAL or DISABLED when AWS gives it.
	ManagementType string    `json:"management_type"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// MalwareProtectionPlan is one GuardDuty Malware Protection for S3 plan of
// the account in the region (ListMalwareProtectionPlans, then
// GetMalwareProtectionPlan). Plans exist with or without a detector.
//
// GuardDutyRegion.MalwareProtectionPlans is null when not observed.
type MalwareProtectionPlan struct {
	ID     string `json:"id"`
	Bucket string `json:"bucket"`
	// ObjectPrefixes limit the scan to objects under them; empty: the
	// whole bucket.
	ObjectPrefixes []string `json:"object_prefixes"`
	// Status is ACTIVE, WARNING or ERROR.
	Status        string   `json:"status"`
	StatusReasons []string `json:"status_reasons"`
}

// GuardDutyOrganization is the organization configuration of GuardDuty
// (DescribeOrganizationConfiguration), read from the delegated
// administrator's detector and kept on the administrator account only.
//
// GuardDutyRegion.Organization is null when it was not read: on every
// account but the administrator, on every account when the scan has no
// administrator view (--collection direct), and when the call failed (then
// with a collection error).
type GuardDutyOrganization struct {
	// AutoEnableOrganizationMembers is NEW, ALL or NONE; empty when AWS
	// left it out.
	AutoEnableOrganizationMembers string `json:"auto_enable_organization_members"`
	// AutoEnable is the older boolean (new accounts only).
	AutoEnable bool `json:"auto_enable"`
	// MemberAccountLimitReached: GuardDuty no longer auto-enables members.
	MemberAccountLimitReached bool                           `json:"member_account_limit_reached"`
	Features                  []GuardDutyOrganizationFeature `json:"features"`
}

// GuardDutyOrganizationFeature is one feature's auto-enable setting for the
// organization's members (NEW, ALL or NONE), with its additional
// configuration.
type GuardDutyOrganizationFeature struct {
	Name                    string                         `json:"name"`
	AutoEnable              string                         `json:"auto_enable"`
	AdditionalConfiguration []GuardDutyOrganizationSetting `json:"additional_configuration"`
}

// GuardDutyOrganizationSetting is one additional configuration's
// auto-enable setting (e.g. RUNTIME_MONITORING's EC2_AGENT_MANAGEMENT).
type GuardDutyOrganizationSetting struct {
	Name       string `json:"name"`
	AutoEnable string `json:"auto_enable"`
}

// GuardDutySequence is an Extended Threat Detection attack sequence
// (finding type AttackSequence:*, Service.Detection.Sequence): what it is
// and the signals it correlates. GuardDutyFinding.Sequence is null for any
// other finding.
type GuardDutySequence struct {
	Description string            `json:"description"`
	Signals     []GuardDutySignal `json:"signals"`
}

// GuardDutySignal is one signal of an attack sequence: a finding or an API
// activity.
type GuardDutySignal struct {
	// Type is FINDING, CLOUD_TRAIL, S3_DATA_EVENTS, … (SignalType).
	Type     string  `json:"type"`
	Name     string  `json:"name"`
	Count    int     `json:"count"`
	Severity float64 `json:"severity"`
}
