package baseline.controls.guardduty.protection_plans_test

import data.baseline.controls.guardduty.protection_plans

agents(status) := [{"name": name, "status": status} | some name in ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"]]

feature(name, status) := {"name": name, "status": status, "additional_configuration": []}

runtime(status, extra) := {"name": "RUNTIME_MONITORING", "status": status, "additional_configuration": extra}

all_features := array.concat(
	[feature(name, "ENABLED") | some name in ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"]],
	[runtime("ENABLED", agents("ENABLED"))],
)

without(features, name) := [f | some f in features; f.name != name]

region(detectors) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1"],
	"guardduty": {"eu-west-1": {"detectors": detectors, "finding_counts": {}, "high_findings": []}},
}

test_all_features_enabled_passes if {
	protection_plans.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "required protection plans are ENABLED: S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, LAMBDA_NETWORK_LOGS, RUNTIME_MONITORING",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": all_features}])
}

test_missing_features_fail if {
	protection_plans.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "protection plans not ENABLED: EKS_AUDIT_LOGS (DISABLED), RUNTIME_MONITORING (DISABLED)",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": [
		feature("S3_DATA_EVENTS", "ENABLED"),
		feature("EKS_AUDIT_LOGS", "DISABLED"),
		feature("EBS_MALWARE_PROTECTION", "ENABLED"),
		feature("RDS_LOGIN_EVENTS", "ENABLED"),
		feature("LAMBDA_NETWORK_LOGS", "ENABLED"),
		runtime("DISABLED", agents("DISABLED")),
	]}])
}

# Runtime Monitoring without GuardDuty managing its security agent monitors
# nothing the agent is not deployed to (GD-11): each agent management the
# config requires must be ENABLED too.
test_runtime_monitoring_without_agent_management_fails if {
	protection_plans.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "protection plans not ENABLED: RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT (not present), RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT (DISABLED)",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": array.concat(without(all_features, "RUNTIME_MONITORING"), [runtime("ENABLED", [
		{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"},
		{"name": "EC2_AGENT_MANAGEMENT", "status": "DISABLED"},
	])])}])
}

test_agent_management_from_config if {
	protection_plans.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "required protection plans are ENABLED: S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, LAMBDA_NETWORK_LOGS, RUNTIME_MONITORING",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": array.concat(without(all_features, "RUNTIME_MONITORING"), [runtime("ENABLED", [
		{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"},
		{"name": "EC2_AGENT_MANAGEMENT", "status": "DISABLED"},
	])])}])
		with data.baseline.config.guardduty.required_runtime_agent_management as ["EKS_ADDON_MANAGEMENT"]
}

# GetDetector leaves out a plan the region does not offer (GD-12): it is
# reported as not offered, not as a failure.
test_plan_not_offered_in_region_passes if {
	protection_plans.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "required protection plans are ENABLED: S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, LAMBDA_NETWORK_LOGS, RUNTIME_MONITORING; not offered in this region: RDS_LOGIN_EVENTS",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": without(all_features, "RDS_LOGIN_EVENTS")}])
}

test_plan_not_offered_still_fails_others if {
	protection_plans.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "protection plans not ENABLED: S3_DATA_EVENTS (DISABLED); not offered in this region: RDS_LOGIN_EVENTS",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": array.concat(
		without(without(all_features, "RDS_LOGIN_EVENTS"), "S3_DATA_EVENTS"),
		[feature("S3_DATA_EVENTS", "DISABLED")],
	)}])
}

test_no_required_plan_offered_not_applicable if {
	protection_plans.results == {{
		"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "",
		"message": "no required protection plan is offered in this region: RDS_LOGIN_EVENTS",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": without(all_features, "RDS_LOGIN_EVENTS")}])
		with data.baseline.config.guardduty.required_features as ["RDS_LOGIN_EVENTS"]
}

test_plan_not_offered_fails_when_strict if {
	protection_plans.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "protection plans not ENABLED: RDS_LOGIN_EVENTS (not offered in this region)",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": without(all_features, "RDS_LOGIN_EVENTS")}])
		with data.baseline.config.guardduty.unoffered_features_fail as true
}

test_required_features_from_config if {
	protection_plans.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "required protection plans are ENABLED: S3_DATA_EVENTS",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": [feature("S3_DATA_EVENTS", "ENABLED"), runtime("DISABLED", agents("DISABLED"))]}])
		with data.baseline.config.guardduty.required_features as ["S3_DATA_EVENTS"]
}

test_no_detector_fails if {
	protection_plans.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "no GuardDuty detector in this region",
	}} with input as region([])
}

test_disabled_detector_fails if {
	protection_plans.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "GuardDuty detector is not ENABLED",
	}} with input as region([{"id": "d1", "status": "DISABLED", "features": all_features}])
}

test_detectors_not_observed_errors if {
	protection_plans.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "GuardDuty detectors not observed",
	}} with input as region(null)
}
