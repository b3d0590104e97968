package baseline.controls.cloudtrail.cloudwatch_logs_test

import data.baseline.controls.cloudtrail.cloudwatch_logs

group := "arn:aws:logs:eu-west-1:111122223333:log-group:cloudtrail:*"

arn(name) := sprintf("arn:aws:cloudtrail:eu-west-1:111122223333:trail/%s", [name])

trail(name, log_group, status) := {
	"arn": arn(name), "name": name, "home_region": "eu-west-1", "is_multi_region": true,
	"is_organization_trail": false, "log_file_validation_enabled": true,
	"kms_key_id": "", "s3_bucket_name": "logs", "cloudwatch_logs_log_group_arn": log_group,
	"status": status, "management_events": "all", "excluded_management_event_sources": [],
}

status(cw_time, cw_error) := {
	"is_logging": true,
	"latest_delivery_time": "2025-06-30T11:00:00Z",
	"latest_delivery_error": "",
	"latest_cloudwatch_logs_delivery_time": cw_time,
	"latest_cloudwatch_logs_delivery_error": cw_error,
}

test_every_trail_state if {
	cloudwatch_logs.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": arn("fresh"), "message": sprintf("delivers to %s (last delivery 2 hours ago)", [group])},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("stale"), "message": "last delivery to CloudWatch Logs 25 hours ago (limit 24 hours)"},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("broken"), "message": "CloudWatch Logs delivery error: AccessDenied"},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("never"), "message": sprintf("no delivery to CloudWatch Logs log group %s recorded", [group])},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("none"), "message": "no CloudWatch Logs log group is configured"},
		{"status": "ERROR", "region": "eu-west-1", "resource": arn("unknown"), "message": "trail status not observed: GetTrailStatus did not succeed"},
	} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": {"trails": [
			trail("fresh", group, status("2025-06-30T10:00:00Z", "")),
			trail("stale", group, status("2025-06-29T11:00:00Z", "")),
			trail("broken", group, status("2025-06-30T11:00:00Z", "AccessDenied")),
			trail("never", group, status(null, "")),
			trail("none", "", status(null, "")),
			trail("unknown", group, null),
		]},
	}
}

test_window_from_config if {
	cloudwatch_logs.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": arn("stale"),
		"message": sprintf("delivers to %s (last delivery 25 hours ago)", [group]),
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": {"trails": [trail("stale", group, status("2025-06-29T11:00:00Z", ""))]},
	}
		with data.baseline.config.cloudtrail.cloudwatch_max_age_hours as 48
}

test_cloudwatch_delivery_judged_in_every_region if {
	cloudwatch_logs.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": arn("main"),
		"message": "CloudWatch Logs delivery error: AccessDeniedException (in us-east-1)",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": {"trails": [object.union(trail("main", group, status("2025-06-30T11:00:00Z", "")), {"region_statuses": {
			"us-east-1": status("2025-06-30T11:00:00Z", "AccessDeniedException"),
		}})]},
	}
}
