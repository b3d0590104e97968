# METADATA
# title: CloudTrail delivers to CloudWatch Logs
# description: >-
#   The trail delivers events to a CloudWatch Logs log group, without a
#   delivery error, and the latest delivery is recent (default 24 hours), so
#   that metric filters and alarms can act on them.
# custom:
#   id: cloudtrail.cloudwatch_logs
#   severity: low
#   service: cloudtrail
#   scope: trail
#   remediation: >-
#     Create a log group and a role CloudTrail can assume to write to it, then
#     aws cloudtrail update-trail --region <home-region> --name <trail-arn>
#     --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>;
#     on a delivery error, check the role's trust and permissions policies.
#   references: ["CloudTrail.5", "CIS AWS Foundations 3.4", "Prowler cloudtrail_cloudwatch_logging_enabled"]
#   requires: ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"]
package baseline.controls.cloudtrail.cloudwatch_logs

import data.baseline.lib

results contains lib.cloudtrail_no_trails_result(region) if some region in input.regions

results contains verdict(t) if {
	some region in input.regions
	some t in lib.cloudtrail_trails_in(region)
}

max_age_hours := lib.config.cloudtrail.cloudwatch_max_age_hours

verdict(t) := lib.fail(t.home_region, t.arn, "no CloudWatch Logs log group is configured") if {
	object.get(t, "cloudwatch_logs_log_group_arn", "") in {"", null}
} else := lib.error(t.home_region, t.arn, "trail status not observed: GetTrailStatus did not succeed") if {
	not lib.cloudtrail_status(t)
} else := lib.fail(t.home_region, t.arn, sprintf("CloudWatch Logs delivery error: %s", [t.status.latest_cloudwatch_logs_delivery_error])) if {
	not object.get(t.status, "latest_cloudwatch_logs_delivery_error", "") in {"", null}
} else := lib.fail(t.home_region, t.arn, sprintf("no delivery to CloudWatch Logs log group %s recorded", [t.cloudwatch_logs_log_group_arn])) if {
	not is_string(t.status.latest_cloudwatch_logs_delivery_time)
} else := lib.fail(t.home_region, t.arn, sprintf("last delivery to CloudWatch Logs %d hours ago (limit %d hours)", [hours, max_age_hours])) if {
	age := lib.age_ns(t.status.latest_cloudwatch_logs_delivery_time)
	age > max_age_hours * lib.hour_ns
	hours := lib.whole_hours(age)
} else := lib.pass(t.home_region, t.arn, sprintf("delivers to %s (last delivery %d hours ago)", [t.cloudwatch_logs_log_group_arn, hours])) if {
	hours := lib.whole_hours(lib.age_ns(t.status.latest_cloudwatch_logs_delivery_time))
}
