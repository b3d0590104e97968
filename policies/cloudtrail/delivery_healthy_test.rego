package baseline.controls.cloudtrail.delivery_healthy_test

import data.baseline.controls.cloudtrail.delivery_healthy

arn(name) := sprintf("arn:aws:cloudtrail:eu-west-1:111122223333:trail/%s", [name])

trail(name, status) := {
	"arn": arn(name), "name": name, "home_region": "eu-west-1", "is_multi_region": true,
	"is_organization_trail": false, "log_file_validation_enabled": true,
	"kms_key_id": "", "s3_bucket_name": "org-logs", "cloudwatch_logs_log_group_arn": "",
	"status": status, "management_events": "all", "excluded_management_event_sources": [],
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
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no trail judged in this account is homed in this region"},
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

# GetTrailStatus returns trail status from a single Region: a multi-region
# trail's delivery is judged in every scanned region that reported it.
test_delivery_judged_in_every_region if {
	delivery_healthy.results == {
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("main"), "message": "S3 delivery error: AccessDenied (in us-east-1); last delivery to S3 72 hours ago (limit 24 hours) (in us-west-2)"},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("everywhere"), "message": "S3 delivery error: NoSuchBucket (home region and us-east-1, us-west-2)"},
		{"status": "PASS", "region": "eu-west-1", "resource": arn("fine"), "message": "last delivery to S3 bucket org-logs 0 hours ago"},
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "no trail judged in this account is homed in this region"},
	} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1", "us-east-1"],
		"cloudtrail": {"trails": [
			object.union(trail("main", status("2025-06-30T11:55:00Z", "")), {"region_statuses": {
				"us-east-1": status("2025-06-30T11:00:00Z", "AccessDenied"),
				"us-west-2": status("2025-06-27T12:00:00Z", ""),
			}}),
			object.union(trail("fine", status("2025-06-30T11:55:00Z", "")), {"region_statuses": {"us-east-1": status("2025-06-30T11:50:00Z", "")}}),
			object.union(trail("everywhere", status("2025-06-30T11:55:00Z", "NoSuchBucket")), {"region_statuses": {
				"us-east-1": status("2025-06-30T11:50:00Z", "NoSuchBucket"),
				"us-west-2": status("2025-06-30T11:50:00Z", "NoSuchBucket"),
			}}),
		]},
	}
}

# A delivery time that cannot be a real observation is not recent.
test_unusable_delivery_time_fails if {
	delivery_healthy.results == {
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("future"), "message": "last delivery to S3 time unusable: 2025-07-30T12:00:00Z"},
		{"status": "FAIL", "region": "eu-west-1", "resource": arn("zero"), "message": "last delivery to S3 time unusable: 0001-01-01T00:00:00Z"},
	} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": {"trails": [
			trail("future", status("2025-07-30T12:00:00Z", "")),
			trail("zero", status("0001-01-01T00:00:00Z", "")),
		]},
	}
}

test_owner_facts_missing_errors_with_reason if {
	org := "arn:aws:cloudtrail:eu-west-1:999999999999:trail/org"
	delivery_healthy.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": org,
		"message": "trail status not observed: GetTrailStatus failed in owner account 999999999999: AccessDeniedException: denied",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": {"trails": [object.union(trail("org", null), {
			"arn": org, "is_organization_trail": true, "owner_in_scope": false,
			"owner_facts_error": "GetTrailStatus failed in owner account 999999999999: AccessDeniedException: denied",
		})]},
	}
}

# A region whose status is null in a (hand-made) snapshot is not observed:
# never a pass.
test_null_region_status_is_not_a_pass if {
	delivery_healthy.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": arn("main"),
		"message": "trail status not observed in us-east-1",
	}} with input as {
		"collected_at": "2025-06-30T12:00:00Z",
		"account_id": "111122223333",
		"regions": ["eu-west-1"],
		"cloudtrail": {"trails": [object.union(trail("main", status("2025-06-30T11:55:00Z", "")), {"region_statuses": {"us-east-1": null}})]},
	}
}
