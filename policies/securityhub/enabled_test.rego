package baseline.controls.securityhub.enabled_test

import data.baseline.controls.securityhub.enabled

hub_arn := "arn:aws:securityhub:eu-west-1:111122223333:hub/default"

test_enabled_passes if {
	enabled.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": sprintf("Security Hub CSPM is enabled (%s)", [hub_arn]),
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"securityhub": {"eu-west-1": {"enabled": true, "hub_arn": hub_arn, "standards": [], "findings": []}},
	}
}

test_disabled_fails if {
	enabled.results == {{
		"status": "FAIL", "region": "us-east-1", "resource": "",
		"message": "neither Security Hub nor Security Hub CSPM is enabled in this region",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["us-east-1"],
		"securityhub": {"us-east-1": {"enabled": false, "standards": null, "findings": null, "v2_enabled": false}},
	}
}

test_null_facts_error_per_region if {
	enabled.results == {
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "Security Hub state not observed: DescribeHub did not succeed"},
		{"status": "ERROR", "region": "ap-south-1", "resource": "", "message": "Security Hub state not observed: DescribeHub did not succeed"},
	} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["us-east-1", "ap-south-1"],
		"securityhub": {"us-east-1": {"enabled": null, "standards": null, "findings": null}},
	}
}

test_securityhub_not_collected_errors if {
	enabled.results == {{
		"status": "ERROR", "region": "us-east-1", "resource": "",
		"message": "Security Hub state not observed: DescribeHub did not succeed",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["us-east-1"],
		"securityhub": null,
	}
}

hub_v2_arn := "arn:aws:securityhub:eu-west-1:111122223333:hubv2/0f1e2d3c-4b5a-4968-a7b6-c5d4e3f2a1b0"

v2_input(cspm, v2) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1"],
	"securityhub": {"eu-west-1": {"enabled": cspm, "hub_arn": hub_arn, "v2_enabled": v2, "hub_v2_arn": hub_v2_arn}},
}

test_only_new_security_hub_passes if {
	enabled.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": sprintf("Security Hub is enabled (%s); Security Hub CSPM is not", [hub_v2_arn]),
	}} with input as v2_input(false, true)
}

test_both_products_named if {
	enabled.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": sprintf("Security Hub CSPM and Security Hub are enabled (%s, %s)", [hub_arn, hub_v2_arn]),
	}} with input as v2_input(true, true)
}

test_new_security_hub_passes_when_cspm_unobserved if {
	enabled.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": sprintf("Security Hub is enabled (%s); Security Hub CSPM state not observed", [hub_v2_arn]),
	}} with input as v2_input(null, true)
}

test_cspm_off_and_new_unobserved_errors if {
	enabled.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "Security Hub CSPM is not enabled and the new Security Hub's state was not observed: DescribeSecurityHubV2 did not succeed",
	}} with input as v2_input(false, null)
}

test_cspm_on_and_new_unobserved_passes_as_cspm if {
	enabled.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": sprintf("Security Hub CSPM is enabled (%s)", [hub_arn]),
	}} with input as v2_input(true, null)
}
