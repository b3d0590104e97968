package baseline.controls.cloudtrail.multi_region_logging_test

import data.baseline.controls.cloudtrail.multi_region_logging

org_trail := "arn:aws:cloudtrail:us-east-1:999999999999:trail/org"

own_trail := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"

account(trails) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1", "us-east-1"],
	"cloudtrail": {"trails": trails},
}

trail(arn, home, multi, logging, events) := {
	"arn": arn,
	"name": "t",
	"home_region": home,
	"is_multi_region": multi,
	"is_organization_trail": false,
	"log_file_validation_enabled": true,
	"kms_key_id": "",
	"s3_bucket_name": "logs",
	"cloudwatch_logs_log_group_arn": "",
	"status": {"is_logging": logging, "latest_delivery_time": "2025-06-30T11:00:00Z", "latest_delivery_error": ""},
	"management_events": events,
	"excluded_management_event_sources": [],
}

test_organization_trail_counts if {
	multi_region_logging.results == {{
		"status": "PASS", "region": "global", "resource": "",
		"message": sprintf("multi-region trail logging all management events: %s", [org_trail]),
	}} with input as account([
		object.union(trail(org_trail, "us-east-1", true, true, "all"), {"is_organization_trail": true}),
		trail(own_trail, "eu-west-1", false, true, "all"),
	])
}

test_no_multi_region_trail_fails if {
	multi_region_logging.results == {{
		"status": "FAIL", "region": "global", "resource": "",
		"message": "no multi-region trail",
	}} with input as account([trail(own_trail, "eu-west-1", false, true, "all")])
}

test_no_trail_fails if {
	multi_region_logging.results == {{
		"status": "FAIL", "region": "global", "resource": "",
		"message": "no multi-region trail",
	}} with input as account([])
}

test_stopped_or_partial_trails_fail if {
	multi_region_logging.results == {{
		"status": "FAIL", "region": "global", "resource": "",
		"message": sprintf("no multi-region trail logs all management events: %s records write management events; %s is not logging", [own_trail, org_trail]),
	}} with input as account([
		trail(org_trail, "us-east-1", true, false, "all"),
		trail(own_trail, "eu-west-1", true, true, "write"),
	])
}

test_unobserved_status_errors if {
	multi_region_logging.results == {{
		"status": "ERROR", "region": "global", "resource": "",
		"message": sprintf("multi-region logging not confirmed: status or event selectors not observed for %s", [own_trail]),
	}} with input as account([object.union(trail(own_trail, "eu-west-1", true, true, "all"), {"status": null})])
}

test_trails_not_observed_errors if {
	multi_region_logging.results == {{
		"status": "ERROR", "region": "global", "resource": "",
		"message": "trails not observed: DescribeTrails did not succeed",
	}} with input as account(null)
}

# AWS Config's multi-region-cloudtrail-enabled is NON_COMPLIANT when
# ExcludeManagementEventSources is not empty; the FAIL names the exclusion.
test_excluded_event_sources_fail if {
	multi_region_logging.results == {{
		"status": "FAIL", "region": "global", "resource": "",
		"message": sprintf("no multi-region trail logs all management events: %s excludes management events of kms.amazonaws.com, rdsdata.amazonaws.com; %s excludes management events of eventSource Equals ec2.amazonaws.com", [own_trail, org_trail]),
	}} with input as account([
		object.union(trail(own_trail, "eu-west-1", true, true, "all"), {"excluded_management_event_sources": ["kms.amazonaws.com", "rdsdata.amazonaws.com"]}),
		object.union(trail(org_trail, "us-east-1", true, true, "all"), {"excluded_management_event_sources": ["eventSource Equals ec2.amazonaws.com"]}),
	])
}

test_unobserved_exclusions_error if {
	multi_region_logging.results == {{
		"status": "ERROR", "region": "global", "resource": "",
		"message": sprintf("multi-region logging not confirmed: status or event selectors not observed for %s", [own_trail]),
	}} with input as account([object.union(trail(own_trail, "eu-west-1", true, true, "all"), {"excluded_management_event_sources": null})])
}

# A member sees the organization trail, but its status and selectors come
# from the owner: when the owner's could not be read, ERROR with the reason.
test_owner_facts_missing_errors_with_reason if {
	reason := "GetEventSelectors failed in owner account 999999999999: AccessDeniedException: denied"
	multi_region_logging.results == {{
		"status": "ERROR", "region": "global", "resource": "",
		"message": sprintf("multi-region logging not confirmed: status or event selectors not observed for %s (%s)", [org_trail, reason]),
	}} with input as account([
		object.union(trail(org_trail, "us-east-1", true, true, null), {"is_organization_trail": true, "excluded_management_event_sources": null, "owner_in_scope": true, "owner_facts_error": reason}),
		trail(own_trail, "eu-west-1", true, true, "write"),
	])
}
