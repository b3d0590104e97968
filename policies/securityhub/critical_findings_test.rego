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

# verdicts are the results as [status, resource, finding id].
verdicts(results) := {[r.status, r.resource, object.get(r, ["finding", "id"], "")] | some r in results}

# One FAIL per overdue finding, its resource the affected resource; one
# UPCOMING per finding within the SLA; no region-level PASS beside them.
test_overdue_critical_findings_fail if {
	verdicts(critical_findings.results) == {
		["FAIL", "arn:aws:s3:::bucket", "f-8d"],
		["FAIL", "arn:aws:s3:::bucket", "f-old"],
		["UPCOMING", "arn:aws:s3:::bucket", "f-new"],
	} with input as account({"enabled": true, "standards": [], "findings": [
		finding("f-8d", "CRITICAL", "2025-06-22T11:00:00Z"),
		finding("f-old", "CRITICAL", "2025-05-21T12:00:00Z"),
		finding("f-new", "CRITICAL", "2025-06-29T12:00:00Z"),
		finding("f-high", "HIGH", "2025-01-01T00:00:00Z"),
		object.union(finding("f-suppressed", "CRITICAL", "2025-01-01T00:00:00Z"), {"workflow_status": "SUPPRESSED"}),
		object.union(finding("f-archived", "CRITICAL", "2025-01-01T00:00:00Z"), {"record_state": "ARCHIVED"}),
		object.union(finding("f-passed", "CRITICAL", "2025-01-01T00:00:00Z"), {"compliance_status": "PASSED"}),
	]})
}

# The whole finding-level result: title, product, control id, severity,
# first observed, SLA due date and whole days overdue.
test_overdue_finding_result_carries_the_finding if {
	critical_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "arn:aws:s3:::bucket",
		"message": "CRITICAL finding open 40 days (SLA 7 days): S3 bucket allows public write",
		"finding": {
			"id": "f-old", "title": "S3 bucket allows public write", "product": "Security Hub", "control_id": "S3.3",
			"severity": "CRITICAL", "first_observed_at": "2025-05-21T12:00:00Z", "sla_days": 7,
			"sla_due": "2025-05-28", "days_overdue": 33,
		},
	}} with input as account({"enabled": true, "findings": [object.union(finding("f-old", "CRITICAL", "2025-05-21T12:00:00Z"), {"product_name": "Security Hub", "control_id": "S3.3"})]})
}

# Within the SLA: UPCOMING with the days left as negative days overdue.
test_upcoming_finding_counts_days_left if {
	results := critical_findings.results with input as account({"enabled": true, "findings": [finding("f-6d", "CRITICAL", "2025-06-24T12:00:00Z")]})
	some r in results
	r.status == "UPCOMING"
	r.finding.sla_due == "2025-07-01"
	r.finding.days_overdue == -1
	r.finding.control_id == "security-control/S3.3"
}

# Due within the day (less than one whole day left): days_overdue is -1, as
# the report schema says, never 0 as for a finding just past its SLA. (OPA's
# floor rounds a value between -1 and 0 up to 0, so the days overdue are not
# computed as floor((age - SLA) / day).)
test_finding_due_within_a_day_is_minus_one_day_overdue if {
	some r in critical_findings.results with input as account({"enabled": true, "findings": [finding("f-6d19h", "CRITICAL", "2025-06-23T17:00:00Z")]})
	r.status == "UPCOMING"
	r.finding.days_overdue == -1
	r.finding.sla_due == "2025-06-30"
	r.message == "CRITICAL finding open 6 days (SLA 7 days): S3 bucket allows public write"
}

# First observed within the clock skew after the collection: taken as
# observed at the collection, open 0 days with the whole SLA left.
test_finding_first_observed_within_the_skew_is_new if {
	some r in critical_findings.results with input as account({"enabled": true, "findings": [finding("f-skew", "CRITICAL", "2025-06-30T12:05:00Z")]})
	r.status == "UPCOMING"
	r.finding.days_overdue == -7
	r.finding.sla_due == "2025-07-07"
	r.message == "CRITICAL finding open 0 days (SLA 7 days): S3 bucket allows public write"
}

