# METADATA
# title: A multi-region trail logs all management events
# description: >-
#   At least one multi-region trail, the account's own or an organization
#   trail, is logging and records both read and write management events of
#   every event source (no ExcludeManagementEventSources, no advanced
#   eventSource condition), as AWS Config's multi-region-cloudtrail-enabled.
# custom:
#   id: cloudtrail.multi_region_logging
#   severity: high
#   service: cloudtrail
#   scope: account
#   remediation: >-
#     Create a multi-region trail (or an organization trail from the management
#     account) recording all management events and start logging:
#     aws cloudtrail create-trail --name <name> --s3-bucket-name <bucket> --is-multi-region-trail
#     --enable-log-file-validation --kms-key-id <key>;
#     aws cloudtrail put-event-selectors --trail-name <name> --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true,"ExcludeManagementEventSources":[]}]';
#     aws cloudtrail start-logging --name <name>
#   references: ["CloudTrail.1", "CIS AWS Foundations 3.1", "AWS Config multi-region-cloudtrail-enabled", "Prowler cloudtrail_multi_region_enabled_logging_management_events"]
#   requires: ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"]
package baseline.controls.cloudtrail.multi_region_logging

import data.baseline.lib

results contains verdict

verdict := lib.error("global", "", "trails not observed: DescribeTrails did not succeed") if {
	not lib.cloudtrail_trails
} else := lib.pass("global", "", sprintf("multi-region trail logging all management events: %s", [concat(", ", logging)])) if {
	count(logging) > 0
} else := lib.error("global", "", sprintf("multi-region logging not confirmed: status or event selectors not observed for %s", [concat("; ", unobserved)])) if {
	count(unobserved) > 0
} else := lib.fail("global", "", "no multi-region trail") if {
	count(multi_region) == 0
} else := lib.fail("global", "", sprintf("no multi-region trail logs all management events: %s", [concat("; ", problems)]))

multi_region := [t | some t in lib.cloudtrail_trails; t.is_multi_region == true]

# logging are the trails that meet the control: logging, recording management
# reads and writes, and excluding no event source (AWS Config's
# multi-region-cloudtrail-enabled is NON_COMPLIANT for a trail whose
# ExcludeManagementEventSources is not empty).
logging := sort([t.arn |
	some t in multi_region
	t.status.is_logging == true
	t.management_events == "all"
	t.excluded_management_event_sources == []
])

unobserved := sort([unobserved_reason(t) |
	some t in multi_region
	not observed(t)
])

unobserved_reason(t) := sprintf("%s (%s)", [t.arn, t.owner_facts_error]) if {
	is_string(t.owner_facts_error)
	t.owner_facts_error != ""
} else := t.arn

observed(t) if {
	is_object(t.status)
	is_string(t.management_events)
	is_array(t.excluded_management_event_sources)
}

problems := sort([sprintf("%s %s", [t.arn, problem(t)]) | some t in multi_region])

problem(t) := "is not logging" if {
	t.status.is_logging != true
} else := sprintf("records %s management events", [t.management_events]) if {
	t.management_events != "all"
} else := sprintf("excludes management events of %s", [concat(", ", t.excluded_management_event_sources)])
