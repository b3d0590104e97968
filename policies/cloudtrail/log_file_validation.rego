# METADATA
# title: CloudTrail log file validation is enabled
# description: >-
#   The trail writes signed digest files, so that tampering with delivered
#   log files can be detected.
# custom:
#   id: cloudtrail.log_file_validation
#   severity: low
#   service: cloudtrail
#   scope: trail
#   remediation: >-
#     aws cloudtrail update-trail --region <home-region> --name <trail-arn> --enable-log-file-validation
#   references: ["CloudTrail.4", "CIS AWS Foundations 3.2", "Prowler cloudtrail_log_file_validation_enabled"]
#   requires: ["cloudtrail:DescribeTrails"]
package baseline.controls.cloudtrail.log_file_validation

import data.baseline.lib

results contains lib.cloudtrail_no_trails_result(region) if some region in input.regions

results contains verdict(t) if {
	some region in input.regions
	some t in lib.cloudtrail_trails_in(region)
}

verdict(t) := lib.pass(t.home_region, t.arn, "log file validation is enabled") if {
	t.log_file_validation_enabled == true
} else := lib.fail(t.home_region, t.arn, "log file validation is disabled")
