package baseline.controls.guardduty.protection_plans_test

import data.baseline.controls.guardduty.protection_plans

all_features := [{"name": name, "status": "ENABLED"} | some name in [
	"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION",
	"RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING",
]]

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
		"message": "protection plans not ENABLED: EKS_AUDIT_LOGS (DISABLED), RUNTIME_MONITORING (not present)",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": [
		{"name": "S3_DATA_EVENTS", "status": "ENABLED"},
		{"name": "EKS_AUDIT_LOGS", "status": "DISABLED"},
		{"name": "EBS_MALWARE_PROTECTION", "status": "ENABLED"},
		{"name": "RDS_LOGIN_EVENTS", "status": "ENABLED"},
		{"name": "LAMBDA_NETWORK_LOGS", "status": "ENABLED"},
	]}])
}

test_required_features_from_config if {
	protection_plans.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "required protection plans are ENABLED: S3_DATA_EVENTS",
	}} with input as region([{"id": "d1", "status": "ENABLED", "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]}])
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
