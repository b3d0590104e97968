package baseline.controls.cloudtrail.kms_encryption_test

import data.baseline.controls.cloudtrail.kms_encryption

main := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"

plain := "arn:aws:cloudtrail:us-east-1:111122223333:trail/plain"

key := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

trail(arn, home, kms) := {
	"arn": arn, "name": "t", "home_region": home, "is_multi_region": false,
	"is_organization_trail": false, "log_file_validation_enabled": true,
	"kms_key_id": kms, "s3_bucket_name": "logs", "cloudwatch_logs_log_group_arn": "",
	"status": null, "management_events": null, "excluded_management_event_sources": null,
}

test_kms_and_plain_trails if {
	kms_encryption.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": main, "message": sprintf("log files are encrypted with KMS key %s", [key])},
		{"status": "FAIL", "region": "us-east-1", "resource": plain, "message": "log files are not encrypted with a KMS key"},
		{"status": "NOT_APPLICABLE", "region": "us-west-2", "resource": "", "message": "no trail judged in this account is homed in this region"},
	} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1", "us-east-1", "us-west-2"],
		"cloudtrail": {"trails": [trail(main, "eu-west-1", key), trail(plain, "us-east-1", "")]},
	}
}

test_cloudtrail_not_collected_errors if {
	kms_encryption.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "trails not observed: DescribeTrails did not succeed",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": null,
	}
}

test_no_trail_at_all_is_not_applicable if {
	kms_encryption.results == {{
		"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "",
		"message": "the account has no trail",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": {"trails": []},
	}
}
