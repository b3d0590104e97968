package baseline.controls.acme.prod_findings_sla_test

import data.baseline.controls.acme.prod_findings_sla

account(name, hub) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "222222222222",
	"account_name": name,
	"regions": ["us-east-1"],
	"securityhub": {"us-east-1": hub},
}

finding(id, label, first_observed) := {
	"id": id,
	"title": "S3 general purpose buckets should block public read access",
	"severity_label": label,
	"record_state": "ACTIVE",
	"workflow_status": "NEW",
	"compliance_status": "FAILED",
	"resource_type": "AwsS3Bucket",
	"resource_id": sprintf("arn:aws:s3:::bucket-%s", [id]),
	"generator_id": "security-control/S3.2",
	"first_observed_at": first_observed,
	"updated_at": "2025-06-30T00:00:00Z",
}

hub(findings) := {"enabled": true, "standards": [], "findings": findings}

test_overdue_findings_in_prod_fail_one_by_one if {
	prod_findings_sla.results == {
		{
			"status": "FAIL", "region": "us-east-1", "resource": "arn:aws:s3:::bucket-f-4d",
			"message": "CRITICAL finding open for 96 hours, over the 72-hour production SLA: S3 general purpose buckets should block public read access (f-4d)",
		},
		{
			"status": "FAIL", "region": "us-east-1", "resource": "arn:aws:s3:::bucket-f-high",
			"message": "HIGH finding open for 73 hours, over the 72-hour production SLA: S3 general purpose buckets should block public read access (f-high)",
		},
	} with input as account("prod", hub([
		finding("f-4d", "CRITICAL", "2025-06-26T12:00:00Z"),
		finding("f-high", "HIGH", "2025-06-27T11:00:00Z"),
		finding("f-2d", "CRITICAL", "2025-06-28T12:00:00Z"),
		finding("f-medium", "MEDIUM", "2025-01-01T00:00:00Z"),
		object.union(finding("f-suppressed", "CRITICAL", "2025-01-01T00:00:00Z"), {"workflow_status": "SUPPRESSED"}),
		object.union(finding("f-passed", "HIGH", "2025-01-01T00:00:00Z"), {"compliance_status": "PASSED"}),
	]))
}

test_recent_findings_in_prod_pass if {
	prod_findings_sla.results == {{
		"status": "PASS", "region": "us-east-1", "resource": "",
		"message": "no CRITICAL or HIGH finding open longer than the 72-hour production SLA",
	}} with input as account("payments-prod", hub([finding("f-2d", "CRITICAL", "2025-06-28T12:00:00Z")]))
}

test_non_production_accounts_pass if {
	prod_findings_sla.results == {{
		"status": "PASS", "region": "us-east-1", "resource": "",
		"message": "sandbox is not a production account",
	}} with input as account("sandbox", hub([finding("f-old", "CRITICAL", "2025-01-01T00:00:00Z")]))
}

test_sla_and_accounts_from_config if {
	prod_findings_sla.results == {{
		"status": "FAIL", "region": "us-east-1", "resource": "arn:aws:s3:::bucket-f-2d",
		"message": "CRITICAL finding open for 48 hours, over the 24-hour production SLA: S3 general purpose buckets should block public read access (f-2d)",
	}} with input as account("storefront", hub([finding("f-2d", "CRITICAL", "2025-06-28T12:00:00Z")]))
		with data.baseline.config.custom as {"acme": {"prod_sla_hours": 24, "production_accounts": ["222222222222"]}}
}

test_findings_not_observed_error if {
	prod_findings_sla.results == {{
		"status": "ERROR", "region": "us-east-1", "resource": "",
		"message": "findings not observed: GetFindings did not succeed",
	}} with input as account("prod", {"enabled": true, "standards": [], "findings": null})
}

test_hub_disabled_errors if {
	prod_findings_sla.results == {{
		"status": "ERROR", "region": "us-east-1", "resource": "",
		"message": "findings not observable: Security Hub is not enabled",
	}} with input as account("prod", {"enabled": false, "standards": null, "findings": null})
}
