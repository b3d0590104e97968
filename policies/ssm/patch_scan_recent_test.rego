package baseline.controls.ssm.patch_scan_recent_test

import data.baseline.controls.ssm.patch_scan_recent

account(ssm) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1", "us-east-1"],
	"ssm": ssm,
}

node(id) := {"instance_id": id, "ping_status": "Online", "last_ping_at": "2025-06-30T11:59:00Z", "agent_version": "3.3.1", "platform_type": "Linux", "resource_type": "EC2Instance"}

state(id, operation, end_time) := {
	"instance_id": id, "patch_group": "",
	"missing_count": 0, "failed_count": 0, "installed_pending_reboot_count": 0,
	"critical_non_compliant_count": 0, "security_non_compliant_count": 0, "other_non_compliant_count": 0,
	"operation": operation, "operation_end_time": end_time,
}

test_recent_stale_and_missing_scans if {
	patch_scan_recent.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": "i-recent", "message": "last patch Install finished 2 days ago"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-stale", "message": "last patch Scan finished 10 days ago (limit 7 days)"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-unfinished", "message": "no patch Scan has finished"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-never", "message": "no patch state: no patch scan has been recorded"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no managed EC2 instances in this region"},
	} with input as account({
		"eu-west-1": {
			"instances": [],
			"managed_nodes": [node("i-recent"), node("i-stale"), node("i-unfinished"), node("i-never")],
			"patch_states": [
				state("i-recent", "Install", "2025-06-28T06:00:00Z"),
				state("i-stale", "Scan", "2025-06-20T12:00:00Z"),
				state("i-unfinished", "Scan", null),
			],
		},
		"us-east-1": {"instances": [], "managed_nodes": [], "patch_states": []},
	})
}

test_window_from_config if {
	patch_scan_recent.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": "i-stale", "message": "last patch Scan finished 10 days ago"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no managed EC2 instances in this region"},
	} with input as account({
		"eu-west-1": {"instances": [], "managed_nodes": [node("i-stale")], "patch_states": [state("i-stale", "Scan", "2025-06-20T12:00:00Z")]},
		"us-east-1": {"instances": [], "managed_nodes": [], "patch_states": []},
	})
		with data.baseline.config.ssm.patch_scan_max_age_days as 14
}

test_patch_states_not_observed_error if {
	patch_scan_recent.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "patch states not observed: DescribeInstancePatchStates did not succeed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "managed nodes not observed: DescribeInstanceInformation did not succeed"},
	} with input as account({"eu-west-1": {"instances": [], "managed_nodes": [node("i-1")], "patch_states": null}})
}
