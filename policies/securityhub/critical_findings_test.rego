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
