package checks

import "time"

// SnapshotSchemaVersion is the version of the Snapshot document. A change that
// renames or removes a field, or changes what null means for one, bumps it.
const SnapshotSchemaVersion = "1"

// Snapshot is everything one collection observed: the facts per account and
// the errors that prevented observing others. It is the hand-off between
// `baseline collect` and `baseline evaluate`.
//
// Convention for every fact below: a JSON null (a nil slice or pointer) means
// "not observed" — collection failed or was not attempted — while an empty
// list means "observed, and there is nothing". Policies must never turn null
// into PASS.
type Snapshot struct {
	SchemaVersion string         `json:"schema_version"`
	Tool          Tool           `json:"tool"`
	CollectedAt   time.Time      `json:"collected_at"`
	Scope         Scope          `json:"scope"`
	Accounts      []AccountFacts `json:"accounts"`
	// CoverageGaps are the (account, region) cells an organization-wide
	// source (the Security Hub administrator's finding aggregator) did not
	// cover, so they were collected directly; absent when none.
	CoverageGaps []CoverageGap `json:"coverage_gaps,omitempty"`
}

// CoverageGap is one (account, region) that delegated-administrator
// collection did not cover, and why.
type CoverageGap struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	Service   string `json:"service"` // securityhub
	// Reason is "not a member" (of the administrator) or "region not
	// linked" (to the finding aggregator).
	Reason string `json:"reason"`
}

// Tool names the program that wrote a document.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Scope is what a collection was asked to cover.
type Scope struct {
	Accounts []string `json:"accounts"`
	Regions  []string `json:"regions"`
	// RegionsMode is how the regions were chosen: RegionsAll (--regions
	// all: Regions is the union of the accounts' enabled regions, so it
	// differs between shards) or RegionsList (named, or the SDK's region).
	// Absent in snapshots written before it was recorded.
	RegionsMode string `json:"regions_mode,omitempty"`
	// Shard is the --shard K/N this collection covered; absent when it
	// covered every account (including a merge of all shards).
	Shard *ShardScope `json:"shard,omitempty"`
}

// Values of Scope.RegionsMode.
const (
	RegionsAll  = "all"
	RegionsList = "list"
)

// ShardScope is shard Index of Count (1 ≤ Index ≤ Count), as in --shard K/N.
type ShardScope struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// AccountFacts is the per-account document; it is also the body of the Rego
// input (see PolicyInput), so policies see exactly these field names.
type AccountFacts struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	// Team is the account's team tag in AWS Organizations (--team-tag);
	// absent when the account has none or tags were not read (no --org).
	Team string `json:"team,omitempty"`
	// Regions are the regions in scope for this account.
	Regions []string `json:"regions"`

	SecurityHub map[string]*SecurityHubRegion `json:"securityhub"` // by region
	GuardDuty   map[string]*GuardDutyRegion   `json:"guardduty"`   // by region
	CloudTrail  *CloudTrailFacts              `json:"cloudtrail"`  // account-wide
	SSM         map[string]*SSMRegion         `json:"ssm"`         // by region

	Errors []CollectionError `json:"errors"`

	// Other are the facts of services without a field here, by service
	// name (see Facts). They encode under that name beside the fields
	// above, in the snapshot (WriteSnapshot) and the Rego input.
	Other OtherFacts `json:"-"`
}

// PolicyInput is the Rego input for one account: the account's facts plus the
// time they were collected, which policies use as "now" so that evaluating a
// saved snapshot later gives the same verdicts as the scan that made it.
type PolicyInput struct {
	CollectedAt time.Time `json:"collected_at"`
	*AccountFacts
}

// Global is the region of account-wide facts, errors and results.
const Global = "global"

