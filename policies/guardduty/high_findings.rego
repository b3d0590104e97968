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

results contains r if {
	some region in input.regions
	some r in verdicts(region)
}

min_severity := lib.config.guardduty.min_severity

verdicts(region) := {lib.error(region, "", "findings not observable: GuardDuty detectors not observed")} if {
	not lib.guardduty_detectors(region)
} else := {lib.error(region, "", "findings not observable: no GuardDuty detector in this region")} if {
	count(lib.guardduty_detectors(region)) == 0
} else := {lib.error(region, "", "findings not observable: GuardDuty detector is not ENABLED")} if {
	count(lib.guardduty_enabled_detectors(region)) == 0
} else := {lib.error(region, "", "findings not observed: ListFindings/GetFindings did not succeed")} if {
	not is_array(input.guardduty[region].high_findings)
} else := {lib.pass(region, "", sprintf("no unarchived finding with severity >= %v", [min_severity]))} if {
	count(open(region)) == 0
} else := {finding_result(region, f) | some f in open(region)}

# open are the unarchived findings at or above the threshold.
open(region) := [f |
	some f in input.guardduty[region].high_findings
	not f.archived
	f.severity >= min_severity
]

# finding_result is one FAIL per open finding: GuardDuty findings have no SLA
# here (sla_days 0: due when created), so every one fails at once.
finding_result(region, f) := object.union(
	lib.fail(region, lib.finding_resource(f.resource_id, f.id), sprintf("%s (severity %v) on %s: %s%s", [f.type, f.severity, described_resource(f), f.title, lib.guardduty_sequence_note(f)])),
	{"finding": object.union(
		{"id": f.id, "title": f.title, "product": "GuardDuty", "control_id": f.type, "severity": sprintf("%v", [f.severity]), "sla_days": 0},
		age(f),
	)},
)

# age is the finding's first-observed fields from createdAt, or none when it
# is unusable (the finding fails all the same).
age(f) := {
	"first_observed_at": f.created_at,
	"sla_due": lib.sla_due(first, 0),
	"days_overdue": lib.whole_days(lib.now_ns - first),
} if {
	first := lib.usable_ns(object.get(f, "created_at", ""))
} else := {}

described_resource(f) := sprintf("%s %s", [f.resource_type, f.resource_id]) if {
	f.resource_id != ""
} else := f.resource_type
