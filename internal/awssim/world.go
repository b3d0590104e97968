package awssim

import (
	"strconv"
	"strings"
)

// World is a declarative AWS Organization: its accounts, the state of the
// services the scanner reads in each account and region, and faults. It is
// read from YAML or JSON (see ParseWorld); every time may be absolute
// (RFC 3339) or relative to the server clock at Start ("3d", "36h", "now").
type World struct {
	// OrganizationID is the o-… id used in account ARNs; generated when empty.
	OrganizationID string `yaml:"organization_id" json:"organization_id,omitempty"`
	// Regions are the regions enabled in every account. A call to any other
	// region fails the way AWS answers in a region that is not opted in.
	// Empty means the regions named under the accounts.
	Regions  []string  `yaml:"regions" json:"regions,omitempty"`
	Accounts []Account `yaml:"accounts" json:"accounts"`
	// DelegatedAdmin, when set, names the accounts that administer
	// Security Hub and GuardDuty for the organization.
	DelegatedAdmin *DelegatedAdmin `yaml:"delegated_admin" json:"delegated_admin,omitempty"`
	// GuardDutyFeaturesNotOffered are GuardDuty features a region does not
	// offer, by region, on top of those AWS documents (see
	// guardDutyNotOffered): GetDetector leaves them out there.
	GuardDutyFeaturesNotOffered map[string][]string `yaml:"guardduty_features_not_offered" json:"guardduty_features_not_offered,omitempty"`
	Faults                      []Fault             `yaml:"faults" json:"faults,omitempty"`
}

// DelegatedAdmin is the organization's delegated administration of the
// security services. Every ACTIVE account but NotMembers is a member of the
// administrator; the administrator sees its members' findings.
type DelegatedAdmin struct {
	SecurityHub AccountID `yaml:"securityhub" json:"securityhub,omitempty"`
	GuardDuty   AccountID `yaml:"guardduty" json:"guardduty,omitempty"`
	// FindingAggregator is the Security Hub administrator's cross-region
	// aggregation; nil means none.
	FindingAggregator *FindingAggregator `yaml:"finding_aggregator" json:"finding_aggregator,omitempty"`
	// NotMembers are accounts that are members of neither administrator.
	NotMembers []AccountID `yaml:"not_members" json:"not_members,omitempty"`
	// GuardDutyNotAssociated are members of the GuardDuty administrator
	// that are not associated with it (relationship status Removed): the
	// administrator does not see their findings.
	GuardDutyNotAssociated []AccountID `yaml:"guardduty_not_associated" json:"guardduty_not_associated,omitempty"`
	// GuardDutyOrganization is the GuardDuty administrator's organization
	// configuration (auto-enable) by region; a region not listed has every
	// setting NONE.
	GuardDutyOrganization map[string]GuardDutyOrganizationConfig `yaml:"guardduty_organization" json:"guardduty_organization,omitempty"`
	// SSM is the Systems Manager delegated administrator (the unified
	// console's); SSMSync its AWS-QuickSetup-ManagedNode resource data sync,
	// nil when there is none (see ssmnodes.go).
	SSM     AccountID `yaml:"ssm" json:"ssm,omitempty"`
	SSMSync *SSMSync  `yaml:"ssm_sync" json:"ssm_sync,omitempty"`
}

// FindingAggregator is a Security Hub finding aggregator: findings of the
// linked regions are replicated to the aggregation region.
type FindingAggregator struct {
	Region string `yaml:"region" json:"region"`
	// RegionLinkingMode is ALL_REGIONS (default), ALL_REGIONS_EXCEPT_SPECIFIED,
	// SPECIFIED_REGIONS or NO_REGIONS (the aggregation region only).
	RegionLinkingMode string   `yaml:"region_linking_mode" json:"region_linking_mode,omitempty"`
	Regions           []string `yaml:"regions" json:"regions,omitempty"`
}

// Account is one member (or the management account) of the organization.
type Account struct {
	ID         AccountID `yaml:"id" json:"id"`
	Name       string    `yaml:"name" json:"name"`
	Email      string    `yaml:"email" json:"email,omitempty"`
	Status     string    `yaml:"status" json:"status,omitempty"` // ACTIVE (default) | SUSPENDED
	Management bool      `yaml:"management" json:"management,omitempty"`
	Joined     Time      `yaml:"joined" json:"joined,omitempty"`
	// RoleName is the role AssumeRole may assume in this account
	// (default OrganizationAccountAccessRole).
	RoleName string `yaml:"role_name" json:"role_name,omitempty"`
	// ExternalID, when set, must be passed by AssumeRole.
	ExternalID string `yaml:"external_id" json:"external_id,omitempty"`
	// TrustedAccounts may assume the role; empty means every account of the world.
	TrustedAccounts []AccountID `yaml:"trusted_accounts" json:"trusted_accounts,omitempty"`
	// Tags are the account's tags in Organizations (ListTagsForResource),
	// e.g. {team: payments}.
	Tags map[string]string `yaml:"tags" json:"tags,omitempty"`
	// Regions holds the service state by region name. A region left out is
	// enabled (if listed in World.Regions) but has nothing in it.
	Regions map[string]*RegionState `yaml:"regions" json:"regions,omitempty"`
}

