# METADATA
# title: Managed instances are patch compliant
# description: >-
#   Every managed EC2 instance has a patch state with no patch in a state AWS
#   calls NON_COMPLIANT: missing, failed, installed pending reboot, installed
#   rejected, critical, security or other non-compliant, and (unless the config
#   says the baselines mark them COMPLIANT) available security updates.
# custom:
#   id: ssm.patch_compliant
#   severity: high
#   service: ssm
#   scope: instance
#   remediation: >-
#     Install the missing patches with the patch baseline and reboot where needed:
#     aws ssm send-command --document-name AWS-RunPatchBaseline --targets Key=InstanceIds,Values=<id>
#     --parameters Operation=Install,RebootOption=RebootIfNeeded;
#     schedule it with a maintenance window or a Patch Manager patch policy.
#   references: ["SSM.2", "Prowler ssm_managed_compliant_patching"]
#   requires: ["ssm:DescribeInstanceInformation", "ssm:DescribeInstancePatchStates"]
package baseline.controls.ssm.patch_compliant

import data.baseline.lib

results contains r if {
	some region in input.regions
	some r in verdicts(region)
}

verdicts(region) := {lib.error(region, "", lib.ssm_patch_unobserved(region))} if {
	lib.ssm_patch_unobserved(region)
} else := {lib.not_applicable(region, "", "no managed EC2 instances in this region")} if {
	count(lib.ssm_managed_ec2(region)) == 0
} else := {verdict(region, n.instance_id, states) | some n in lib.ssm_managed_ec2(region)} if {
	states := lib.ssm_patch_states(region)
}

verdict(region, id, states) := lib.fail(region, id, "no patch state: the instance has never been scanned") if {
	not states[id]
} else := lib.fail(region, id, sprintf("patches not compliant: %s", [concat(", ", problems(states[id]))])) if {
	count(problems(states[id])) > 0
} else := lib.pass(region, id, sprintf("patch compliant (patch group %q)", [states[id].patch_group]))

# problems names each non-zero count that makes an instance NON_COMPLIANT
# (InstancePatchState in the SSM API reference; SSM-12, SSM-13).
problems(state) := [sprintf("%d %s", [n, label]) |
	some [field, label] in counters
	n := object.get(state, field, 0)
	n > 0
]

counters := array.concat(
	[
		["missing_count", "missing"],
		["failed_count", "failed"],
		["installed_pending_reboot_count", "installed pending reboot"],
		["installed_rejected_count", "installed rejected"],
		["critical_non_compliant_count", "critical non-compliant"],
		["security_non_compliant_count", "security non-compliant"],
		["other_non_compliant_count", "other non-compliant"],
	],
	available_security_updates,
)

# Available security updates are NON_COMPLIANT only under a baseline whose
# AvailableSecurityUpdatesComplianceStatus is NON_COMPLIANT, which the patch
# state does not say: the config does (default: they count).
available_security_updates := [["available_security_update_count", "available security updates not approved by the baseline"]] if {
	lib.config.ssm.available_security_updates_non_compliant
} else := []
