package awssim

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// path locates a value in the world document: string keys and int indexes.
type path []any

func (p path) key(k string) path { return append(p[:len(p):len(p)], k) }
func (p path) idx(i int) path    { return append(p[:len(p):len(p)], i) }

func (p path) String() string {
	var b strings.Builder
	for _, seg := range p {
		switch v := seg.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		}
	}
	return b.String()
}

// issue is the first problem found in a world.
type issue struct {
	path path
	msg  string
}

func (i *issue) String() string {
	if len(i.path) == 0 {
		return i.msg
	}
	return i.path.String() + ": " + i.msg
}

// Known value sets of the world document.
var (
	knownRegions = []string{
		"af-south-1",
		"ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
		"ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
		"ca-central-1", "ca-west-1",
		"cn-north-1", "cn-northwest-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
		"eu-west-1", "eu-west-2", "eu-west-3",
		"il-central-1",
		"me-central-1", "me-south-1",
		"mx-central-1",
		"sa-east-1",
		"us-east-1", "us-east-2", "us-west-1", "us-west-2",
		"us-gov-east-1", "us-gov-west-1",
	}
	// optInRegions must be enabled by the account owner before use.
	optInRegions = []string{
		"af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1", "eu-central-2",
		"eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
	}
	services = []string{"securityhub", "guardduty", "cloudtrail", "ssm", "ec2", "sts", "organizations", "account"}

	severityLabels     = []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"}
	complianceStatuses = []string{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"}
	recordStates       = []string{"ACTIVE", "ARCHIVED"}
	workflowStatuses   = []string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}
	standardStatuses   = []string{"PENDING", "READY", "FAILED", "DELETING", "INCOMPLETE"}
	accountStatuses    = []string{"ACTIVE", "SUSPENDED"}
	detectorStatuses   = []string{"ENABLED", "DISABLED"}
	publishFrequencies = []string{"FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"}
	gdResourceTypes    = []string{"Instance", "AccessKey", "S3Bucket", "EKSCluster", "Lambda", "RDSDBInstance", "ECSCluster", "Container"}
	readWriteTypes     = []string{"ReadOnly", "WriteOnly", "All"}
	// excludableSources are the ExcludeManagementEventSources values the
	// CloudTrail API accepts (EventSelector in the API reference).
	excludableSources   = []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}
	instanceStates      = []string{"pending", "running", "shutting-down", "terminated", "stopping", "stopped"}
	pingStatuses        = []string{"Online", "ConnectionLost", "Inactive"}
	platformTypes       = []string{"Linux", "Windows", "MacOS"}
	nodeResourceTypes   = []string{"EC2Instance", "ManagedInstance"}
	patchOperations     = []string{"Scan", "Install"}
	guardDutyFeatures   = []string{"CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}
	regionLinkingModes  = []string{"ALL_REGIONS", "ALL_REGIONS_EXCEPT_SPECIFIED", "SPECIFIED_REGIONS", "NO_REGIONS"}
	accountIDPattern    = regexp.MustCompile(`^\d{12}$`)
	detectorIDPattern   = regexp.MustCompile(`^[0-9a-f]{32}$`)
	instanceIDPattern   = regexp.MustCompile(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)
	hybridIDPattern     = regexp.MustCompile(`^mi-[0-9a-f]{17}$`)
	roleNamePattern     = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	trailNamePattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$`)
	organizationPattern = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// validator collects the first issue; later checks are skipped once one is found.
type validator struct {
	first *issue
	now   time.Time
}

func (v *validator) fail(p path, format string, args ...any) {
	if v.first == nil {
		v.first = &issue{path: p, msg: fmt.Sprintf(format, args...)}
	}
}

func (v *validator) enum(p path, value string, allowed []string) {
	if value != "" && !slices.Contains(allowed, value) {
		v.fail(p, "%q is not one of %s", value, strings.Join(allowed, ", "))
	}
}

func (v *validator) required(p path, value string) {
	if strings.TrimSpace(value) == "" {
		v.fail(p, "is required")
	}
}

func (v *validator) time(p path, t Time) {
	if _, err := parseTime(t, v.now); err != nil {
		v.fail(p, "%v", err)
	}
}

func (v *validator) accountID(p path, id AccountID) {
	if !accountIDPattern.MatchString(string(id)) {
		v.fail(p, "account id %q is not 12 digits (quote ids that start with 0)", string(id))
	}
}

// validate returns the first problem in the world, or nil.
func (w *World) validate() *issue {
	v := &validator{now: time.Now()}
	root := path{}
	if w.OrganizationID != "" && !organizationPattern.MatchString(w.OrganizationID) {
		v.fail(root.key("organization_id"), "%q is not an organization id like o-a1b2c3d4e5", w.OrganizationID)
	}
	seenRegion := map[string]bool{}
	for i, r := range w.Regions {
		p := root.key("regions").idx(i)
		if !slices.Contains(knownRegions, r) {
			v.fail(p, "unknown region %q", r)
		}
		if seenRegion[r] {
			v.fail(p, "region %q is listed twice", r)
		}
		seenRegion[r] = true
	}
	for _, r := range slices.Sorted(maps.Keys(w.GuardDutyFeaturesNotOffered)) {
		p := root.key("guardduty_features_not_offered").key(r)
		if !slices.Contains(knownRegions, r) {
			v.fail(p, "unknown region %q", r)
		}
		for i, f := range w.GuardDutyFeaturesNotOffered[r] {
			v.enum(p.idx(i), f, guardDutyFeatures)
		}
	}
	if len(w.Accounts) == 0 {
		v.fail(root.key("accounts"), "a world needs at least one account")
	}
	ids := map[AccountID]bool{}
	management := 0
	for i := range w.Accounts {
		a := &w.Accounts[i]
		p := root.key("accounts").idx(i)
		v.accountID(p.key("id"), a.ID)
		if ids[a.ID] {
			v.fail(p.key("id"), "account %s is listed twice", a.ID)
		}
		ids[a.ID] = true
		v.required(p.key("name"), a.Name)
		v.enum(p.key("status"), a.Status, accountStatuses)
		v.time(p.key("joined"), a.Joined)
		if a.Management {
			management++
			if management > 1 {
				v.fail(p.key("management"), "only one account can be the management account")
			}
		}
		if a.RoleName != "" && !roleNamePattern.MatchString(a.RoleName) {
			v.fail(p.key("role_name"), "%q is not a valid IAM role name", a.RoleName)
		}
		for j, t := range a.TrustedAccounts {
			v.accountID(p.key("trusted_accounts").idx(j), t)
		}
		v.tags(p.key("tags"), a.Tags)
		trailNames := map[string]bool{}
		for _, r := range slices.Sorted(maps.Keys(a.Regions)) {
			rp := p.key("regions").key(r)
			if !slices.Contains(knownRegions, r) {
				v.fail(rp, "unknown region %q", r)
			} else if len(w.Regions) > 0 && !seenRegion[r] {
				v.fail(rp, "region %q is not in the world's regions (%s)", r, strings.Join(w.Regions, ", "))
			}
			if st := a.Regions[r]; st != nil {
				v.region(rp, a, st, trailNames)
			}
		}
	}
	if len(w.Accounts) > 0 && management == 0 {
		v.fail(root.key("accounts"), "no account has management: true")
	}
	if da := w.DelegatedAdmin; da != nil {
		dp := root.key("delegated_admin")
		for key, id := range map[string]AccountID{"securityhub": da.SecurityHub, "guardduty": da.GuardDuty, "ssm": da.SSM} {
			if id != "" && !ids[id] {
				v.fail(dp.key(key), "account %q is not in the world", string(id))
			}
		}
		for i, id := range da.NotMembers {
			if !ids[id] {
				v.fail(dp.key("not_members").idx(i), "account %q is not in the world", string(id))
			}
		}
		for i, id := range da.GuardDutyNotAssociated {
			switch {
			case !ids[id]:
				v.fail(dp.key("guardduty_not_associated").idx(i), "account %q is not in the world", string(id))
			case da.GuardDuty == "":
				v.fail(dp.key("guardduty_not_associated"), "members not associated need a guardduty administrator")
			}
		}
		for _, r := range slices.Sorted(maps.Keys(da.GuardDutyOrganization)) {
			o := da.GuardDutyOrganization[r]
			if !slices.Contains(knownRegions, r) {
				v.fail(dp.key("guardduty_organization").key(r), "unknown region %q", r)
			}
			v.validateGuardDutyOrganization(dp.key("guardduty_organization").key(r), &o)
		}
		v.ssmSync(dp, da)
		if fa := da.FindingAggregator; fa != nil {
			fp := dp.key("finding_aggregator")
			if da.SecurityHub == "" {
				v.fail(fp, "a finding aggregator needs a securityhub administrator")
			}
			if !slices.Contains(knownRegions, fa.Region) {
				v.fail(fp.key("region"), "unknown region %q", fa.Region)
			}
			v.enum(fp.key("region_linking_mode"), fa.RegionLinkingMode, regionLinkingModes)
			for i, r := range fa.Regions {
				if !slices.Contains(knownRegions, r) {
					v.fail(fp.key("regions").idx(i), "unknown region %q", r)
				}
			}
		}
	}
	for i := range w.Faults {
		v.fault(root.key("faults").idx(i), &w.Faults[i])
	}
	return v.first
}

func (v *validator) region(p path, a *Account, st *RegionState, trailNames map[string]bool) {
	if sh := st.SecurityHub; sh != nil {
		sp := p.key("securityhub")
		v.time(sp.key("subscribed_at"), sh.SubscribedAt)
		v.securityHubV2(sp.key("v2"), sh.V2)
		for i, s := range sh.Standards {
			v.required(sp.key("standards").idx(i).key("arn"), s.ARN)
			v.enum(sp.key("standards").idx(i).key("status"), s.Status, standardStatuses)
		}
		seen := map[string]bool{}
		for i, f := range sh.Findings {
			fp := sp.key("findings").idx(i)
			v.required(fp.key("title"), f.Title)
			v.required(fp.key("severity"), f.Severity)
			v.enum(fp.key("severity"), f.Severity, severityLabels)
			v.enum(fp.key("compliance"), f.Compliance, complianceStatuses)
			v.enum(fp.key("record_state"), f.RecordState, recordStates)
			v.enum(fp.key("workflow"), f.Workflow, workflowStatuses)
			v.time(fp.key("first_observed"), f.FirstObserved)
			v.time(fp.key("updated"), f.Updated)
			if f.ID != "" {
				if seen[f.ID] {
					v.fail(fp.key("id"), "finding id %q is used twice", f.ID)
				}
				seen[f.ID] = true
			}
		}
	}
	if gd := st.GuardDuty; gd != nil {
		gp := p.key("guardduty")
		v.validateGuardDutyExtras(gp, gd)
		if len(gd.Detectors) > 1 {
			v.fail(gp.key("detectors").idx(1), "GuardDuty has at most one detector per account and region")
		}
		for i, d := range gd.Detectors {
			dp := gp.key("detectors").idx(i)
			if d.ID != "" && !detectorIDPattern.MatchString(d.ID) {
				v.fail(dp.key("id"), "detector id %q is not 32 lowercase hex digits", d.ID)
			}
			v.enum(dp.key("status"), d.Status, detectorStatuses)
			v.enum(dp.key("finding_publishing_frequency"), d.FindingPublishingFrequency, publishFrequencies)
			v.time(dp.key("created"), d.Created)
			v.time(dp.key("updated"), d.Updated)
			for _, name := range slices.Sorted(maps.Keys(d.Features)) {
				v.enum(dp.key("features").key(name), name, guardDutyFeatures)
				v.enum(dp.key("features").key(name), d.Features[name], detectorStatuses)
			}
			for _, name := range slices.Sorted(maps.Keys(d.AdditionalConfiguration)) {
				fp := dp.key("additional_configuration").key(name)
				for _, extra := range slices.Sorted(maps.Keys(d.AdditionalConfiguration[name])) {
					if !slices.Contains(gdAdditional[name], extra) {
						v.fail(fp.key(extra), "%s has no additional configuration %s (it has %v)", name, extra, gdAdditional[name])
					}
					v.enum(fp.key(extra), d.AdditionalConfiguration[name][extra], detectorStatuses)
				}
			}
			seen := map[string]bool{}
			for j, f := range d.Findings {
				fp := dp.key("findings").idx(j)
				v.required(fp.key("type"), f.Type)
				v.required(fp.key("title"), f.Title)
				if f.Severity < 1 || f.Severity > 10 {
					v.fail(fp.key("severity"), "severity %v is outside 1.0–10.0", f.Severity)
				}
				v.required(fp.key("resource").key("type"), f.Resource.Type)
				v.enum(fp.key("resource").key("type"), f.Resource.Type, gdResourceTypes)
				v.time(fp.key("created"), f.Created)
				v.time(fp.key("updated"), f.Updated)
				if f.Count < 0 {
					v.fail(fp.key("count"), "count is negative")
				}
				if f.ID != "" {
					if seen[f.ID] {
						v.fail(fp.key("id"), "finding id %q is used twice", f.ID)
					}
					seen[f.ID] = true
				}
			}
		}
	}
	if ct := st.CloudTrail; ct != nil {
		for i, t := range ct.Trails {
			tp := p.key("cloudtrail").key("trails").idx(i)
			if !trailNamePattern.MatchString(t.Name) {
				v.fail(tp.key("name"), "trail name %q must be 3–128 letters, digits, '.', '_' or '-'", t.Name)
			}
			if trailNames[t.Name] {
				v.fail(tp.key("name"), "account %s has two trails named %q", a.ID, t.Name)
			}
			trailNames[t.Name] = true
			v.required(tp.key("s3_bucket"), t.S3Bucket)
			if t.Organization && !a.Management {
				v.fail(tp.key("organization"), "only the management account can have an organization trail")
			}
			for _, tf := range []struct {
				key string
				t   Time
			}{
				{"start_logging", t.StartLogging}, {"stop_logging", t.StopLogging},
				{"latest_delivery", t.LatestDelivery}, {"latest_cloudwatch_logs_delivery", t.LatestCloudWatchLogsDelivery},
			} {
				v.time(tp.key(tf.key), tf.t)
			}
			for _, r := range slices.Sorted(maps.Keys(t.RegionStatus)) {
				rs := t.RegionStatus[r]
				if !t.MultiRegion {
					v.fail(tp.key("region_status").key(r), "only a multi-region trail has a status per region")
				}
				v.time(tp.key("region_status").key(r).key("latest_delivery"), rs.LatestDelivery)
				v.time(tp.key("region_status").key(r).key("latest_cloudwatch_logs_delivery"), rs.LatestCloudWatchLogsDelivery)
			}
			if len(t.EventSelectors) > 0 && len(t.AdvancedEventSelectors) > 0 {
				v.fail(tp.key("advanced_event_selectors"), "a trail has basic or advanced event selectors, not both")
			}
			for j, s := range t.EventSelectors {
				v.required(tp.key("event_selectors").idx(j).key("read_write_type"), s.ReadWriteType)
				v.enum(tp.key("event_selectors").idx(j).key("read_write_type"), s.ReadWriteType, readWriteTypes)
				for k, src := range s.ExcludeManagementEventSources {
					v.required(tp.key("event_selectors").idx(j).key("exclude_management_event_sources").idx(k), src)
					v.enum(tp.key("event_selectors").idx(j).key("exclude_management_event_sources").idx(k), src, excludableSources)
				}
			}
			for j, s := range t.AdvancedEventSelectors {
				for k, f := range s.FieldSelectors {
					v.required(tp.key("advanced_event_selectors").idx(j).key("field_selectors").idx(k).key("field"), f.Field)
				}
			}
		}
	}
	if ec := st.EC2; ec != nil {
		seen := map[string]bool{}
		for i, in := range ec.Instances {
			ip := p.key("ec2").key("instances").idx(i)
			if !instanceIDPattern.MatchString(in.ID) {
				v.fail(ip.key("id"), "instance id %q is not like i-0123456789abcdef0", in.ID)
			}
			if seen[in.ID] {
				v.fail(ip.key("id"), "instance %s is listed twice", in.ID)
			}
			seen[in.ID] = true
			v.enum(ip.key("state"), in.State, instanceStates)
			v.time(ip.key("launched"), in.Launched)
		}
	}
	if sm := st.SSM; sm != nil {
		seen := map[string]bool{}
		for i, n := range sm.ManagedNodes {
			np := p.key("ssm").key("managed_nodes").idx(i)
			hybrid := hybridIDPattern.MatchString(n.ID)
			if !hybrid && !instanceIDPattern.MatchString(n.ID) {
				v.fail(np.key("id"), "managed node id %q is neither an instance id (i-…) nor a hybrid node id (mi- and 17 hex digits)", n.ID)
			}
			if seen[n.ID] {
				v.fail(np.key("id"), "managed node %s is listed twice", n.ID)
			}
			seen[n.ID] = true
			v.enum(np.key("ping_status"), n.PingStatus, pingStatuses)
			v.enum(np.key("platform_type"), n.PlatformType, platformTypes)
			v.enum(np.key("resource_type"), n.ResourceType, nodeResourceTypes)
			if n.ResourceType == "EC2Instance" && hybrid || n.ResourceType == "ManagedInstance" && !hybrid {
				v.fail(np.key("resource_type"), "resource type %s does not match node id %s", n.ResourceType, n.ID)
			}
			v.time(np.key("last_ping"), n.LastPing)
			if ps := n.Patch; ps != nil {
				pp := np.key("patch")
				v.enum(pp.key("operation"), ps.Operation, patchOperations)
				v.time(pp.key("operation_start"), ps.OperationStart)
				v.time(pp.key("operation_end"), ps.OperationEnd)
				for _, c := range []struct {
					key string
					n   int
				}{
					{"installed", ps.Installed}, {"installed_other", ps.InstalledOther},
					{"installed_pending_reboot", ps.InstalledPendingReboot}, {"installed_rejected", ps.InstalledRejected},
					{"missing", ps.Missing}, {"failed", ps.Failed}, {"not_applicable", ps.NotApplicable},
					{"critical_non_compliant", ps.CriticalNonCompliant}, {"security_non_compliant", ps.SecurityNonCompliant},
					{"other_non_compliant", ps.OtherNonCompliant}, {"available_security_update", ps.AvailableSecurityUpdate},
				} {
					if c.n < 0 {
						v.fail(pp.key(c.key), "count is negative")
					}
				}
				if ps.AvailableSecurityUpdate != 0 && n.PlatformType != "Windows" {
					v.fail(pp.key("available_security_update"), "AWS reports available security updates for Windows Server nodes only")
				}
			}
		}
	}
}

func (v *validator) fault(p path, f *Fault) {
	if f.Account != "" && f.Account != "*" {
		v.accountID(p.key("account"), f.Account)
	}
	if f.Region != "" && f.Region != "*" && f.Region != "global" && !slices.Contains(knownRegions, f.Region) {
		v.fail(p.key("region"), "unknown region %q", f.Region)
	}
	if f.Service != "" && f.Service != "*" {
		v.enum(p.key("service"), f.Service, services)
	}
	if f.Code == "" && f.Latency == "" {
		v.fail(p, "a fault needs a code, a latency or both")
	}
	if f.Rate < 0 || f.Rate > 1 {
		v.fail(p.key("rate"), "rate %v is outside 0–1", f.Rate)
	}
	if f.HTTPStatus != 0 && (f.HTTPStatus < 400 || f.HTTPStatus > 599) {
		v.fail(p.key("http_status"), "http_status %d is not an error status (400–599)", f.HTTPStatus)
	}
	if f.Latency != "" {
		if _, err := parseDuration(string(f.Latency)); err != nil {
			v.fail(p.key("latency"), "latency %q is not a duration like 40ms", string(f.Latency))
		}
	}
}

// Validate reports the first problem in a world built in Go, naming the field.
func (w *World) Validate() error {
	if i := w.validate(); i != nil {
		return fmt.Errorf("invalid world: %s", i)
	}
	return nil
}
