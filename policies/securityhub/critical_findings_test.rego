package baseline.controls.securityhub.critical_findings_test

import data.baseline.controls.securityhub.critical_findings

account(hub) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1"],
	"securityhub": {"eu-west-1": hub},
}

finding(id, label, first_observed) := {
	"id": id,
	"title": "S3 bucket allows public write",
	"severity_label": label,
	"record_state": "ACTIVE",
	"workflow_status": "NEW",
	"compliance_status": "FAILED",
	"resource_type": "AwsS3Bucket",
	"resource_id": "arn:aws:s3:::bucket",
	"generator_id": "security-control/S3.3",
	"first_observed_at": first_observed,
	"updated_at": "2025-06-30T00:00:00Z",
}

test_overdue_critical_findings_fail if {
	critical_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "2 CRITICAL finding(s) open longer than the 7-day SLA (oldest 40 days): f-old, f-8d",
	}} with input as account({"enabled": true, "standards": [], "findings": [
		finding("f-8d", "CRITICAL", "2025-06-22T11:00:00Z"),
		finding("f-old", "CRITICAL", "2025-05-21T12:00:00Z"),
		finding("f-new", "CRITICAL", "2025-06-29T12:00:00Z"),
		finding("f-high", "HIGH", "2025-01-01T00:00:00Z"),
		object.union(finding("f-suppressed", "CRITICAL", "2025-01-01T00:00:00Z"), {"workflow_status": "SUPPRESSED"}),
		object.union(finding("f-archived", "CRITICAL", "2025-01-01T00:00:00Z"), {"record_state": "ARCHIVED"}),
		object.union(finding("f-passed", "CRITICAL", "2025-01-01T00:00:00Z"), {"compliance_status": "PASSED"}),
	]})
}

test_recent_critical_findings_pass if {
	critical_findings.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "no CRITICAL finding open longer than the 7-day SLA (1 open within it)",
	}} with input as account({"enabled": true, "standards": [], "findings": [
		finding("f-6d", "CRITICAL", "2025-06-24T12:00:00Z"),
		object.union(finding("f-notified", "HIGH", "2025-01-01T00:00:00Z"), {"workflow_status": "NOTIFIED"}),
	]})
}

test_exactly_at_sla_passes if {
	critical_findings.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "no CRITICAL finding open longer than the 7-day SLA (1 open within it)",
	}} with input as account({"enabled": true, "findings": [finding("f-7d", "CRITICAL", "2025-06-23T12:00:00Z")]})
}

test_sla_from_config if {
	critical_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "1 CRITICAL finding(s) open longer than the 1-day SLA (oldest 2 days): f-2d",
	}} with input as account({"enabled": true, "findings": [finding("f-2d", "CRITICAL", "2025-06-28T12:00:00Z")]})
		with data.baseline.config.securityhub.critical_sla_days as 1
}

test_many_overdue_findings_are_enumerated if {
	critical_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "7 CRITICAL finding(s) open longer than the 7-day SLA (oldest 30 days): f1, f2, f3, f4, f5 and 2 more",
	}} with input as account({"enabled": true, "findings": [finding(sprintf("f%d", [i]), "CRITICAL", "2025-05-31T12:00:00Z") | some i in numbers.range(1, 7)]})
}

test_hub_disabled_errors if {
	critical_findings.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "findings not observable: Security Hub is not enabled",
	}} with input as account({"enabled": false, "standards": null, "findings": null})
}

test_findings_not_observed_error if {
	critical_findings.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "findings not observed: GetFindings did not succeed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "findings not observable: Security Hub state not observed"},
	} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1", "us-east-1"],
		"securityhub": {"eu-west-1": {"enabled": true, "standards": [], "findings": null}},
	}
}

# A control finding set to RESOLVED by hand while its compliance is still
# FAILED stays open: Security Hub re-opens a RESOLVED finding only when the
# compliance goes from PASSED to FAILED again. RESOLVED and PASSED is closed,
# and a RESOLVED finding of another product (no Compliance block) is closed.
test_resolved_but_still_failed_counts_as_open if {
	critical_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "1 CRITICAL finding(s) open longer than the 7-day SLA (oldest 40 days): f-resolved-failed",
	}} with input as account({"enabled": true, "findings": [
		object.union(finding("f-resolved-failed", "CRITICAL", "2025-05-21T12:00:00Z"), {"workflow_status": "RESOLVED"}),
		object.union(finding("f-resolved-passed", "CRITICAL", "2025-05-21T12:00:00Z"), {"workflow_status": "RESOLVED", "compliance_status": "PASSED"}),
		object.union(finding("f-resolved-guardduty", "CRITICAL", "2025-05-21T12:00:00Z"), {"workflow_status": "RESOLVED", "compliance_status": ""}),
	]})
}

# Findings of products without a Compliance block (GuardDuty, Inspector,
# Macie) count like failed control findings.
test_findings_without_compliance_count if {
	critical_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "1 CRITICAL finding(s) open longer than the 7-day SLA (oldest 40 days): f-inspector",
	}} with input as account({"enabled": true, "findings": [
		object.union(finding("f-inspector", "CRITICAL", "2025-05-21T12:00:00Z"), {"compliance_status": "", "generator_id": "arn:aws:inspector2:eu-west-1::product/aws/inspector"}),
	]})
}

# A finding whose first-observed time cannot be used (Go's zero time, out of
# range, unparseable, in the future) cannot be judged against the SLA: ERROR
# naming it, never a PASS that counts it "within" the SLA.
test_unusable_first_observed_time_errors if {
	critical_findings.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "first-observed time unusable for 4 CRITICAL finding(s), SLA not judged: f-future, f-garbage, f-range, f-zero",
	}} with input as account({"enabled": true, "findings": [
		finding("f-zero", "CRITICAL", "0001-01-01T00:00:00Z"),
		finding("f-range", "CRITICAL", "2300-01-01T00:00:00Z"),
		finding("f-garbage", "CRITICAL", "last week"),
		finding("f-future", "CRITICAL", "2025-07-30T12:00:00Z"),
		finding("f-ok", "CRITICAL", "2025-06-29T12:00:00Z"),
	]})
}

# An overdue finding is a FAIL even when another's time is unusable: the
# strict verdict, with the unusable ones named.
test_overdue_finding_fails_beside_unusable_time if {
	critical_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "1 CRITICAL finding(s) open longer than the 7-day SLA (oldest 40 days): f-old; first-observed time unusable for 1 more: f-zero",
	}} with input as account({"enabled": true, "findings": [
		finding("f-zero", "CRITICAL", "0001-01-01T00:00:00Z"),
		finding("f-old", "CRITICAL", "2025-05-21T12:00:00Z"),
	]})
}