// CollectionError is a failed AWS call, kept as data: every control that needs
// the operation reports ERROR for the affected account and region.
type CollectionError struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`    // Global for account-wide calls (STS, Organizations)
	Service   string `json:"service"`   // IAM service prefix: securityhub, guardduty, cloudtrail, ssm, ec2, sts, organizations
	Operation string `json:"operation"` // API operation name, e.g. GetEnabledStandards
	Code      string `json:"code"`      // AWS error code, e.g. AccessDeniedException; "RequestError" when no response
	Message   string `json:"message"`
}

// Action is the IAM action of the failed call, e.g. "securityhub:GetFindings".
func (e CollectionError) Action() string { return e.Service + ":" + e.Operation }

// SecurityHubRegion holds Security Hub facts for one region.
type SecurityHubRegion struct {
	// Enabled is true when DescribeHub succeeded, false when Security Hub
	// answered that the account is not subscribed, null when not observed.
	Enabled *bool  `json:"enabled"`
	HubARN  string `json:"hub_arn,omitempty"`
	// Standards is null when not observed (including when the hub is disabled).
	Standards []EnabledStandard `json:"standards"`
	// Findings are the ACTIVE, NEW|NOTIFIED, not-PASSED, CRITICAL|HIGH findings
	// (filtered server-side to save traffic; policies re-check every field).
	Findings []SecurityHubFinding `json:"findings"`

	// The new AWS Security Hub (securityhub_v2.go): V2Enabled is true when
	// DescribeSecurityHubV2 answered, false when it answered that the account
	// is not subscribed, null when not observed.
	V2Enabled *bool  `json:"v2_enabled"`
	HubV2ARN  string `json:"hub_v2_arn,omitempty"`
	// ExposureFindings are its exposure findings of severity High and above;
	// null when not observed (or the new Security Hub is not enabled).
	ExposureFindings []ExposureFinding `json:"exposure_findings"`
}

// EnabledStandard is one standards subscription.
type EnabledStandard struct {
	StandardsARN    string `json:"standards_arn"`
	SubscriptionARN string `json:"subscription_arn"`
	Status          string `json:"status"` // PENDING|READY|FAILED|DELETING|INCOMPLETE
}

// SecurityHubFinding is a compact ASFF finding.
type SecurityHubFinding struct {
	ID               string    `json:"id"`
	Title            string    `json:"title"`
	SeverityLabel    string    `json:"severity_label"`
	RecordState      string    `json:"record_state"`
	WorkflowStatus   string    `json:"workflow_status"`
	ComplianceStatus string    `json:"compliance_status"`
	ResourceType     string    `json:"resource_type"`
	ResourceID       string    `json:"resource_id"`
	GeneratorID      string    `json:"generator_id"`
	ControlID        string    `json:"control_id,omitempty"`
	FirstObservedAt  time.Time `json:"first_observed_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	// ProductName is the ASFF ProductName (e.g. "Security Hub", "GuardDuty",
	// "Inspector"); empty when the finding has none.
	ProductName string `json:"product_name,omitempty"`
	// ResourceTags are the tags of the first resource (Resources[0].Tags),
	// which Security Hub carries for some resources only; absent when none.
	ResourceTags map[string]string `json:"resource_tags,omitempty"`
}

// GuardDutyRegion holds GuardDuty facts for one region.
type GuardDutyRegion struct {
	// Detectors is empty when GuardDuty has no detector in the region.
	Detectors []Detector `json:"detectors"`
	// FindingCounts are unarchived findings by severity band
	// (low < 4.0 <= medium < 7.0 <= high < 9.0 <= critical); null when not observed.
	FindingCounts map[string]int `json:"finding_counts"`
	// HighFindings are unarchived findings with severity >= 7.0; null when not observed.
	HighFindings []GuardDutyFinding `json:"high_findings"`
	// Coverage, MalwareProtectionPlans and Organization: see guarddutyfacts.go.
	Coverage               []GuardDutyCoverage     `json:"coverage"`
	MalwareProtectionPlans []MalwareProtectionPlan `json:"malware_protection_plans"`
	Organization           *GuardDutyOrganization  `json:"organization"`
}

