# METADATA
# title: GuardDuty protection plans are enabled
# description: >-
#   Every required GuardDuty protection plan (by default S3 data events, EKS
#   audit logs, EBS malware protection, RDS login events, Lambda network logs
#   and runtime monitoring) is ENABLED on the region's detector.
# custom:
#   id: guardduty.protection_plans
#   severity: medium
#   service: guardduty
#   scope: region
#   remediation: >-
#     Enable the missing features on the detector, e.g.
#     aws guardduty update-detector --region <region> --detector-id <id>
#     --features Name=S3_DATA_EVENTS,Status=ENABLED Name=EKS_AUDIT_LOGS,Status=ENABLED
#     Name=EBS_MALWARE_PROTECTION,Status=ENABLED Name=RDS_LOGIN_EVENTS,Status=ENABLED
#     Name=LAMBDA_NETWORK_LOGS,Status=ENABLED Name=RUNTIME_MONITORING,Status=ENABLED
#   references: ["GuardDuty.5", "GuardDuty.6", "GuardDuty.7", "GuardDuty.8", "GuardDuty.9", "GuardDuty.10", "GuardDuty.11"]
#   requires: ["guardduty:ListDetectors", "guardduty:GetDetector"]
package baseline.controls.guardduty.protection_plans

import data.baseline.lib

results contains verdict(region) if some region in input.regions

required := lib.config.guardduty.required_features

verdict(region) := lib.error(region, "", "GuardDuty detectors not observed") if {
	not lib.guardduty_detectors(region)
} else := lib.fail(region, "", "no GuardDuty detector in this region") if {
	count(lib.guardduty_detectors(region)) == 0
} else := lib.fail(region, "", "GuardDuty detector is not ENABLED") if {
	count(lib.guardduty_enabled_detectors(region)) == 0
} else := lib.pass(region, "", sprintf("required protection plans are ENABLED: %s", [concat(", ", required)])) if {
	count(missing(region)) == 0
} else := lib.fail(region, "", sprintf("protection plans not ENABLED: %s", [concat(", ", missing(region))]))

# missing names each required feature that no ENABLED detector has enabled,
# with the status it has instead.
missing(region) := [describe(region, name) |
	some name in required
	not enabled(region, name)
]

enabled(region, name) if {
	some d in lib.guardduty_enabled_detectors(region)
	some f in d.features
	f.name == name
	f.status == "ENABLED"
}

describe(region, name) := sprintf("%s (%s)", [name, concat("/", statuses)]) if {
	statuses := sort({f.status |
		some d in lib.guardduty_enabled_detectors(region)
		some f in d.features
		f.name == name
	})
	count(statuses) > 0
} else := sprintf("%s (not present)", [name])
