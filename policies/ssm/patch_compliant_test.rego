package baseline.controls.ssm.patch_compliant_test

import data.baseline.controls.ssm.patch_compliant

account(ssm) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1", "us-east-1"],
	"ssm": ssm,
}

node(id, type) := {"instance_id": id, "ping_status": "Online", "last_ping_at": "2025-06-30T11:59:00Z", "agent_version": "3.3.1", "platform_type": "Linux", "resource_type": type}

state(id, counts) := object.union(
	{
		"instance_id": id, "patch_group": "prod",
		"missing_count": 0, "failed_count": 0, "installed_pending_reboot_count": 0,
		"installed_rejected_count": 0, "available_security_update_count": 0,
		"critical_non_compliant_count": 0, "security_non_compliant_count": 0, "other_non_compliant_count": 0,
		"operation": "Scan", "operation_end_time": "2025-06-29T00:00:00Z",
	},
	counts,
)

test_compliant_non_compliant_and_unscanned if {
	patch_compliant.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": "i-ok", "message": "patch compliant (patch group \"prod\")"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-bad", "message": "patches not compliant: 3 missing, 1 installed pending reboot, 2 critical non-compliant"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-new", "message": "no patch state: the instance has never been scanned"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no managed EC2 instances in this region"},
	} with input as account({
		"eu-west-1": {
			"instances": [],
			"managed_nodes": [node("i-ok", "EC2Instance"), node("i-bad", "EC2Instance"), node("i-new", "EC2Instance"), node("mi-hybrid", "ManagedInstance")],
			"patch_states": [
				state("i-ok", {}),
				state("i-bad", {"missing_count": 3, "installed_pending_reboot_count": 1, "critical_non_compliant_count": 2}),
			],
		},
		"us-east-1": {"instances": [], "managed_nodes": [node("mi-hybrid", "ManagedInstance")], "patch_states": []},
	})
}

# Every counter AWS documents as NON_COMPLIANT fails the node: rejected
# patches still installed (INSTALLED_REJECTED) and other non-compliant
# patches (OtherNonCompliantCount) too, not only the five counters above.
test_every_non_compliant_counter_fails if {
	patch_compliant.results == {
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-rejected", "message": "patches not compliant: 2 installed rejected"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-other", "message": "patches not compliant: 4 other non-compliant"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-failed", "message": "patches not compliant: 1 failed, 1 security non-compliant"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-win", "message": "patches not compliant: 3 available security updates not approved by the baseline"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no managed EC2 instances in this region"},
	} with input as account({
		"eu-west-1": {
			"instances": [],
			"managed_nodes": [node("i-rejected", "EC2Instance"), node("i-other", "EC2Instance"), node("i-failed", "EC2Instance"), node("i-win", "EC2Instance")],
			"patch_states": [
				state("i-rejected", {"installed_rejected_count": 2}),
				state("i-other", {"other_non_compliant_count": 4}),
				state("i-failed", {"failed_count": 1, "security_non_compliant_count": 1}),
				state("i-win", {"available_security_update_count": 3}),
			],
		},
		"us-east-1": {"instances": [], "managed_nodes": [], "patch_states": []},
	})
}

# Available security updates count only when the baselines mark them
# NON_COMPLIANT (AvailableSecurityUpdatesComplianceStatus); the config says so.
test_available_security_updates_compliant_by_config if {
	patch_compliant.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": "i-win", "message": "patch compliant (patch group \"prod\")"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no managed EC2 instances in this region"},
	} with input as account({
		"eu-west-1": {"instances": [], "managed_nodes": [node("i-win", "EC2Instance")], "patch_states": [state("i-win", {"available_security_update_count": 3})]},
		"us-east-1": {"instances": [], "managed_nodes": [], "patch_states": []},
	})
		with data.baseline.config.ssm.available_security_updates_non_compliant as false
}

test_unobserved_facts_error if {
	patch_compliant.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "patch states not observed: DescribeInstancePatchStates did not succeed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "managed nodes not observed: DescribeInstanceInformation did not succeed"},
	} with input as account({
		"eu-west-1": {"instances": [], "managed_nodes": [node("i-ok", "EC2Instance")], "patch_states": null},
		"us-east-1": {"instances": [], "managed_nodes": null, "patch_states": null},
	})
}