// Detector is one GuardDuty detector with its protection plans.
type Detector struct {
	ID       string            `json:"id"`
	Status   string            `json:"status"` // ENABLED|DISABLED
	Features []DetectorFeature `json:"features"`
}

// DetectorFeature is one protection plan and its status.
type DetectorFeature struct {
	Name   string `json:"name"`   // S3_DATA_EVENTS, EKS_AUDIT_LOGS, ...
	Status string `json:"status"` // ENABLED|DISABLED
	// AdditionalConfiguration is the plan's additional configuration, e.g.
	// the agent management of RUNTIME_MONITORING (EKS_ADDON_MANAGEMENT,
	// ECS_FARGATE_AGENT_MANAGEMENT, EC2_AGENT_MANAGEMENT); empty when the
	// plan has none.
	AdditionalConfiguration []FeatureConfiguration `json:"additional_configuration"`
}

// FeatureConfiguration is one additional configuration of a protection plan.
type FeatureConfiguration struct {
	Name   string `json:"name"`
	Status string `json:"status"` // ENABLED|DISABLED
}

// GuardDutyFinding is a compact GuardDuty finding.
type GuardDutyFinding struct {
	ID           string    `json:"id"`
	DetectorID   string    `json:"detector_id"`
	Title        string    `json:"title"`
	Type         string    `json:"type"`
	Severity     float64   `json:"severity"`
	Archived     bool      `json:"archived"`
	ResourceType string    `json:"resource_type"`
	ResourceID   string    `json:"resource_id"`
	UpdatedAt    time.Time `json:"updated_at"`
	// Sequence is an attack sequence's signals (see guarddutyfacts.go).
	Sequence *GuardDutySequence `json:"sequence"`
	// CreatedAt is when GuardDuty created the finding (the first time it
	// was observed); the zero time when absent or unparseable.
	CreatedAt time.Time `json:"created_at"`
	// ResourceTags are the affected instance's tags
	// (Resource.InstanceDetails.Tags); absent when none.
	ResourceTags map[string]string `json:"resource_tags,omitempty"`
}

// CloudTrailFacts holds the account's trails, each once however many regions
// show it (shadow trails are merged by ARN).
type CloudTrailFacts struct {
	// Trails is null when DescribeTrails failed in every region.
	Trails []Trail `json:"trails"`
}

// Trail is one trail with its status and event selectors.
type Trail struct {
	ARN                       string `json:"arn"`
	Name                      string `json:"name"`
	HomeRegion                string `json:"home_region"`
	IsMultiRegion             bool   `json:"is_multi_region"`
	IsOrganizationTrail       bool   `json:"is_organization_trail"`
	LogFileValidationEnabled  bool   `json:"log_file_validation_enabled"`
	KMSKeyID                  string `json:"kms_key_id"`
	S3BucketName              string `json:"s3_bucket_name"`
	CloudWatchLogsLogGroupARN string `json:"cloudwatch_logs_log_group_arn"`
	// Status is null when GetTrailStatus failed. It is read in the trail's
	// home region (in a region showing its shadow when the home is out of
	// scope or failed).
	Status *TrailStatus `json:"status"`
	// RegionStatuses are GetTrailStatus in each other scanned region showing
	// a multi-region trail, by region: AWS returns trail status from a single
	// Region, and delivery from each can fail on its own. A region whose call
	// failed is absent (its error is recorded in that region).
	RegionStatuses map[string]*TrailStatus `json:"region_statuses,omitempty"`
	// ManagementEvents reduces basic and advanced event selectors to
	// "all", "read", "write" or "none"; null when GetEventSelectors failed.
	ManagementEvents *string `json:"management_events"`
	// ExcludedManagementEventSources are the event sources whose management
	// events the selectors leave out (ExcludeManagementEventSources, or an
	// advanced selector's eventSource condition); [] when none, null when
	// GetEventSelectors failed.
	ExcludedManagementEventSources []string `json:"excluded_management_event_sources"`
	// OwnerInScope is set on another account's (organization) trail: its
	// status and selectors are read once, from the owner named in its ARN,
	// and joined here; true when the owner is one of the scanned accounts
	// (the trail is judged there), false when it is not (judged here).
	OwnerInScope *bool `json:"owner_in_scope,omitempty"`
	// OwnerFactsError says why another account's trail has no status or
	// selectors here: the owner's calls failed or were not made.
	OwnerFactsError string `json:"owner_facts_error,omitempty"`
}