// RegionState is the state of the simulated services in one account and region.
type RegionState struct {
	SecurityHub *SecurityHubState `yaml:"securityhub" json:"securityhub,omitempty"`
	GuardDuty   *GuardDutyState   `yaml:"guardduty" json:"guardduty,omitempty"`
	CloudTrail  *CloudTrailState  `yaml:"cloudtrail" json:"cloudtrail,omitempty"`
	EC2         *EC2State         `yaml:"ec2" json:"ec2,omitempty"`
	SSM         *SSMState         `yaml:"ssm" json:"ssm,omitempty"`
}

// SecurityHubState is Security Hub in one region; nil or Enabled false means
// the account is not subscribed there.
type SecurityHubState struct {
	Enabled      bool                 `yaml:"enabled" json:"enabled"`
	SubscribedAt Time                 `yaml:"subscribed_at" json:"subscribed_at,omitempty"`
	Standards    []Standard           `yaml:"standards" json:"standards,omitempty"`
	Findings     []SecurityHubFinding `yaml:"findings" json:"findings,omitempty"`
	// V2 is the new AWS Security Hub in the region (securityhubv2.go),
	// independent of Enabled (Security Hub CSPM).
	V2 *SecurityHubV2State `yaml:"v2" json:"v2,omitempty"`
}

// Standard is one standards subscription.
type Standard struct {
	// ARN is a full standards ARN, or the part after "standards/" (e.g.
	// "aws-foundational-security-best-practices/v/1.0.0"), completed with the region.
	ARN    string `yaml:"arn" json:"arn"`
	Status string `yaml:"status" json:"status,omitempty"` // READY (default) | PENDING | FAILED | DELETING | INCOMPLETE
}

// SecurityHubFinding is one ASFF finding; defaults follow a Security Hub
// control finding (generator security-control/<control>, compliance FAILED).
type SecurityHubFinding struct {
	ID            string   `yaml:"id" json:"id,omitempty"`
	Title         string   `yaml:"title" json:"title"`
	Description   string   `yaml:"description" json:"description,omitempty"`
	Severity      string   `yaml:"severity" json:"severity"`                   // CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL
	Control       string   `yaml:"control" json:"control,omitempty"`           // security control id, e.g. S3.8
	GeneratorID   string   `yaml:"generator_id" json:"generator_id,omitempty"` // default security-control/<control>
	ProductARN    string   `yaml:"product_arn" json:"product_arn,omitempty"`   // default Security Hub's
	Compliance    string   `yaml:"compliance" json:"compliance,omitempty"`     // PASSED|WARNING|FAILED|NOT_AVAILABLE; default FAILED for control findings
	RecordState   string   `yaml:"record_state" json:"record_state,omitempty"` // ACTIVE (default) | ARCHIVED
	Workflow      string   `yaml:"workflow" json:"workflow,omitempty"`         // NEW (default) | NOTIFIED | RESOLVED | SUPPRESSED
	Resource      Resource `yaml:"resource" json:"resource"`
	FirstObserved Time     `yaml:"first_observed" json:"first_observed,omitempty"`
	Updated       Time     `yaml:"updated" json:"updated,omitempty"` // default first_observed
}

// Resource names the resource a finding is about.
type Resource struct {
	Type string `yaml:"type" json:"type"`
	ID   string `yaml:"id" json:"id"`
	// Tags are the resource's tags, which Security Hub carries in a
	// finding's Resources[].Tags for some resource types; none by default.
	Tags map[string]string `yaml:"tags" json:"tags,omitempty"`
}

// GuardDutyState is GuardDuty in one region; no detector means GuardDuty is off.
type GuardDutyState struct {
	Detectors []Detector `yaml:"detectors" json:"detectors,omitempty"`
	// MalwareProtectionPlans are the account's Malware Protection for S3
	// plans in the region; they need no detector.
	MalwareProtectionPlans []MalwareProtectionPlan `yaml:"malware_protection_plans" json:"malware_protection_plans,omitempty"`
}

