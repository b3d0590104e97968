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
	# ACTIVE, NEW or NOTIFIED, not PASSED findings of the label: the
	# collector filters the same way server-side, but policies re-check.
	open := [f |
		some f in input.securityhub[region].findings
		f.severity_label == label
		f.record_state == "ACTIVE"
		f.workflow_status in {"NEW", "NOTIFIED"}
		f.compliance_status != "PASSED"
	]
	sla_ns := sla_days * day_ns
	overdue := sort([[first, f.id] |
		some f in open
		first := time.parse_rfc3339_ns(f.first_observed_at)
		now_ns - first > sla_ns
	])
	verdict := securityhub_findings_verdict(region, label, sla_days, count(open), overdue)
}

securityhub_findings_verdict(region, label, sla_days, open, overdue) := pass(region, "", msg) if {
	count(overdue) == 0
	msg := sprintf("no %s finding open longer than the %d-day SLA (%d open within it)", [label, sla_days, open])
} else := fail(region, "", msg) if {
	ids := [pair[1] | some pair in overdue]
	oldest := whole_days(now_ns - overdue[0][0])
	msg := sprintf("%d %s finding(s) open longer than the %d-day SLA (oldest %d days): %s", [count(overdue), label, sla_days, oldest, enumerate(ids)])
}
