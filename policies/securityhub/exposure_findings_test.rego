package baseline.controls.securityhub.exposure_findings_test

import data.baseline.controls.securityhub.exposure_findings

now := "2026-03-01T12:00:00Z"

exposure(id, severity, severity_id, status, first) := {
	"id": id, "title": "Potential Remote Execution", "severity": severity, "severity_id": severity_id,
	"status": status, "product_feature": "security-hub/Exposure", "analytic": "Exposure",
	"resource_type": "AWS::EC2::Instance", "resource_id": "i-0abc", "first_seen_at": first,
}

region_input(v2, findings) := {
	"collected_at": now,
	"account_id": "111122223333",
	"regions": ["us-east-1"],
	"securityhub": {"us-east-1": {"enabled": false, "v2_enabled": v2, "exposure_findings": findings}},
}

slas := "critical 7 days, high 30 days"

test_overdue_critical_and_high_fail_with_evidence if {
	exposure_findings.results == {{
		"status": "FAIL", "region": "us-east-1", "resource": "",
		"message": sprintf("2 exposure finding(s) open longer than the SLA (%s): x-high (High, 40 days, i-0abc), x-crit (Critical, 12 days, i-0abc)", [slas]),
	}} with input as region_input(true, [
		exposure("x-crit", "Critical", 5, "New", "2026-02-17T12:00:00Z"),
		exposure("x-high", "High", 4, "In Progress", "2026-01-20T12:00:00Z"),
		exposure("x-young-high", "High", 4, "New", "2026-02-17T12:00:00Z"),
	])
}

test_within_sla_passes if {
	exposure_findings.results == {{
		"status": "PASS", "region": "us-east-1", "resource": "",
		"message": sprintf("no critical or high exposure finding open longer than the SLA (%s; 2 open within it)", [slas]),
	}} with input as region_input(true, [
		exposure("a", "Critical", 5, "New", "2026-02-25T12:00:00Z"),
		exposure("b", "High", 4, "New", "2026-02-10T12:00:00Z"),
	])
}

test_closed_statuses_and_other_kinds_do_not_count if {
	inspector := object.union(exposure("cve", "Critical", 5, "New", "2025-01-01T00:00:00Z"), {"product_feature": "inspector/Vulnerability", "analytic": ""})
	exposure_findings.results == {{
		"status": "PASS", "region": "us-east-1", "resource": "",
		"message": sprintf("no critical or high exposure finding open longer than the SLA (%s; 0 open within it)", [slas]),
	}} with input as region_input(true, [
		exposure("s", "Critical", 5, "Suppressed", "2025-01-01T00:00:00Z"),
		exposure("r", "Critical", 5, "Resolved", "2025-01-01T00:00:00Z"),
		exposure("m", "Medium", 3, "New", "2025-01-01T00:00:00Z"),
		inspector,
	])
}

test_unknown_status_counts_as_open if {
	exposure_findings.results == {{
		"status": "FAIL", "region": "us-east-1", "resource": "",
		"message": sprintf("1 exposure finding(s) open longer than the SLA (%s): u (Fatal, 59 days, i-0abc)", [slas]),
	}} with input as region_input(true, [exposure("u", "Fatal", 6, "Other", "2026-01-01T12:00:00Z")])
}

test_unusable_first_seen_errors if {
	exposure_findings.results == {{
		"status": "ERROR", "region": "us-east-1", "resource": "",
		"message": "first-seen time unusable for 1 exposure finding(s), SLA not judged: z",
	}} with input as region_input(true, [exposure("z", "Critical", 5, "New", "0001-01-01T00:00:00Z")])
}

test_new_security_hub_off_not_applicable if {
	exposure_findings.results == {{
		"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "",
		"message": "the new Security Hub is not enabled in this region: no exposure findings to judge",
	}} with input as region_input(false, null)
}

test_unobserved_errors if {
	exposure_findings.results == {{
		"status": "ERROR", "region": "us-east-1", "resource": "",
		"message": "exposure findings not observable: the new Security Hub state not observed (DescribeSecurityHubV2 did not succeed)",
	}} with input as region_input(null, null)
	exposure_findings.results == {{
		"status": "ERROR", "region": "us-east-1", "resource": "",
		"message": "exposure findings not observed: GetFindingsV2 did not succeed",
	}} with input as region_input(true, null)
}

test_sla_from_config if {
	exposure_findings.results == {{
		"status": "FAIL", "region": "us-east-1", "resource": "",
		"message": "1 exposure finding(s) open longer than the SLA (critical 1 days, high 2 days): h (High, 3 days, i-0abc)",
	}} with input as region_input(true, [exposure("h", "High", 4, "New", "2026-02-26T12:00:00Z")])
		with data.baseline.config.securityhub.exposure_critical_sla_days as 1
		with data.baseline.config.securityhub.exposure_high_sla_days as 2
}
