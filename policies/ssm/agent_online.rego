# METADATA
# title: SSM agents are online
# description: >-
#   Every SSM managed node's agent pings Systems Manager (ping status Online);
#   a node whose agent lost its connection cannot be patched or inventoried.
# custom:
#   id: ssm.agent_online
#   severity: low
#   service: ssm
#   scope: instance
#   remediation: >-
#     Check that the instance is running, the amazon-ssm-agent service is started
#     (sudo systemctl status amazon-ssm-agent), its instance profile still grants
#     AmazonSSMManagedInstanceCore and it can reach the ssm, ssmmessages and ec2messages
#     endpoints; deregister nodes that no longer exist:
#     aws ssm deregister-managed-instance --instance-id <mi-id>
#   references: ["AWS SSM troubleshooting managed node availability", "SSM DescribeInstanceInformation PingStatus"]
#   requires: ["ssm:DescribeInstanceInformation"]
package baseline.controls.ssm.agent_online

import data.baseline.lib

results contains r if {
	some region in input.regions
	some r in verdicts(region)
}

verdicts(region) := {lib.error(region, "", "managed nodes not observed: DescribeInstanceInformation did not succeed")} if {
	not lib.ssm_managed_nodes(region)
} else := {lib.not_applicable(region, "", "no managed nodes in this region")} if {
	count(lib.ssm_managed_nodes(region)) == 0
} else := {verdict(region, n) | some n in lib.ssm_managed_nodes(region)}

# Only Online passes (SSM-11): ConnectionLost, Inactive (deprecated, no longer
# used by AWS) and any value AWS may add are not a working agent.
verdict(region, n) := lib.pass(region, n.instance_id, sprintf("SSM agent %s is Online", [n.agent_version])) if {
	n.ping_status == "Online"
} else := lib.fail(region, n.instance_id, sprintf("SSM agent ping status is %s (last ping %s)", [n.ping_status, n.last_ping_at])) if {
	is_string(n.last_ping_at)
} else := lib.fail(region, n.instance_id, sprintf("SSM agent ping status is %s (never pinged)", [n.ping_status]))
