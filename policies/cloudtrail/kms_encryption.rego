# METADATA
# title: CloudTrail logs are encrypted with KMS
# description: >-
#   The trail encrypts its log files with a KMS key (SSE-KMS) rather than
#   only the bucket's default encryption, so reading them needs kms:Decrypt.
# custom:
#   id: cloudtrail.kms_encryption
#   severity: medium
#   service: cloudtrail
#   scope: trail
#   remediation: >-
#     Create a KMS key whose policy lets CloudTrail encrypt, then
#     aws cloudtrail update-trail --region <home-region> --name <trail-arn> --kms-key-id <key-arn>
#   references: ["CloudTrail.2", "CIS AWS Foundations 3.5", "Prowler cloudtrail_kms_encryption_enabled"]
#   requires: ["cloudtrail:DescribeTrails"]
package baseline.controls.cloudtrail.kms_encryption

import data.baseline.lib

results contains lib.cloudtrail_no_trails_result(region) if some region in input.regions

results contains verdict(t) if {
	some region in input.regions
	some t in lib.cloudtrail_trails_in(region)
}

verdict(t) := lib.pass(t.home_region, t.arn, sprintf("log files are encrypted with KMS key %s", [t.kms_key_id])) if {
	is_string(t.kms_key_id)
	t.kms_key_id != ""
} else := lib.fail(t.home_region, t.arn, "log files are not encrypted with a KMS key")
