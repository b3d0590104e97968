# METADATA
# title: GuardDuty is enabled
# description: >-
#   A GuardDuty detector exists in the region and its status is ENABLED, so
#   threats are detected from CloudTrail, VPC Flow Logs and DNS logs.
# custom:
#   id: guardduty.enabled
#   severity: high
#   service: guardduty
#   scope: region
#   remediation: >-
#     Create or re-enable the detector (preferably from the delegated
#     administrator with auto-enable for the organization):
#     aws guardduty create-detector --region <region> --enable, or
#     aws guardduty update-detector --region <region> --detector-id <id> --enable
#   references: ["GuardDuty.1", "Prowler guardduty_is_enabled"]
#   requires: ["guardduty:ListDetectors", "guardduty:GetDetector"]
package baseline.controls.guardduty.enabled

import data.baseline.lib

results contains verdict(region) if some region in input.regions

verdict(region) := lib.error(region, "", "GuardDuty detectors not observed") if {
	not lib.guardduty_detectors(region)
} else := lib.fail(region, "", "no GuardDuty detector in this region") if {
	count(lib.guardduty_detectors(region)) == 0
} else := lib.pass(region, "", sprintf("GuardDuty detector %s is ENABLED", [concat(", ", ids)])) if {
	ids := [d.id | some d in lib.guardduty_enabled_detectors(region)]
	count(ids) > 0
} else := lib.fail(region, "", sprintf("GuardDuty detector %s is not ENABLED (%s)", [concat(", ", ids), concat(", ", statuses)])) if {
	ids := [d.id | some d in lib.guardduty_detectors(region)]
	statuses := [d.status | some d in lib.guardduty_detectors(region)]
}
