# METADATA
# title: Security Hub is enabled
# description: >-
#   Security Hub aggregates findings from AWS services and runs the security
#   standards checks. It must be enabled in every region in scope.
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

verdict(region) := lib.pass(region, "", sprintf("Security Hub is enabled (%s)", [hub_arn])) if {
	lib.securityhub_state(region) == true
	hub_arn := object.get(input.securityhub[region], "hub_arn", "")
} else := lib.fail(region, "", "Security Hub is not enabled in this region") if {
	lib.securityhub_state(region) == false
} else := lib.error(region, "", "Security Hub state not observed: DescribeHub did not succeed")