// TrailStatus is the part of GetTrailStatus the controls use.
type TrailStatus struct {
	IsLogging                         bool       `json:"is_logging"`
	LatestDeliveryTime                *time.Time `json:"latest_delivery_time"`
	LatestDeliveryError               string     `json:"latest_delivery_error"`
	LatestCloudWatchLogsDeliveryTime  *time.Time `json:"latest_cloudwatch_logs_delivery_time"`
	LatestCloudWatchLogsDeliveryError string     `json:"latest_cloudwatch_logs_delivery_error"`
}

// SSMRegion holds EC2 and Systems Manager facts for one region.
type SSMRegion struct {
	// Instances are the running and stopped EC2 instances; null when not observed.
	Instances []EC2Instance `json:"instances"`
	// ManagedNodes are SSM managed nodes (EC2 instances and hybrid); null when not observed.
	ManagedNodes []ManagedNode `json:"managed_nodes"`
	// PatchStates are the patch states of managed EC2 instances; null when not observed.
	PatchStates []PatchState `json:"patch_states"`
}

// EC2Instance is one instance from DescribeInstances.
type EC2Instance struct {
	InstanceID string `json:"instance_id"`
	State      string `json:"state"` // running|stopped
	Name       string `json:"name"`  // the Name tag, if any
	Platform   string `json:"platform"`
	// Tags are the instance's tags as DescribeInstances returns them;
	// absent when it has none. Reports take a resource's team from them.
	Tags map[string]string `json:"tags,omitempty"`
}

// ManagedNode is one node from DescribeInstanceInformation.
type ManagedNode struct {
	InstanceID   string     `json:"instance_id"`
	PingStatus   string     `json:"ping_status"` // Online|ConnectionLost|Inactive (deprecated, no longer used by AWS)
	LastPingAt   *time.Time `json:"last_ping_at"`
	AgentVersion string     `json:"agent_version"`
	PlatformType string     `json:"platform_type"`
	ResourceType string     `json:"resource_type"` // EC2Instance|ManagedInstance
}

// PatchState is one instance's patch compliance summary.
type PatchState struct {
	InstanceID                  string `json:"instance_id"`
	PatchGroup                  string `json:"patch_group"`
	MissingCount                int    `json:"missing_count"`
	FailedCount                 int    `json:"failed_count"`
	InstalledPendingRebootCount int    `json:"installed_pending_reboot_count"`
	// InstalledRejectedCount are installed patches on the baseline's
	// RejectedPatches list: NON_COMPLIANT.
	InstalledRejectedCount    int `json:"installed_rejected_count"`
	CriticalNonCompliantCount int `json:"critical_non_compliant_count"`
	SecurityNonCompliantCount int `json:"security_non_compliant_count"`
	OtherNonCompliantCount    int `json:"other_non_compliant_count"`
	// AvailableSecurityUpdateCount are security updates available but not
	// approved by the baseline (Windows only): NON_COMPLIANT when the
	// baseline's AvailableSecurityUpdatesComplianceStatus says so.
	AvailableSecurityUpdateCount int        `json:"available_security_update_count"`
	Operation                    string     `json:"operation"` // Scan|Install
	OperationEndTime             *time.Time `json:"operation_end_time"`
}
