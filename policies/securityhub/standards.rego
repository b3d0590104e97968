# METADATA
# title: Required Security Hub standards are enabled
# description: >-
#   Every required security standard (by default AWS Foundational Security
#   Best Practices and a CIS AWS Foundations Benchmark version) is subscribed
#   and its status is READY, so its controls are evaluated.
# custom:
#   id: securityhub.standards
#   severity: medium
#   service: securityhub
#   scope: region
#   remediation: >-
#     Subscribe to the missing standards, e.g.
#     aws securityhub batch-enable-standards --region <region> --standards-subscription-requests
#     StandardsArn=arn:aws:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0
#     StandardsArn=arn:aws:securityhub:<region>::standards/cis-aws-foundations-benchmark/v/3.0.0;
#     for a subscription stuck in INCOMPLETE or FAILED, disable and re-enable it.
#   references: ["Prowler securityhub_enabled", "AWS Security Hub standards"]
#   requires: ["securityhub:DescribeHub", "securityhub:GetEnabledStandards"]
package baseline.controls.securityhub.standards

import data.baseline.lib

results contains verdict(region) if some region in input.regions

required := lib.config.securityhub.required_standards

verdict(region) := lib.error(region, "", "standards not observable: Security Hub state not observed") if {
	lib.securityhub_state(region) == null
} else := lib.fail(region, "", "Security Hub is not enabled") if {
	lib.securityhub_state(region) == false
} else := lib.error(region, "", "standards not observed: GetEnabledStandards did not succeed") if {
	not is_array(input.securityhub[region].standards)
} else := lib.pass(region, "", msg) if {
	standards := input.securityhub[region].standards
	missing := [describe(standards, name) | some name in required; not ready(standards, name)]
	count(missing) == 0
	msg := sprintf("required standards are READY: %s", [concat(", ", required)])
} else := lib.fail(region, "", msg) if {
	standards := input.securityhub[region].standards
	missing := [describe(standards, name) | some name in required; not ready(standards, name)]
	msg := sprintf("required standards not enabled and READY: %s", [concat(", ", missing)])
}

# ready holds when a subscription to any version of the standard is READY.
ready(standards, name) if {
	some s in standards
	contains(s.standards_arn, name)
	s.status == "READY"
}

# describe names a missing standard with the status of its subscriptions.
describe(standards, name) := sprintf("%s (%s)", [name, concat("/", statuses)]) if {
	statuses := sort({s.status | some s in standards; contains(s.standards_arn, name)})
	count(statuses) > 0
} else := sprintf("%s (not subscribed)", [name])