// Detector is one GuardDuty detector with its findings.
type Detector struct {
	ID      string `yaml:"id" json:"id,omitempty"` // 32 hex digits; generated when empty
	Status  string `yaml:"status" json:"status,omitempty"`
	Created Time   `yaml:"created" json:"created,omitempty"`
	Updated Time   `yaml:"updated" json:"updated,omitempty"`
	// FindingPublishingFrequency is FIFTEEN_MINUTES|ONE_HOUR|SIX_HOURS (default).
	FindingPublishingFrequency string `yaml:"finding_publishing_frequency" json:"finding_publishing_frequency,omitempty"`
	// Features overrides protection plan statuses; CLOUD_TRAIL, DNS_LOGS and
	// FLOW_LOGS default to ENABLED, every other plan to DISABLED.
	Features map[string]string `yaml:"features" json:"features,omitempty"`
	// AdditionalConfiguration overrides the statuses of a feature's
	// additional configuration (e.g. RUNTIME_MONITORING's
	// EC2_AGENT_MANAGEMENT), which otherwise follow the feature's status.
	AdditionalConfiguration map[string]map[string]string `yaml:"additional_configuration" json:"additional_configuration,omitempty"`
	Findings                []GuardDutyFinding           `yaml:"findings" json:"findings,omitempty"`
	// Coverage is Runtime Monitoring's coverage of the account's resources.
	Coverage []GuardDutyCoverageResource `yaml:"coverage" json:"coverage,omitempty"`
}

// GuardDutyFinding is one GuardDuty finding.
type GuardDutyFinding struct {
	ID          string  `yaml:"id" json:"id,omitempty"`
	Type        string  `yaml:"type" json:"type"`
	Title       string  `yaml:"title" json:"title"`
	Description string  `yaml:"description" json:"description,omitempty"`
	Severity    float64 `yaml:"severity" json:"severity"`
	Archived    bool    `yaml:"archived" json:"archived,omitempty"`
	Count       int     `yaml:"count" json:"count,omitempty"`
	Created     Time    `yaml:"created" json:"created,omitempty"`
	Updated     Time    `yaml:"updated" json:"updated,omitempty"`
	// Resource.Type is Instance, AccessKey, S3Bucket, EKSCluster, Lambda or RDSDBInstance.
	Resource Resource `yaml:"resource" json:"resource"`
	// Sequence makes the finding an attack sequence (type AttackSequence:*).
	Sequence *GuardDutySequence `yaml:"sequence" json:"sequence,omitempty"`
}

// CloudTrailState holds the trails whose home region is this region.
type CloudTrailState struct {
	Trails []Trail `yaml:"trails" json:"trails,omitempty"`
}

