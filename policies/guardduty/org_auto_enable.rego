# METADATA
# title: GuardDuty auto-enables the organization's members
# description: >-
#   The GuardDuty organization configuration, read once from the delegated
#   administrator, auto-enables GuardDuty (AutoEnableOrganizationMembers) and
#   each required protection plan (and RUNTIME_MONITORING's required agent
#   management) for ALL members, existing and new. Judged on the administrator
#   account; NOT_APPLICABLE elsewhere and when the scan has no administrator
#   view (--collection direct, or the caller is not the administrator);
#   ERROR when the administrator could not be determined.
# custom:
#   id: guardduty.org_auto_enable
#   severity: medium
#   service: guardduty
#   scope: region
#   remediation: >-
#     From the delegated administrator:
#     aws guardduty update-organization-configuration --region <region> --detector-id <id>
#     --auto-enable-organization-members ALL
#     --features Name=S3_DATA_EVENTS,AutoEnable=ALL Name=EKS_AUDIT_LOGS,AutoEnable=ALL
#     Name=EBS_MALWARE_PROTECTION,AutoEnable=ALL Name=RDS_LOGIN_EVENTS,AutoEnable=ALL
#     Name=LAMBDA_NETWORK_LOGS,AutoEnable=ALL
#     'Name=RUNTIME_MONITORING,AutoEnable=ALL,AdditionalConfiguration=[{Name=EKS_ADDON_MANAGEMENT,AutoEnable=ALL},{Name=ECS_FARGATE_AGENT_MANAGEMENT,AutoEnable=ALL},{Name=EC2_AGENT_MANAGEMENT,AutoEnable=ALL}]'
#   references: ["GuardDuty DescribeOrganizationConfiguration", "Prowler guardduty_delegated_admin_enabled_all_regions"]
#   requires: ["guardduty:DescribeOrganizationConfiguration", "guardduty:GetMembers", "guardduty:ListMembers"]
package baseline.controls.guardduty.org_auto_enable

import data.baseline.lib

results contains verdict(region) if some region in input.regions

accepted := lib.config.guardduty.org_auto_enable

required := lib.config.guardduty.required_features

required_agents := lib.config.guardduty.required_runtime_agent_management

org(region) := o if {
	o := input.guardduty[region].organization
	is_object(o)
}

verdict(region) := lib.not_applicable(region, "", "not judged here: the organization configuration is read from the GuardDuty delegated administrator (--collection auto or admin) and judged on its account") if {
	not org(region)
} else := lib.fail(region, "", sprintf("organization auto-enable is short of %s: %s", [concat("/", accepted), concat("; ", problems(region))])) if {
	count(problems(region)) > 0
} else := lib.pass(region, "", sprintf("organization auto-enables GuardDuty and %s for members (%s)", [concat(", ", present(region)), concat(", ", sort({org(region).auto_enable_organization_members}))]))

problems(region) := array.concat(
	array.concat(member_problems(region), limit_problems(region)),
	array.concat(feature_problems(region), agent_problems(region)),
)

member_problems(region) := [sprintf("GuardDuty for members %s", [setting(org(region).auto_enable_organization_members)]) |
	not org(region).auto_enable_organization_members in accepted
]

limit_problems(region) := ["member account limit reached: new members are no longer auto-enabled"] if {
	org(region).member_account_limit_reached == true
} else := []

feature(region, name) := f if {
	some f in org(region).features
	f.name == name
}

present(region) := [name |
	some name in required
	feature(region, name)
]

# A required feature absent from the configuration is a problem: GuardDuty
# lists every feature it offers in the region (GD-43).
feature_problems(region) := [msg |
	some name in required
	msg := feature_problem(region, name)
]

feature_problem(region, name) := sprintf("%s not in the organization configuration", [name]) if {
	not feature(region, name)
} else := sprintf("%s %s", [name, setting(feature(region, name).auto_enable)]) if {
	not feature(region, name).auto_enable in accepted
}

agent_problems(region) := [sprintf("RUNTIME_MONITORING/%s %s", [name, setting(agent_setting(region, name))]) |
	"RUNTIME_MONITORING" in required
	feature(region, "RUNTIME_MONITORING")
	some name in required_agents
	not agent_setting(region, name) in accepted
]

agent_setting(region, name) := s if {
	some c in feature(region, "RUNTIME_MONITORING").additional_configuration
	c.name == name
	s := c.auto_enable
} else := ""

setting(s) := s if s != ""

else := "(not set)"
