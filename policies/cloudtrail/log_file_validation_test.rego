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
	"status": null, "management_events": null, "excluded_management_event_sources": null,
}

# The organization trail of another account is judged there, not here; a
# region where no own trail is homed passes.
test_one_result_per_own_trail if {
	log_file_validation.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": main, "message": "log file validation is enabled"},
		{"status": "FAIL", "region": "eu-west-1", "resource": audit, "message": "log file validation is disabled"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no trail judged in this account is homed in this region"},
	} with input as account([trail(main, "eu-west-1", true), trail(audit, "eu-west-1", false), trail(org, "us-east-1", false)])
}

test_trails_homed_out_of_scope_are_not_judged if {
	log_file_validation.results == {
		{"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "", "message": "no trail judged in this account is homed in this region"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no trail judged in this account is homed in this region"},
	} with input as account([trail("arn:aws:cloudtrail:ap-south-1:111122223333:trail/far", "ap-south-1", false)])
}

test_trails_not_observed_errors if {
	log_file_validation.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "trails not observed: DescribeTrails did not succeed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "trails not observed: DescribeTrails did not succeed"},
	} with input as account(null)
}

# An account with no trail at all has nothing for a trail-scoped control to
# judge: NOT_APPLICABLE, never PASS (multi_region_logging FAILs it).
test_no_trail_at_all_is_not_applicable if {
	log_file_validation.results == {
		{"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "", "message": "the account has no trail"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "the account has no trail"},
	} with input as account([])
}

# Another account's organization trail is judged in its owner when the owner
# is scanned, and in each member that sees it when the owner is not.
org_trail(in_scope) := object.union(trail(org, "us-east-1", false), {"is_organization_trail": true, "owner_in_scope": in_scope})

test_organization_trail_judged_here_only_when_owner_not_scanned if {
	log_file_validation.results == {
		{"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "", "message": "no trail judged in this account is homed in this region"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no trail judged in this account is homed in this region"},
	} with input as account([org_trail(true)])
	log_file_validation.results == {
		{"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "", "message": "no trail judged in this account is homed in this region"},
		{"status": "FAIL", "region": "us-east-1", "resource": org, "message": "log file validation is disabled"},
	} with input as account([org_trail(false)])
}
