package baseline.lib

# securityhub_state is true or false when DescribeHub answered, null when the
# hub was not observed in the region.
securityhub_state(region) := state if {
	state := input.securityhub[region].enabled
	is_boolean(state)
} else := null

# securityhub_findings_results are the verdicts of the two findings controls
# for one region: one FAIL per open finding of the severity label first
# observed longer ago than the SLA in days (resource: the affected resource;
# the finding's fields in "finding"), one UPCOMING per open finding within it
# (listed in the report, not a verdict), one ERROR naming the findings whose
# first-observed time is unusable, and one PASS for the region when no
# finding is overdue or unusable.
securityhub_findings_results(region, label, sla_days) := {error(region, "", "findings not observable: Security Hub state not observed")} if {
	securityhub_state(region) == null
} else := {error(region, "", "findings not observable: Security Hub is not enabled")} if {
	securityhub_state(region) == false
} else := {error(region, "", "findings not observed: GetFindings did not succeed")} if {
	not is_array(input.securityhub[region].findings)
} else := verdicts if {
	open := [f |
		some f in input.securityhub[region].findings
		f.severity_label == label
		securityhub_open(f)
	]
	judged := {securityhub_finding_result(region, f, first, sla_days) |
		some f in open
		first := usable_ns(f.first_observed_at)
	}
	overdue := {r | some r in judged; r.status == "FAIL"}
	unusable := sort([f.id |
		some f in open
		not usable_ns(f.first_observed_at)
	])
	verdicts := judged | securityhub_region_verdict(region, label, sla_days, count(open), count(overdue), unusable)
}

# securityhub_finding_result is the verdict on one open finding first observed
# at first (ns): FAIL past the SLA, UPCOMING within it.
securityhub_finding_result(region, f, first, sla_days) := object.union(
	result(finding_status(first, sla_days), region, finding_resource(f.resource_id, f.id), sprintf("%s finding open %d days (SLA %d days): %s", [f.severity_label, whole_days(now_ns - first), sla_days, f.title])),
	{"finding": {
		"id": f.id,
		"title": f.title,
		"product": object.get(f, "product_name", ""),
		"control_id": securityhub_control_id(f),
		"severity": f.severity_label,
		"first_observed_at": f.first_observed_at,
		"sla_days": sla_days,
		"sla_due": sla_due(first, sla_days),
		"days_overdue": floor(((now_ns - first) - (sla_days * day_ns)) / day_ns),
	}},
)

# securityhub_control_id is the Security Hub control id of a control finding
# (Compliance.SecurityControlId, e.g. S3.2), else the generator id.
securityhub_control_id(f) := f.control_id if {
	object.get(f, "control_id", "") != ""
} else := f.generator_id

# securityhub_region_verdict: ERROR naming the findings whose first-observed
# time is unusable (the SLA cannot be judged for them, and the region cannot
# pass), else PASS when no finding is overdue, else nothing beside the FAILs.
securityhub_region_verdict(region, label, sla_days, open, overdue, unusable) := {error(region, "", msg)} if {
	count(unusable) > 0
	msg := sprintf("first-observed time unusable for %d %s finding(s), SLA not judged: %s", [count(unusable), label, enumerate(unusable)])
} else := {pass(region, "", msg)} if {
	overdue == 0
	msg := sprintf("no %s finding open longer than the %d-day SLA (%d open within it)", [label, sla_days, open])
} else := set()

# securityhub_open is an ACTIVE finding that still needs action: workflow NEW
# or NOTIFIED and not PASSED, or a control finding set to RESOLVED while its
# compliance is still FAILED (Security Hub re-opens RESOLVED findings only when
# compliance goes from PASSED to FAILED again, so a hand-resolved failing
# control stays failing; SUPPRESSED is the documented way to accept a risk).
# Findings of other products have no compliance status and count when NEW or
# NOTIFIED. The collector filters server-side, but policies re-check.
securityhub_open(f) if {
	f.record_state == "ACTIVE"
	f.workflow_status in {"NEW", "NOTIFIED"}
	f.compliance_status != "PASSED"
}

securityhub_open(f) if {
	f.record_state == "ACTIVE"
	f.workflow_status == "RESOLVED"
	f.compliance_status == "FAILED"
}
