# METADATA
# title: No open high-severity GuardDuty findings
# description: >-
#   No unarchived GuardDuty finding has a severity at or above the threshold
#   (default 7.0, GuardDuty's high band).
# custom:
#   id: guardduty.high_findings
#   severity: high
#   service: guardduty
#   scope: region
#   remediation: >-
#     Investigate each finding and remediate the affected resource
#     (see the GuardDuty remediation guide for the finding type); archive it
#     once resolved or confirmed benign:
#     aws guardduty archive-findings --region <region> --detector-id <id> --finding-ids <finding-id>
#   references: ["GuardDuty finding severity levels", "Prowler guardduty_no_high_severity_findings"]
#   requires: ["guardduty:ListDetectors", "guardduty:ListFindings", "guardduty:GetFindings"]
package baseline.controls.guardduty.high_findings

import data.baseline.lib

results contains verdict(region) if some region in input.regions

min_severity := lib.config.guardduty.min_severity

verdict(region) := lib.error(region, "", "findings not observable: GuardDuty detectors not observed") if {
	not lib.guardduty_detectors(region)
} else := lib.error(region, "", "findings not observable: no GuardDuty detector in this region") if {
	count(lib.guardduty_detectors(region)) == 0
} else := lib.error(region, "", "findings not observable: GuardDuty detector is not ENABLED") if {
	count(lib.guardduty_enabled_detectors(region)) == 0
} else := lib.error(region, "", "findings not observed: ListFindings/GetFindings did not succeed") if {
	not is_array(input.guardduty[region].high_findings)
} else := lib.pass(region, "", sprintf("no unarchived finding with severity >= %v", [min_severity])) if {
	count(open(region)) == 0
} else := lib.fail(region, "", msg) if {
	found := open(region)
	described := [sprintf("%s %s (severity %v) on %s%s", [f[1], f[2], 0 - f[0], f[3], f[4]]) | some f in found]
	msg := sprintf("%d unarchived finding(s) with severity >= %v: %s", [count(found), min_severity, lib.enumerate(described)])
}

# open are the unarchived findings at or above the threshold, most severe
# first, as [-severity, id, type, resource, attack sequence note] so that
# sort orders them.
open(region) := sort([[0 - f.severity, f.id, f.type, resource(f), lib.guardduty_sequence_note(f)] |
	some f in input.guardduty[region].high_findings
	not f.archived
	f.severity >= min_severity
])

resource(f) := sprintf("%s %s", [f.resource_type, f.resource_id]) if {
	f.resource_id != ""
} else := f.resource_type