// Trail is a trail in its home region, with its status and selectors.
type Trail struct {
	Name                       string `yaml:"name" json:"name"`
	MultiRegion                bool   `yaml:"multi_region" json:"multi_region,omitempty"`
	Organization               bool   `yaml:"organization" json:"organization,omitempty"`
	S3Bucket                   string `yaml:"s3_bucket" json:"s3_bucket"`
	S3KeyPrefix                string `yaml:"s3_key_prefix" json:"s3_key_prefix,omitempty"`
	KMSKeyID                   string `yaml:"kms_key_id" json:"kms_key_id,omitempty"`
	LogFileValidation          bool   `yaml:"log_file_validation" json:"log_file_validation,omitempty"`
	CloudWatchLogsLogGroupARN  string `yaml:"cloudwatch_logs_log_group_arn" json:"cloudwatch_logs_log_group_arn,omitempty"`
	CloudWatchLogsRoleARN      string `yaml:"cloudwatch_logs_role_arn" json:"cloudwatch_logs_role_arn,omitempty"`
	IncludeGlobalServiceEvents *bool  `yaml:"include_global_service_events" json:"include_global_service_events,omitempty"`

	Logging                           bool   `yaml:"logging" json:"logging"`
	StartLogging                      Time   `yaml:"start_logging" json:"start_logging,omitempty"`
	StopLogging                       Time   `yaml:"stop_logging" json:"stop_logging,omitempty"`
	LatestDelivery                    Time   `yaml:"latest_delivery" json:"latest_delivery,omitempty"`
	LatestDeliveryError               string `yaml:"latest_delivery_error" json:"latest_delivery_error,omitempty"`
	LatestCloudWatchLogsDelivery      Time   `yaml:"latest_cloudwatch_logs_delivery" json:"latest_cloudwatch_logs_delivery,omitempty"`
	LatestCloudWatchLogsDeliveryError string `yaml:"latest_cloudwatch_logs_delivery_error" json:"latest_cloudwatch_logs_delivery_error,omitempty"`

	// RegionStatus overrides the delivery facts GetTrailStatus answers in
	// one region of a multi-region trail: AWS returns trail status from a
	// single Region, and delivery from each Region can fail on its own.
	RegionStatus map[string]TrailRegionStatus `yaml:"region_status" json:"region_status,omitempty"`

	// EventSelectors default to all management events when neither kind is set.
	EventSelectors         []EventSelector         `yaml:"event_selectors" json:"event_selectors,omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `yaml:"advanced_event_selectors" json:"advanced_event_selectors,omitempty"`
}

// TrailRegionStatus is what GetTrailStatus answers in one region instead of
// the trail's own delivery facts; unset fields keep the trail's.
type TrailRegionStatus struct {
	LatestDelivery                    Time   `yaml:"latest_delivery" json:"latest_delivery,omitempty"`
	LatestDeliveryError               string `yaml:"latest_delivery_error" json:"latest_delivery_error,omitempty"`
	LatestCloudWatchLogsDelivery      Time   `yaml:"latest_cloudwatch_logs_delivery" json:"latest_cloudwatch_logs_delivery,omitempty"`
	LatestCloudWatchLogsDeliveryError string `yaml:"latest_cloudwatch_logs_delivery_error" json:"latest_cloudwatch_logs_delivery_error,omitempty"`
}

// EventSelector is a basic CloudTrail event selector.
type EventSelector struct {
	ReadWriteType           string `yaml:"read_write_type" json:"read_write_type"` // ReadOnly|WriteOnly|All
	IncludeManagementEvents *bool  `yaml:"include_management_events" json:"include_management_events,omitempty"`
	// ExcludeManagementEventSources are kms.amazonaws.com and/or
	// rdsdata.amazonaws.com, the only values AWS accepts.
	ExcludeManagementEventSources []string `yaml:"exclude_management_event_sources" json:"exclude_management_event_sources,omitempty"`
}

// AdvancedEventSelector is an advanced CloudTrail event selector.
type AdvancedEventSelector struct {
	Name           string          `yaml:"name" json:"name,omitempty"`
	FieldSelectors []FieldSelector `yaml:"field_selectors" json:"field_selectors"`
}

// FieldSelector is one condition of an advanced event selector.
type FieldSelector struct {
	Field     string   `yaml:"field" json:"field"`
	Equals    []string `yaml:"equals" json:"equals,omitempty"`
	NotEquals []string `yaml:"not_equals" json:"not_equals,omitempty"`
}

// EC2State holds the EC2 instances of one region.
type EC2State struct {
	Instances []Instance `yaml:"instances" json:"instances,omitempty"`
}

// Instance is one EC2 instance.
type Instance struct {
	ID        string            `yaml:"id" json:"id"`
	State     string            `yaml:"state" json:"state,omitempty"` // pending|running (default)|shutting-down|terminated|stopping|stopped
	Name      string            `yaml:"name" json:"name,omitempty"`   // the Name tag
	Type      string            `yaml:"type" json:"type,omitempty"`   // default t3.micro
	Platform  string            `yaml:"platform" json:"platform,omitempty"`
	ImageID   string            `yaml:"image_id" json:"image_id,omitempty"`
	PrivateIP string            `yaml:"private_ip" json:"private_ip,omitempty"`
	Launched  Time              `yaml:"launched" json:"launched,omitempty"`
	Tags      map[string]string `yaml:"tags" json:"tags,omitempty"`
}

// SSMState holds the Systems Manager managed nodes of one region.
type SSMState struct {
	ManagedNodes []ManagedNode `yaml:"managed_nodes" json:"managed_nodes,omitempty"`
}

// ManagedNode is one SSM managed node: an EC2 instance (i-…) or a hybrid
// activation (mi-…), with its patch state if it has one.
type ManagedNode struct {
	ID              string      `yaml:"id" json:"id"`
	PingStatus      string      `yaml:"ping_status" json:"ping_status,omitempty"` // Online (default) | ConnectionLost | Inactive (deprecated: AWS no longer reports it)
	LastPing        Time        `yaml:"last_ping" json:"last_ping,omitempty"`
	AgentVersion    string      `yaml:"agent_version" json:"agent_version,omitempty"`
	LatestVersion   *bool       `yaml:"latest_version" json:"latest_version,omitempty"`
	PlatformType    string      `yaml:"platform_type" json:"platform_type,omitempty"` // Linux (default) | Windows | MacOS
	PlatformName    string      `yaml:"platform_name" json:"platform_name,omitempty"`
	PlatformVersion string      `yaml:"platform_version" json:"platform_version,omitempty"`
	ResourceType    string      `yaml:"resource_type" json:"resource_type,omitempty"` // from the id prefix when empty
	ComputerName    string      `yaml:"computer_name" json:"computer_name,omitempty"`
	IPAddress       string      `yaml:"ip_address" json:"ip_address,omitempty"`
	Patch           *PatchState `yaml:"patch" json:"patch,omitempty"`
}

// PatchState is a managed node's patch compliance summary.
type PatchState struct {
	PatchGroup             string `yaml:"patch_group" json:"patch_group,omitempty"`
	BaselineID             string `yaml:"baseline_id" json:"baseline_id,omitempty"`
	Installed              int    `yaml:"installed" json:"installed,omitempty"`
	InstalledOther         int    `yaml:"installed_other" json:"installed_other,omitempty"`
	InstalledPendingReboot int    `yaml:"installed_pending_reboot" json:"installed_pending_reboot,omitempty"`
	InstalledRejected      int    `yaml:"installed_rejected" json:"installed_rejected,omitempty"`
	Missing                int    `yaml:"missing" json:"missing,omitempty"`
	Failed                 int    `yaml:"failed" json:"failed,omitempty"`
	NotApplicable          int    `yaml:"not_applicable" json:"not_applicable,omitempty"`
	CriticalNonCompliant   int    `yaml:"critical_non_compliant" json:"critical_non_compliant,omitempty"`
	SecurityNonCompliant   int    `yaml:"security_non_compliant" json:"security_non_compliant,omitempty"`
	OtherNonCompliant      int    `yaml:"other_non_compliant" json:"other_non_compliant,omitempty"`
	// AvailableSecurityUpdate are security updates available but not
	// approved by the baseline; AWS reports them for Windows Server only.
	AvailableSecurityUpdate int    `yaml:"available_security_update" json:"available_security_update,omitempty"`
	Operation               string `yaml:"operation" json:"operation,omitempty"` // Scan (default) | Install
	OperationStart          Time   `yaml:"operation_start" json:"operation_start,omitempty"`
	OperationEnd            Time   `yaml:"operation_end" json:"operation_end,omitempty"` // default operation_start + 4m
}

// Fault makes matching calls fail or slow down. Empty or "*" selectors match
// anything. For sts:AssumeRole, Account is the account whose role is assumed.
type Fault struct {
	Account   AccountID `yaml:"account" json:"account,omitempty"`
	Region    string    `yaml:"region" json:"region,omitempty"`
	Service   string    `yaml:"service" json:"service,omitempty"`     // signing name: securityhub, guardduty, cloudtrail, ssm, ec2, sts, organizations, account
	Operation string    `yaml:"operation" json:"operation,omitempty"` // e.g. DescribeInstanceInformation
	// Code is the AWS error code returned; empty for a latency-only fault.
	Code       string `yaml:"code" json:"code,omitempty"`
	Message    string `yaml:"message" json:"message,omitempty"`
	HTTPStatus int    `yaml:"http_status" json:"http_status,omitempty"` // default from the code (403 for access denied, 429/400 for throttling…)
	// Rate is the probability that a matching call fails, in (0, 1]; 0 means 1.
	Rate float64 `yaml:"rate" json:"rate,omitempty"`
	// Latency delays every matching call, e.g. "40ms".
	Latency Duration `yaml:"latency" json:"latency,omitempty"`
}

// AccountID is a 12-digit account id. In YAML it may be written unquoted:
// it is read as written, so a leading zero is kept (not read as octal).
type AccountID string

// UnmarshalYAML keeps the scalar's text as written.
func (a *AccountID) UnmarshalYAML(b []byte) error {
	*a = AccountID(unquoteScalar(b))
	return nil
}

// Time is an absolute RFC 3339 time or a time relative to the server clock
// at Start: "now", "3d", "36h", "2d12h", "-90m" (all in the past) or "+1h"
// (in the future). Empty means unset.
type Time string

// Duration is a Go duration ("40ms", "1.5s") that may also use days ("2d").
type Duration string

// UnmarshalYAML keeps the scalar's text as written, so that an unquoted
// RFC 3339 timestamp or a bare number is not reinterpreted.
func (t *Time) UnmarshalYAML(b []byte) error {
	*t = Time(unquoteScalar(b))
	return nil
}

// UnmarshalYAML keeps the scalar's text as written.
func (d *Duration) UnmarshalYAML(b []byte) error {
	*d = Duration(unquoteScalar(b))
	return nil
}

func unquoteScalar(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}