test_recent_critical_findings_pass if {
	verdicts(critical_findings.results) == {["PASS", "", ""], ["UPCOMING", "arn:aws:s3:::bucket", "f-6d"]} with input as account({"enabled": true, "standards": [], "findings": [
		finding("f-6d", "CRITICAL", "2025-06-24T12:00:00Z"),
		object.union(finding("f-notified", "HIGH", "2025-01-01T00:00:00Z"), {"workflow_status": "NOTIFIED"}),
	]})
	{"status": "PASS", "region": "eu-west-1", "resource": "", "message": "no CRITICAL finding open longer than the 7-day SLA (1 open within it)"} in critical_findings.results with input as account({"enabled": true, "findings": [finding("f-6d", "CRITICAL", "2025-06-24T12:00:00Z")]})
}

test_exactly_at_sla_passes if {
	verdicts(critical_findings.results) == {["PASS", "", ""], ["UPCOMING", "arn:aws:s3:::bucket", "f-7d"]} with input as account({"enabled": true, "findings": [finding("f-7d", "CRITICAL", "2025-06-23T12:00:00Z")]})
}

test_sla_from_config if {
	verdicts(critical_findings.results) == {["FAIL", "arn:aws:s3:::bucket", "f-2d"]} with input as account({"enabled": true, "findings": [finding("f-2d", "CRITICAL", "2025-06-28T12:00:00Z")]})
		with data.baseline.config.securityhub.critical_sla_days as 1
}

# Every overdue finding is its own result: none is cut as "and N more".
test_many_overdue_findings_are_enumerated if {
	count({r | some r in critical_findings.results; r.status == "FAIL"}) == 7 with input as account({"enabled": true, "findings": [finding(sprintf("f%d", [i]), "CRITICAL", "2025-05-31T12:00:00Z") | some i in numbers.range(1, 7)]})
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
	verdicts(critical_findings.results) == {["FAIL", "arn:aws:s3:::bucket", "f-resolved-failed"]} with input as account({"enabled": true, "findings": [
		object.union(finding("f-resolved-failed", "CRITICAL", "2025-05-21T12:00:00Z"), {"workflow_status": "RESOLVED"}),
		object.union(finding("f-resolved-passed", "CRITICAL", "2025-05-21T12:00:00Z"), {"workflow_status": "RESOLVED", "compliance_status": "PASSED"}),
		object.union(finding("f-resolved-guardduty", "CRITICAL", "2025-05-21T12:00:00Z"), {"workflow_status": "RESOLVED", "compliance_status": ""}),
	]})
}

# Findings of products without a Compliance block (GuardDuty, Inspector,
# Macie) count like failed control findings.
test_findings_without_compliance_count if {
	verdicts(critical_findings.results) == {["FAIL", "arn:aws:s3:::bucket", "f-inspector"]} with input as account({"enabled": true, "findings": [
		object.union(finding("f-inspector", "CRITICAL", "2025-05-21T12:00:00Z"), {"compliance_status": "", "generator_id": "arn:aws:inspector2:eu-west-1::product/aws/inspector"}),
	]})
}

# A finding whose first-observed time cannot be used (Go's zero time, out of
# range, unparseable, in the future) cannot be judged against the SLA: ERROR
# naming it, never a PASS that counts it "within" the SLA.
test_unusable_first_observed_time_errors if {
	{r | some r in critical_findings.results; r.status != "UPCOMING"} == {{
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
	verdicts(critical_findings.results) == {["FAIL", "arn:aws:s3:::bucket", "f-old"], ["ERROR", "", ""]} with input as account({"enabled": true, "findings": [
		finding("f-zero", "CRITICAL", "0001-01-01T00:00:00Z"),
		finding("f-old", "CRITICAL", "2025-05-21T12:00:00Z"),
	]})
}
