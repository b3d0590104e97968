# METADATA
# title: A multi-region trail logs all management events
# description: >-
#   At least one multi-region trail, the account's own or an organization
#   trail, is logging and records both read and write management events.
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
#     aws cloudtrail put-event-selectors --trail-name <name> --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]';
#     aws cloudtrail start-logging --name <name>
#   references: ["CloudTrail.1", "CIS AWS Foundations 3.1", "Prowler cloudtrail_multi_region_enabled"]
#   requires: ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"]
package baseline.controls.cloudtrail.multi_region_logging

import data.baseline.lib

results contains verdict

verdict := lib.error("global", "", "trails not observed: DescribeTrails did not succeed") if {
	not lib.cloudtrail_trails
} else := lib.pass("global", "", sprintf("multi-region trail logging all management events: %s", [concat(", ", logging)])) if {
	count(logging) > 0
} else := lib.error("global", "", sprintf("multi-region logging not confirmed: status or event selectors not observed for %s", [concat(", ", unobserved)])) if {
	count(unobserved) > 0
} else := lib.fail("global", "", "no multi-region trail") if {
	count(multi_region) == 0
} else := lib.fail("global", "", sprintf("no multi-region trail logs all management events: %s", [concat("; ", problems)]))

multi_region := [t | some t in lib.cloudtrail_trails; t.is_multi_region == true]

logging := sort([t.arn |
	some t in multi_region
	t.status.is_logging == true
	t.management_events == "all"
])

unobserved := sort([t.arn |
	some t in multi_region
	not observed(t)
])

observed(t) if {
	is_object(t.status)
	is_string(t.management_events)
}

problems := sort([sprintf("%s %s", [t.arn, problem(t)]) | some t in multi_region])

problem(t) := "is not logging" if {
	t.status.is_logging != true
} else := sprintf("records %s management events", [t.management_events])
