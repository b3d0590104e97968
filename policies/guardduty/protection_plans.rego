# METADATA
# title: GuardDuty protection plans are enabled
# description: >-
#   Every required GuardDuty protection plan (by default S3 data events, EKS
#   audit logs, EBS malware protection, RDS login events, Lambda network logs
#   and runtime monitoring, with GuardDuty managing the runtime security agent
#   for EKS, ECS Fargate and EC2) is ENABLED on the region's detector. A plan
#   the region does not offer is reported as such, not as a failure.
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
#     Name=LAMBDA_NETWORK_LOGS,Status=ENABLED
#     'Name=RUNTIME_MONITORING,Status=ENABLED,AdditionalConfiguration=[{Name=EKS_ADDON_MANAGEMENT,Status=ENABLED},{Name=ECS_FARGATE_AGENT_MANAGEMENT,Status=ENABLED},{Name=EC2_AGENT_MANAGEMENT,Status=ENABLED}]'
#   references: ["GuardDuty.5", "GuardDuty.6", "GuardDuty.7", "GuardDuty.8", "GuardDuty.9", "GuardDuty.10", "GuardDuty.11", "GuardDuty.12", "GuardDuty.13"]
#   requires: ["guardduty:ListDetectors", "guardduty:GetDetector"]
package baseline.controls.guardduty.protection_plans

import data.baseline.lib

results contains verdict(region) if some region in input.regions

required := lib.config.guardduty.required_features

required_agents := lib.config.guardduty.required_runtime_agent_management

unoffered_fail := lib.config.guardduty.unoffered_features_fail

verdict(region) := lib.error(region, "", "GuardDuty detectors not observed") if {
	not lib.guardduty_detectors(region)
} else := lib.fail(region, "", "no GuardDuty detector in this region") if {
	count(lib.guardduty_detectors(region)) == 0
} else := lib.fail(region, "", "GuardDuty detector is not ENABLED") if {
	count(lib.guardduty_enabled_detectors(region)) == 0
} else := lib.fail(region, "", sprintf("protection plans not ENABLED: %s%s", [concat(", ", problems(region)), offered_note(region)])) if {
	count(problems(region)) > 0
} else := lib.not_applicable(region, "", sprintf("no required protection plan is offered in this region: %s", [concat(", ", unoffered(region))])) if {
	count(unoffered(region)) == count(required)
} else := lib.pass(region, "", sprintf("required protection plans are ENABLED: %s%s", [concat(", ", offered_required(region)), offered_note(region)]))

# problems names each required plan (and each required agent management of
# RUNTIME_MONITORING) that no ENABLED detector has enabled, with the status it
# has instead; a plan the region does not offer only when the config is strict.
problems(region) := array.concat(
	array.concat(
		[describe(region, name) |
			some name in offered_required(region)
			not enabled(region, name)
		],
		[sprintf("%s (not offered in this region)", [name]) |
			unoffered_fail
			some name in unoffered(region)
		],
	),
	agent_problems(region),
)

# unoffered are the required plans no ENABLED detector describes: GetDetector
# leaves out a plan the region does not offer (GD-12).
unoffered(region) := [name |
	some name in required
	not offered(region, name)
]

offered_required(region) := [name |
	some name in required
	offered(region, name)
]

offered_note(region) := sprintf("; not offered in this region: %s", [concat(", ", unoffered(region))]) if {
	not unoffered_fail
	count(unoffered(region)) > 0
} else := ""

offered(region, name) if {
	some d in lib.guardduty_enabled_detectors(region)
	some f in d.features
	f.name == name
}

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
}

# agent_problems names each required agent management of an ENABLED
# RUNTIME_MONITORING that is not ENABLED (GD-11); when RUNTIME_MONITORING is
# itself off, problems already names it.
agent_problems(region) := [describe_agent(region, name) |
	"RUNTIME_MONITORING" in required
	enabled(region, "RUNTIME_MONITORING")
	some name in required_agents
	not agent_enabled(region, name)
]

runtime_configuration(region) := [c |
	some d in lib.guardduty_enabled_detectors(region)
	some f in d.features
	f.name == "RUNTIME_MONITORING"
	f.status == "ENABLED"
	is_array(f.additional_configuration)
	some c in f.additional_configuration
]

agent_enabled(region, name) if {
	some c in runtime_configuration(region)
	c.name == name
	c.status == "ENABLED"
}

describe_agent(region, name) := sprintf("RUNTIME_MONITORING/%s (%s)", [name, concat("/", statuses)]) if {
	statuses := sort({c.status | some c in runtime_configuration(region); c.name == name})
	count(statuses) > 0
} else := sprintf("RUNTIME_MONITORING/%s (not present)", [name])
