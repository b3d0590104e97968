package baseline.controls.cloudtrail.log_file_validation_test

import data.baseline.controls.cloudtrail.log_file_validation

main := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"

audit := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit"

org := "arn:aws:cloudtrail:us-east-1:999999999999:trail/org"

account(trails) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1", "us-east-1"],
	"cloudtrail": {"trails": trails},
}

trail(arn, home, validation) := {
	"arn": arn, "name": "t", "home_region": home, "is_multi_region": true,
	"is_organization_trail": false, "log_file_validation_enabled": validation,
	"kms_key_id": "", "s3_bucket_name": "logs", "cloudwatch_logs_log_group_arn": "",
	"status": null, "management_events": null,
}

# The organization trail of another account is judged there, not here; a
# region where no own trail is homed passes.
test_one_result_per_own_trail if {
	log_file_validation.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": main, "message": "log file validation is enabled"},
		{"status": "FAIL", "region": "eu-west-1", "resource": audit, "message": "log file validation is disabled"},
		{"status": "PASS", "region": "us-east-1", "resource": "", "message": "no trails in this region"},
	} with input as account([trail(main, "eu-west-1", true), trail(audit, "eu-west-1", false), trail(org, "us-east-1", false)])
}

test_trails_homed_out_of_scope_are_not_judged if {
	log_file_validation.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": "", "message": "no trails in this region"},
		{"status": "PASS", "region": "us-east-1", "resource": "", "message": "no trails in this region"},
	} with input as account([trail("arn:aws:cloudtrail:ap-south-1:111122223333:trail/far", "ap-south-1", false)])
}

test_trails_not_observed_errors if {
	log_file_validation.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "trails not observed: DescribeTrails did not succeed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "trails not observed: DescribeTrails did not succeed"},
	} with input as account(null)
}
