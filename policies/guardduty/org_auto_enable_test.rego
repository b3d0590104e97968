package baseline.controls.guardduty.org_auto_enable_test

import data.baseline.controls.guardduty.org_auto_enable

agents(s) := [{"name": n, "auto_enable": s} | some n in ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"]]

features(s) := [{"name": n, "auto_enable": s, "additional_configuration": extra} |
	some n in ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"]
	extra := agents_for(n, s)
]

agents_for("RUNTIME_MONITORING", s) := agents(s)

agents_for(n, _) := [] if n != "RUNTIME_MONITORING"

org(members, fs) := {"auto_enable_organization_members": members, "auto_enable": members != "NONE", "member_account_limit_reached": false, "features": fs}

input_with(guardduty) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": object.keys(guardduty),
	"guardduty": guardduty,
}

test_all_members_and_features_pass if {
	org_auto_enable.results == {{"status": "PASS", "region": "us-east-1", "resource": "", "message": "organization auto-enables GuardDuty and S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, LAMBDA_NETWORK_LOGS, RUNTIME_MONITORING for members (ALL)"}} with input as input_with({"us-east-1": {"organization": org("ALL", features("ALL"))}})
}

test_new_only_and_none_fail if {
	fs := array.concat([f | some f in features("ALL"); f.name != "RUNTIME_MONITORING"; f.name != "RDS_LOGIN_EVENTS"], [
		{"name": "RDS_LOGIN_EVENTS", "auto_enable": "NONE", "additional_configuration": []},
		{"name": "RUNTIME_MONITORING", "auto_enable": "ALL", "additional_configuration": [{"name": "EC2_AGENT_MANAGEMENT", "auto_enable": "NEW"}]},
	])
	org_auto_enable.results == {{"status": "FAIL", "region": "us-east-1", "resource": "", "message": "organization auto-enable is short of ALL: GuardDuty for members NEW; RDS_LOGIN_EVENTS NONE; RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT (not set); RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT (not set); RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT NEW"}} with input as input_with({"us-east-1": {"organization": org("NEW", fs)}})
}

test_new_accepted_by_config if {
	org_auto_enable.results == {{"status": "PASS", "region": "us-east-1", "resource": "", "message": "organization auto-enables GuardDuty and S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, LAMBDA_NETWORK_LOGS, RUNTIME_MONITORING for members (NEW)"}} with input as input_with({"us-east-1": {"organization": org("NEW", features("NEW"))}})
		with data.baseline.config.guardduty.org_auto_enable as ["ALL", "NEW"]
}

test_missing_feature_and_limit_fail if {
	o := object.union(org("ALL", [f | some f in features("ALL"); f.name != "LAMBDA_NETWORK_LOGS"]), {"member_account_limit_reached": true})
	org_auto_enable.results == {{"status": "FAIL", "region": "us-east-1", "resource": "", "message": "organization auto-enable is short of ALL: member account limit reached: new members are no longer auto-enabled; LAMBDA_NETWORK_LOGS not in the organization configuration"}} with input as input_with({"us-east-1": {"organization": o}})
}

test_no_administrator_view_not_applicable if {
	org_auto_enable.results == {{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "not judged here: the organization configuration is read from the GuardDuty delegated administrator (--collection auto or admin) and judged on its account"}} with input as input_with({"us-east-1": {"organization": null}})
}
