package baseline.controls.ssm.agent_online_test

import data.baseline.controls.ssm.agent_online

account(ssm) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1", "us-east-1"],
	"ssm": ssm,
}

node(id, ping, last_ping) := {"instance_id": id, "ping_status": ping, "last_ping_at": last_ping, "agent_version": "3.3.1", "platform_type": "Linux", "resource_type": "EC2Instance"}

# Only Online passes: ConnectionLost, the deprecated Inactive (AWS no longer
# uses it, but a node may still report it) and any value AWS adds later fail.
test_online_and_lost_agents if {
	agent_online.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": "i-1", "message": "SSM agent 3.3.1 is Online"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-2", "message": "SSM agent ping status is ConnectionLost (last ping 2025-06-01T00:00:00Z)"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "mi-3", "message": "SSM agent ping status is Inactive (never pinged)"},
		{"status": "FAIL", "region": "eu-west-1", "resource": "i-4", "message": "SSM agent ping status is Unknown (last ping 2025-06-30T11:00:00Z)"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no managed nodes in this region"},
	} with input as account({
		"eu-west-1": {"instances": [], "patch_states": [], "managed_nodes": [
			node("i-1", "Online", "2025-06-30T11:59:00Z"),
			node("i-2", "ConnectionLost", "2025-06-01T00:00:00Z"),
			object.union(node("mi-3", "Inactive", null), {"resource_type": "ManagedInstance"}),
			node("i-4", "Unknown", "2025-06-30T11:00:00Z"),
		]},
		"us-east-1": {"instances": [], "managed_nodes": [], "patch_states": []},
	})
}

test_nodes_not_observed_error if {
	agent_online.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "managed nodes not observed: DescribeInstanceInformation did not succeed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "managed nodes not observed: DescribeInstanceInformation did not succeed"},
	} with input as account({"eu-west-1": {"instances": [], "managed_nodes": null, "patch_states": null}})
}
