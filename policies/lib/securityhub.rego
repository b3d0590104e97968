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
	# Rules referred to once per finding are bound to locals first: a rule
	# reference is a cache lookup each time.
	day := day_ns
	now := now_ns
	sla_ns := sla_days * day
	open := [f |
		some f in input.securityhub[region].findings
		f.severity_label == label
		securityhub_open_state(f.record_state, f.workflow_status, f.compliance_status)
	]

	# Each finding's verdict is built here, not by a function of the finding:
	# OPA plugs and memoizes every function call's arguments, and one call per
	# finding made these controls half again as costly (allocations bounded by
	# TestFindingsControlsAllocations).
	judged := {r |
		some f in open
		first := usable_ns(f.first_observed_at)
		age := max([now - first, 0]) # within the clock skew after the collection: observed now
		days := floor(age / day)
		r := {
			"status": overdue_status(age, sla_ns),
			"region": region,
			"resource": finding_resource(f.resource_id, f.id),
			"message": sprintf("%s finding open %d days (SLA %d days): %s", [f.severity_label, days, sla_days, f.title]),
			"finding": {
				"id": f.id,
				"title": f.title,
				"product": object.get(f, "product_name", ""),
				"control_id": securityhub_control_id_of(object.get(f, "control_id", ""), f.generator_id),
				"severity": f.severity_label,
				"first_observed_at": f.first_observed_at,
				"sla_days": sla_days,
				"sla_due": time.format([first + sla_ns, "UTC", "2006-01-02"]),
				# Whole days past the SLA's end (sla_days is whole). Not
				# floor((age - sla_ns) / day): OPA's floor gives 0, not -1,
				# for a value between -1 and 0 (due within the day).
				"days_overdue": days - sla_days,
			},
		}
	}
	overdue := {r | some r in judged; r.status == "FAIL"}
	unusable := sort([f.id |
		some f in open
		not usable_ns(f.first_observed_at)
	])
	verdicts := judged | securityhub_region_verdict(region, label, sla_days, count(open), count(overdue), unusable)
}

# securityhub_control_id is the Security Hub control id of a control finding
# (Compliance.SecurityControlId, e.g. S3.2), else the generator id.
securityhub_control_id(f) := securityhub_control_id_of(object.get(f, "control_id", ""), f.generator_id)

securityhub_control_id_of(control_id, generator_id) := control_id if {
	control_id != ""
} else := generator_id

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
securityhub_open(f) if securityhub_open_state(f.record_state, f.workflow_status, f.compliance_status)

# securityhub_open_state is securityhub_open of a finding's record state,
# workflow status and compliance status.
securityhub_open_state(record_state, workflow_status, compliance_status) if {
	record_state == "ACTIVE"
	workflow_status in {"NEW", "NOTIFIED"}
	compliance_status != "PASSED"
}

securityhub_open_state(record_state, workflow_status, compliance_status) if {
	record_state == "ACTIVE"
	workflow_status == "RESOLVED"
	compliance_status == "FAILED"
}
