# METADATA
# title: Managed instances were scanned for patches recently
# description: >-
#   Every managed EC2 instance finished a patch Scan or Install operation
#   recently (default within 7 days), so its patch compliance is current.
# custom:
#   id: ssm.patch_scan_recent
#   severity: medium
#   service: ssm
#   scope: instance
#   remediation: >-
#     Scan on a schedule with a Patch Manager patch policy or a State Manager association:
#     aws ssm create-association --name AWS-RunPatchBaseline --targets Key=InstanceIds,Values=<id>
#     --parameters Operation=Scan --schedule-expression "rate(1 day)"
#   references: ["SSM.2", "AWS Systems Manager Patch Manager"]
#   requires: ["ssm:DescribeInstanceInformation", "ssm:DescribeInstancePatchStates"]
package baseline.controls.ssm.patch_scan_recent

import data.baseline.lib

results contains r if {
	some region in input.regions
	some r in verdicts(region)
}

max_age_days := lib.config.ssm.patch_scan_max_age_days

verdicts(region) := {lib.error(region, "", lib.ssm_patch_unobserved(region))} if {
	lib.ssm_patch_unobserved(region)
} else := {lib.not_applicable(region, "", "no managed EC2 instances in this region")} if {
	count(lib.ssm_managed_ec2(region)) == 0
} else := {verdict(region, n.instance_id, states) | some n in lib.ssm_managed_ec2(region)} if {
	states := lib.ssm_patch_states(region)
}

verdict(region, id, states) := lib.fail(region, id, "no patch state: no patch scan has been recorded") if {
	not states[id]
} else := lib.fail(region, id, sprintf("no patch %s has finished", [states[id].operation])) if {
	not is_string(states[id].operation_end_time)
} else := lib.fail(region, id, sprintf("last patch %s finished %d days ago (limit %d days)", [states[id].operation, days, max_age_days])) if {
	age := lib.age_ns(states[id].operation_end_time)
	age > max_age_days * lib.day_ns
	days := lib.whole_days(age)
} else := lib.pass(region, id, sprintf("last patch %s finished %d days ago", [states[id].operation, days])) if {
	days := lib.whole_days(lib.age_ns(states[id].operation_end_time))
}
