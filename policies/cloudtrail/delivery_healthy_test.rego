package baseline.controls.cloudtrail.delivery_healthy_test

import data.baseline.controls.cloudtrail.delivery_healthy

arn(name) := sprintf("arn:aws:cloudtrail:eu-west-1:111122223333:trail/%s", [name])

trail(name, status) := {
	"arn": arn(name), "name": name, "home_region": "eu-west-1", "is_multi_region": true,
	"is_organization_trail": false, "log_file_validation_enabled": true,
	"kms_key_id": "", "s3_bucket_name": "org-logs", "cloudwatch_logs_log_group_arn": "",
	"status": status, "management_events": "all",
}

status(time, error) := {
	"is_logging": true,
	"latest_delivery_time": time,
	"latest_delivery_error": error,
	"latest_cloudwatch_logs_delivery_time": null,
	"latest_cloudwatch_logs_delivery_error": "",
}

test_every_trail_state if {
	delivery_healthy.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": arn("fresh"), "message": "last delivery to S3 bucket org-logs 0 hours ago"},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("stale"), "message": "last delivery to S3 72 hours ago (limit 24 hours)"},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("broken"), "message": "S3 delivery error: NoSuchBucket"},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("never"), "message": "no log delivery to S3 recorded"},
		{"status": "ERROR", "region": "eu-west-1", "resource": arn("unknown"), "message": "trail status not observed: GetTrailStatus did not succeed"},
		{"status": "PASS", "region": "us-east-1", "resource": "", "message": "no trails in this region"},
	} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1", "us-east-1"],
		"cloudtrail": {"trails": [
			trail("fresh", status("2025-06-30T11:55:00Z", "")),
			trail("stale", status("2025-06-27T12:00:00Z", "")),
			trail("broken", status("2025-06-30T11:00:00Z", "NoSuchBucket")),
			trail("never", status(null, "")),
			trail("unknown", null),
		]},
	}
}

test_trails_not_observed_errors if {
	delivery_healthy.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "trails not observed: DescribeTrails did not succeed",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": {"trails": null},
	}
}
