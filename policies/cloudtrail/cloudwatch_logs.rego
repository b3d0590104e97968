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
} else := lib.error(t.home_region, t.arn, sprintf("trail status not observed: %s", [lib.cloudtrail_unobserved_reason(t, "GetTrailStatus")])) if {
	not lib.cloudtrail_status(t)
} else := lib.error(t.home_region, t.arn, sprintf("trail status not observed in %s", [concat(", ", lib.cloudtrail_unobserved_regions(t))])) if {
	count(lib.cloudtrail_unobserved_regions(t)) > 0
} else := lib.fail(t.home_region, t.arn, concat("; ", problems(t))) if {
	count(problems(t)) > 0
} else := lib.pass(t.home_region, t.arn, sprintf("delivers to %s (last delivery %d hours ago)", [t.cloudwatch_logs_log_group_arn, hours])) if {
	hours := lib.whole_hours(lib.now_ns - lib.usable_ns(t.status.latest_cloudwatch_logs_delivery_time))
}

# problems are what is wrong with delivery, each once with the regions
# (other than the home) that report it: GetTrailStatus reports each region's
# delivery on its own.
problems(t) := lib.cloudtrail_problems(t, {region: p |
	some region, status in lib.cloudtrail_region_statuses(t)
	p := problem(t, status)
})

problem(t, status) := sprintf("CloudWatch Logs delivery error: %s", [status.latest_cloudwatch_logs_delivery_error]) if {
	not object.get(status, "latest_cloudwatch_logs_delivery_error", "") in {"", null}
} else := sprintf("no delivery to CloudWatch Logs log group %s recorded", [t.cloudwatch_logs_log_group_arn]) if {
	not is_string(status.latest_cloudwatch_logs_delivery_time)
} else := sprintf("last delivery to CloudWatch Logs time unusable: %s", [status.latest_cloudwatch_logs_delivery_time]) if {
	not lib.usable_ns(status.latest_cloudwatch_logs_delivery_time)
} else := sprintf("last delivery to CloudWatch Logs %d hours ago (limit %d hours)", [hours, max_age_hours]) if {
	age := lib.now_ns - lib.usable_ns(status.latest_cloudwatch_logs_delivery_time)
	age > max_age_hours * lib.hour_ns
	hours := lib.whole_hours(age)
}
