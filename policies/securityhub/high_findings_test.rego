package baseline.controls.securityhub.high_findings_test

import data.baseline.controls.securityhub.high_findings

account(hub) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1"],
	"securityhub": {"eu-west-1": hub},
}

finding(id, label, first_observed) := {
	"id": id,
	"title": "Security group allows ingress from 0.0.0.0/0 to port 22",
	"severity_label": label,
	"record_state": "ACTIVE",
	"workflow_status": "NOTIFIED",
	"compliance_status": "FAILED",
	"resource_type": "AwsEc2SecurityGroup",
	"resource_id": "sg-0123",
	"generator_id": "security-control/EC2.13",
	"first_observed_at": first_observed,
	"updated_at": "2025-06-30T00:00:00Z",
}

test_overdue_high_findings_fail if {
	{[r.status, r.resource, object.get(r, ["finding", "id"], "")] | some r in high_findings.results} == {
		["FAIL", "sg-0123", "f-31d"],
		["UPCOMING", "sg-0123", "f-29d"],
	} with input as account({"enabled": true, "findings": [
		finding("f-31d", "HIGH", "2025-05-30T12:00:00Z"),
		finding("f-29d", "HIGH", "2025-06-01T12:00:00Z"),
		finding("f-critical", "CRITICAL", "2025-01-01T00:00:00Z"),
	]})
}

test_no_findings_pass if {
	high_findings.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "no HIGH finding open longer than the 30-day SLA (0 open within it)",
	}} with input as account({"enabled": true, "findings": []})
}

test_hub_disabled_errors if {
	high_findings.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "findings not observable: Security Hub is not enabled",
	}} with input as account({"enabled": false, "standards": null, "findings": null})
}

test_findings_not_observed_errors if {
	high_findings.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "findings not observed: GetFindings did not succeed",
	}} with input as account({"enabled": true, "standards": [], "findings": null})
}
