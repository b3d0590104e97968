package baseline.controls.ssm.instances_managed_test

import data.baseline.controls.ssm.instances_managed

account(ssm) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1", "us-east-1"],
	"ssm": ssm,
}

node(id) := {"instance_id": id, "ping_status": "Online", "last_ping_at": "2025-06-30T11:59:00Z", "agent_version": "3.3.1", "platform_type": "Linux", "resource_type": "EC2Instance"}

test_managed_and_unmanaged_instances if {
	instances_managed.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": "i-web", "message": "instance \"web\" (running) is a managed node (ping status Online)"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-app", "message": "instance (running) is not an SSM managed node"},
		{"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "i-db", "message": "instance (stopped) is not running: only running instances are judged"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no EC2 instances in this region"},
	} with input as account({
		"eu-west-1": {
			"instances": [
				{"instance_id": "i-web", "state": "running", "name": "web", "platform": ""},
				{"instance_id": "i-app", "state": "running", "name": "", "platform": ""},
				{"instance_id": "i-db", "state": "stopped", "name": "", "platform": ""},
			],
			"managed_nodes": [node("i-web"), object.union(node("mi-onprem"), {"resource_type": "ManagedInstance"})],
			"patch_states": [],
		},
		"us-east-1": {"instances": [], "managed_nodes": [], "patch_states": []},
	})
}

# DescribeInstanceInformation does not return stopped instances (SSM-10), so a
# stopped instance is not judged, whether or not it was a managed node, and a
# region with only stopped instances has nothing to judge.
test_stopped_instances_not_applicable if {
	instances_managed.results == {
		{"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "i-batch", "message": "instance \"batch\" (stopped) is not running: only running instances are judged"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no EC2 instances in this region"},
	} with input as account({
		"eu-west-1": {"instances": [{"instance_id": "i-batch", "state": "stopped", "name": "batch", "platform": ""}], "managed_nodes": [], "patch_states": []},
		"us-east-1": {"instances": [], "managed_nodes": [], "patch_states": []},
	})
}

test_unobserved_facts_error if {
	instances_managed.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "EC2 instances not observed: DescribeInstances did not succeed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "managed nodes not observed: DescribeInstanceInformation did not succeed"},
	} with input as account({
		"eu-west-1": {"instances": null, "managed_nodes": [], "patch_states": []},
		"us-east-1": {"instances": [{"instance_id": "i-1", "state": "running", "name": "", "platform": ""}], "managed_nodes": null, "patch_states": null},
	})
}

test_ssm_not_collected_errors if {
	instances_managed.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "EC2 instances not observed: DescribeInstances did not succeed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "EC2 instances not observed: DescribeInstances did not succeed"},
	} with input as account(null)
}
