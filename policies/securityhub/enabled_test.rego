package baseline.controls.securityhub.enabled_test

import data.baseline.controls.securityhub.enabled

hub_arn := "arn:aws:securityhub:eu-west-1:111122223333:hub/default"

test_enabled_passes if {
	enabled.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": sprintf("Security Hub is enabled (%s)", [hub_arn]),
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
		"message": "Security Hub is not enabled in this region",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["us-east-1"],
		"securityhub": {"us-east-1": {"enabled": false, "standards": null, "findings": null}},
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
