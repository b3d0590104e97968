package baseline.lib

# securityhub_state is true or false when DescribeHub answered, null when the
# hub was not observed in the region.
securityhub_state(region) := state if {
	state := input.securityhub[region].enabled
	is_boolean(state)
} else := null

# securityhub_findings_result is the verdict of the two findings controls for
# one region: FAIL when an open finding of the severity label has been open
# longer than the SLA in days.
securityhub_findings_result(region, label, sla_days) := error(region, "", "findings not observable: Security Hub state not observed") if {
	securityhub_state(region) == null
} else := error(region, "", "findings not observable: Security Hub is not enabled") if {
	securityhub_state(region) == false
} else := error(region, "", "findings not observed: GetFindings did not succeed") if {
	not is_array(input.securityhub[region].findings)
} else := verdict if {
	open := [f |
		some f in input.securityhub[region].findings
		f.severity_label == label
		securityhub_open(f)
	]
	sla_ns := sla_days * day_ns
	overdue := sort([[first, f.id] |
		some f in open
		first := usable_ns(f.first_observed_at)
		now_ns - first > sla_ns
	])
	unusable := sort([f.id |
		some f in open
		not usable_ns(f.first_observed_at)
	])
	verdict := securityhub_findings_verdict(region, label, sla_days, count(open), overdue, unusable)
}

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

# securityhub_findings_verdict: FAIL when a finding is overdue (naming any
# whose first-observed time is unusable), else ERROR when some time is
# unusable (the SLA cannot be judged for them), else PASS.
securityhub_findings_verdict(region, label, sla_days, open, overdue, unusable) := fail(region, "", msg) if {
	count(overdue) > 0
	ids := [pair[1] | some pair in overdue]
	oldest := whole_days(now_ns - overdue[0][0])
	msg := sprintf("%d %s finding(s) open longer than the %d-day SLA (oldest %d days): %s%s", [count(overdue), label, sla_days, oldest, enumerate(ids), unusable_suffix(unusable)])
} else := error(region, "", msg) if {
	count(unusable) > 0
	msg := sprintf("first-observed time unusable for %d %s finding(s), SLA not judged: %s", [count(unusable), label, enumerate(unusable)])
} else := pass(region, "", msg) if {
	msg := sprintf("no %s finding open longer than the %d-day SLA (%d open within it)", [label, sla_days, open])
}

unusable_suffix(unusable) := "" if {
	count(unusable) == 0
} else := sprintf("; first-observed time unusable for %d more: %s", [count(unusable), enumerate(unusable)])
