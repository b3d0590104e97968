# METADATA
# title: No critical or high exposure findings past their SLA
# description: >-
#   The new AWS Security Hub correlates signals (misconfigurations,
#   vulnerabilities, reachability, sensitive data) into exposure findings,
#   one per exposed resource. No open exposure finding (status other than
#   Suppressed, Resolved, Archived or Deleted) of severity Critical was first
#   seen longer ago than the critical SLA (default 7 days), nor of severity
#   High longer than the high SLA (default 30 days). A region where the new
#   Security Hub is not enabled has no exposure findings to judge.
# custom:
#   id: securityhub.exposure_findings
#   severity: critical
#   service: securityhub
#   scope: region
#   remediation: >-
#     Open the exposure in the Security Hub console (Exposures) and fix the
#     contributing traits on the resource, or accept the risk by setting the
#     finding's status to Suppressed with a comment:
#     aws securityhub batch-update-findings-v2 --metadata-uids <uid> --status-id 3 --comment "<reason>"
#   references: ["AWS Security Hub exposure findings", "GetFindingsV2"]
#   requires: ["securityhub:DescribeSecurityHubV2", "securityhub:GetFindings"]
package baseline.controls.securityhub.exposure_findings

import data.baseline.lib

results contains verdict(region) if some region in input.regions

sla_days := {
	"critical": lib.config.securityhub.exposure_critical_sla_days,
	"high": lib.config.securityhub.exposure_high_sla_days,
}

verdict(region) := lib.error(region, "", "exposure findings not observable: the new Security Hub state not observed (DescribeSecurityHubV2 did not succeed)") if {
	lib.securityhub_v2_state(region) == null
} else := lib.not_applicable(region, "", "the new Security Hub is not enabled in this region: no exposure findings to judge") if {
	lib.securityhub_v2_state(region) == false
} else := lib.error(region, "", "exposure findings not observed: GetFindingsV2 did not succeed") if {
	not is_array(input.securityhub[region].exposure_findings)
} else := v if {
	open := [f |
		some f in input.securityhub[region].exposure_findings
		lib.exposure_finding(f)
		not f.status in lib.exposure_closed
		lib.exposure_level(f)
	]
	overdue := sort([[first, describe(f, first)] |
		some f in open
		first := lib.usable_ns(f.first_seen_at)
		lib.now_ns - first > sla_days[lib.exposure_level(f)] * lib.day_ns
	])
	unusable := sort([f.id |
		some f in open
		not lib.usable_ns(f.first_seen_at)
	])
	v := judge(region, count(open), overdue, unusable)
}

describe(f, first) := sprintf("%s (%s, %d days, %s)", [f.id, f.severity, lib.whole_days(lib.now_ns - first), f.resource_id])

slas := sprintf("critical %d days, high %d days", [sla_days.critical, sla_days.high])

judge(region, open, overdue, unusable) := lib.fail(region, "", msg) if {
	count(overdue) > 0
	items := [pair[1] | some pair in overdue]
	suffix := unusable_suffix(unusable)
	msg := sprintf("%d exposure finding(s) open longer than the SLA (%s): %s%s", [count(overdue), slas, lib.enumerate(items), suffix])
} else := lib.error(region, "", msg) if {
	count(unusable) > 0
	msg := sprintf("first-seen time unusable for %d exposure finding(s), SLA not judged: %s", [count(unusable), lib.enumerate(unusable)])
} else := lib.pass(region, "", msg) if {
	msg := sprintf("no critical or high exposure finding open longer than the SLA (%s; %d open within it)", [slas, open])
}

unusable_suffix(unusable) := "" if {
	count(unusable) == 0
} else := sprintf("; first-seen time unusable for %d more: %s", [count(unusable), lib.enumerate(unusable)])
