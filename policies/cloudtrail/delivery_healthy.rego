# METADATA
# title: CloudTrail delivers logs to S3
# description: >-
#   The trail reports no S3 delivery error and delivered log files recently
#   (default within 24 hours), so that the audit record is complete.
# custom:
#   id: cloudtrail.delivery_healthy
#   severity: medium
#   service: cloudtrail
#   scope: trail
#   remediation: >-
#     Read the error with aws cloudtrail get-trail-status --name <trail-arn>; fix the
#     bucket policy (it must allow cloudtrail.amazonaws.com s3:PutObject for the trail's
#     SourceArn), the KMS key policy, or a deleted bucket; start logging if it stopped:
#     aws cloudtrail start-logging --name <trail-arn>
#   references: ["AWS CloudTrail GetTrailStatus LatestDeliveryError", "AWS CloudTrail troubleshooting"]
#   requires: ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"]
package baseline.controls.cloudtrail.delivery_healthy

import data.baseline.lib

results contains lib.cloudtrail_no_trails_result(region) if some region in input.regions

results contains verdict(t) if {
	some region in input.regions
	some t in lib.cloudtrail_trails_in(region)
}

max_age_hours := lib.config.cloudtrail.delivery_max_age_hours

verdict(t) := lib.error(t.home_region, t.arn, sprintf("trail status not observed: %s", [lib.cloudtrail_unobserved_reason(t, "GetTrailStatus")])) if {
	not lib.cloudtrail_status(t)
} else := lib.error(t.home_region, t.arn, sprintf("trail status not observed in %s", [concat(", ", lib.cloudtrail_unobserved_regions(t))])) if {
	count(lib.cloudtrail_unobserved_regions(t)) > 0
} else := lib.fail(t.home_region, t.arn, concat("; ", problems(t))) if {
	count(problems(t)) > 0
} else := lib.pass(t.home_region, t.arn, sprintf("last delivery to S3 bucket %s %d hours ago", [t.s3_bucket_name, hours])) if {
	hours := lib.whole_hours(lib.now_ns - lib.usable_ns(t.status.latest_delivery_time))
}

# problems are what is wrong with delivery, each once with the regions
# (other than the home) that report it: GetTrailStatus reports each region's
# delivery on its own.
problems(t) := lib.cloudtrail_problems(t, {region: p |
	some region, status in lib.cloudtrail_region_statuses(t)
	p := problem(status)
})

problem(status) := sprintf("S3 delivery error: %s", [status.latest_delivery_error]) if {
	not object.get(status, "latest_delivery_error", "") in {"", null}
} else := "no log delivery to S3 recorded" if {
	not is_string(status.latest_delivery_time)
} else := sprintf("last delivery to S3 time unusable: %s", [status.latest_delivery_time]) if {
	not lib.usable_ns(status.latest_delivery_time)
} else := sprintf("last delivery to S3 %d hours ago (limit %d hours)", [hours, max_age_hours]) if {
	age := lib.now_ns - lib.usable_ns(status.latest_delivery_time)
	age > max_age_hours * lib.hour_ns
	hours := lib.whole_hours(age)
}
