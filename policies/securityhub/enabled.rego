# METADATA
# title: Security Hub is enabled
# description: >-
#   Security Hub aggregates findings from AWS services; Security Hub CSPM runs
#   the security standards checks, and the new Security Hub (GA December 2025)
#   correlates them into exposure findings. One of them must be enabled in
#   every region in scope; the message says which. The standards and findings
#   controls still need Security Hub CSPM.
# custom:
#   id: securityhub.enabled
#   severity: high
#   service: securityhub
#   scope: region
#   remediation: >-
#     Enable Security Hub in the region (preferably from the delegated
#     administrator with auto-enable for the organization):
#     aws securityhub enable-security-hub --region <region> --no-enable-default-standards
#   references: ["Prowler securityhub_enabled", "CIS AWS Foundations 4.16"]
#   requires: ["securityhub:DescribeHub"]
package baseline.controls.securityhub.enabled

import data.baseline.lib

results contains verdict(region) if some region in input.regions

verdict(region) := lib.pass(region, "", sprintf("Security Hub CSPM and Security Hub are enabled (%s, %s)", [hub_arn(region), hub_v2_arn(region)])) if {
	lib.securityhub_state(region) == true
	lib.securityhub_v2_state(region) == true
} else := lib.pass(region, "", sprintf("Security Hub CSPM is enabled (%s)", [hub_arn(region)])) if {
	lib.securityhub_state(region) == true
} else := lib.pass(region, "", sprintf("Security Hub is enabled (%s); Security Hub CSPM is not", [hub_v2_arn(region)])) if {
	lib.securityhub_v2_state(region) == true
	lib.securityhub_state(region) == false
} else := lib.pass(region, "", sprintf("Security Hub is enabled (%s); Security Hub CSPM state not observed", [hub_v2_arn(region)])) if {
	lib.securityhub_v2_state(region) == true
} else := lib.fail(region, "", "neither Security Hub nor Security Hub CSPM is enabled in this region") if {
	lib.securityhub_state(region) == false
	lib.securityhub_v2_state(region) == false
} else := lib.error(region, "", "Security Hub CSPM is not enabled and the new Security Hub's state was not observed: DescribeSecurityHubV2 did not succeed") if {
	lib.securityhub_state(region) == false
} else := lib.error(region, "", "Security Hub state not observed: DescribeHub did not succeed")

hub_arn(region) := object.get(input.securityhub[region], "hub_arn", "")

hub_v2_arn(region) := object.get(input.securityhub[region], "hub_v2_arn", "")
