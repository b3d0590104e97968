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
		{"status": "PASS", "region": "us-east-1", "resource": "", "message": "no managed EC2 instances in this region"},
	} with input as account({
		"eu-west-1": {
			"instances": [],
			"managed_nodes": [node("i-ok", "EC2Instance"), node("i-bad", "EC2Instance"), node("i-new", "EC2Instance"), node("mi-hybrid", "ManagedInstance")],
			"patch_states": [
				state("i-ok", {"other_non_compliant_count": 4}),
				state("i-bad", {"missing_count": 3, "installed_pending_reboot_count": 1, "critical_non_compliant_count": 2}),
			],
		},
		"us-east-1": {"instances": [], "managed_nodes": [node("mi-hybrid", "ManagedInstance")], "patch_states": []},
	})
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
