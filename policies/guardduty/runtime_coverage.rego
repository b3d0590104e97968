# METADATA
# title: GuardDuty Runtime Monitoring covers every resource
# description: >-
#   Every EKS cluster, ECS cluster and EC2 instance in Runtime Monitoring's
#   coverage (ListCoverage) is HEALTHY: GuardDuty's security agent runs and
#   reports. Each unhealthy resource fails with the issue AWS gives. A
#   region with no covered resource has nothing to judge.
# custom:
#   id: guardduty.runtime_coverage
#   severity: medium
#   service: guardduty
#   scope: instance
#   remediation: >-
#     Fix the coverage issue named for the resource (see "Troubleshooting
#     Runtime Monitoring coverage" in the GuardDuty user guide): usually the
#     security agent is missing or cannot reach GuardDuty (VPC endpoint,
#     security group), or the resource runs an unsupported version; list it with
#     aws guardduty list-coverage --region <region> --detector-id <id>
#   references: ["GuardDuty Runtime Monitoring coverage", "GuardDuty.11"]
#   requires: ["guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:ListCoverage"]
package baseline.controls.guardduty.runtime_coverage

import data.baseline.lib

# One result per covered resource; one per region when there is none.
results contains verdict(region) if {
	some region in input.regions
	not judged_per_resource(region)
}

results contains judge(region, c) if {
	some region in input.regions
	judged_per_resource(region)
	some c in input.guardduty[region].coverage
}

coverage(region) := c if {
	c := input.guardduty[region].coverage
	is_array(c)
}

judged_per_resource(region) if count(coverage(region)) > 0

verdict(region) := lib.error(region, "", "coverage not observed: ListCoverage did not succeed") if {
	not coverage(region)
} else := lib.error(region, "", "GuardDuty detectors not observed") if {
	not lib.guardduty_detectors(region)
} else := lib.error(region, "", "coverage not observable: no GuardDuty detector in this region") if {
	count(lib.guardduty_detectors(region)) == 0
} else := lib.not_applicable(region, "", "Runtime Monitoring is ENABLED and covers no EKS cluster, ECS cluster or EC2 instance") if {
	runtime_enabled(region)
} else := lib.not_applicable(region, "", "Runtime Monitoring is not ENABLED and covers no resource")

runtime_enabled(region) if {
	some d in lib.guardduty_enabled_detectors(region)
	some f in d.features
	f.name in {"RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"}
	f.status == "ENABLED"
}

# judge: HEALTHY passes; UNHEALTHY and any status AWS may add fail (GD-42).
judge(region, c) := lib.pass(region, c.resource_id, sprintf("%s %s coverage is HEALTHY", [c.resource_type, name(c)])) if {
	c.status == "HEALTHY"
} else := lib.fail(region, c.resource_id, sprintf("%s %s coverage is %s: %s", [c.resource_type, name(c), status(c), issue(c)]))

name(c) := c.name if c.name != ""

else := c.resource_id

status(c) := c.status if c.status != ""

else := "(no status)"

issue(c) := c.issue if c.issue != ""

else := "AWS gives no issue"
