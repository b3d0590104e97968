# METADATA
# title: EC2 instances are managed by Systems Manager
# description: >-
#   Every running EC2 instance is an SSM managed node, so it can be
#   inventoried, patched and reached without SSH. Stopped instances are not
#   judged: Systems Manager does not list them as managed nodes.
# custom:
#   id: ssm.instances_managed
#   severity: medium
#   service: ssm
#   scope: instance
#   remediation: >-
#     Attach an instance profile with the AmazonSSMManagedInstanceCore policy (or
#     enable Default Host Management Configuration), make sure the SSM agent is
#     installed and can reach the SSM endpoints (VPC endpoints or NAT):
#     aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>
#   references: ["SSM.1", "Prowler ec2_instance_managed_by_ssm"]
#   requires: ["ec2:DescribeInstances", "ssm:DescribeInstanceInformation"]
package baseline.controls.ssm.instances_managed

import data.baseline.lib

results contains r if {
	some region in input.regions
	some r in verdicts(region)
}

verdicts(region) := {lib.error(region, "", "EC2 instances not observed: DescribeInstances did not succeed")} if {
	not lib.ssm_instances(region)
} else := {lib.error(region, "", "managed nodes not observed: DescribeInstanceInformation did not succeed")} if {
	not lib.ssm_managed_nodes(region)
} else := {lib.not_applicable(region, "", "no EC2 instances in this region")} if {
	count(lib.ssm_instances(region)) == 0
} else := {verdict(region, i, managed) | some i in lib.ssm_instances(region)} if {
	managed := {n.instance_id: n.ping_status | some n in lib.ssm_managed_nodes(region)}
}

# DescribeInstanceInformation does not return stopped or terminated
# instances (SSM-10), and SSM.1 judges running instances only.
verdict(region, i, managed) := lib.not_applicable(region, i.instance_id, sprintf("%s is not running: only running instances are judged", [describe(i)])) if {
	i.state != "running"
} else := lib.pass(region, i.instance_id, sprintf("%s is a managed node (ping status %s)", [describe(i), managed[i.instance_id]])) if {
	managed[i.instance_id]
} else := lib.fail(region, i.instance_id, sprintf("%s is not an SSM managed node", [describe(i)]))

describe(i) := sprintf("instance %q (%s)", [i.name, i.state]) if {
	i.name != ""
} else := sprintf("instance (%s)", [i.state])
