# METADATA
# title: Production findings are triaged within the production SLA
# description: >-
#   In a production account, no ACTIVE Security Hub finding with workflow
#   status NEW or NOTIFIED, compliance status other than PASSED and severity
#   CRITICAL or HIGH was first observed longer ago than the production SLA
#   (default 72 hours, custom.acme.prod_sla_hours). Production accounts are
#   those listed in custom.acme.production_accounts (ids or names), or when
#   the list is empty those whose name contains custom.acme.production_name_contains
#   (default "prod").
# custom:
#   id: acme.prod_findings_sla
#   severity: high
#   service: acme
#   scope: region
#   remediation: >-
#     Fix the resource named by the finding, or triage it within the SLA: open
#     a ticket and set the workflow status to SUPPRESSED with a note naming it,
#     e.g. aws securityhub batch-update-findings --finding-identifiers Id=<id>,ProductArn=<arn>
#     --workflow Status=SUPPRESSED --note Text="SEC-1234",UpdatedBy=<you>
#   references: ["ACME security standard SEC-7 (production findings SLA)", "AWS Security Hub findings severity"]
#   requires: ["securityhub:DescribeHub", "securityhub:GetFindings"]
package baseline.controls.acme.prod_findings_sla

import data.baseline.lib

# settings are data.baseline.config.custom.acme over the defaults; a config
# file sets them under `custom: {acme: {...}}`.
settings := object.union(
	{"prod_sla_hours": 72, "production_accounts": [], "production_name_contains": "prod"},
	object.get(data.baseline.config.custom, "acme", {}),
)

production if {
	some account in settings.production_accounts
	account in {input.account_id, input.account_name}
}

production if {
	count(settings.production_accounts) == 0
	contains(lower(input.account_name), lower(settings.production_name_contains))
}

results contains lib.pass(region, "", sprintf("%s is not a production account", [input.account_name])) if {
	not production
	some region in input.regions
}

results contains result if {
	production
	some region in input.regions
	some result in verdicts(region)
}

# verdicts are one FAIL per overdue finding, or one PASS or ERROR for the region.
verdicts(region) := {lib.error(region, "", "findings not observable: Security Hub state not observed")} if {
	lib.securityhub_state(region) == null
} else := {lib.error(region, "", "findings not observable: Security Hub is not enabled")} if {
	lib.securityhub_state(region) == false
} else := {lib.error(region, "", "findings not observed: GetFindings did not succeed")} if {
	input.securityhub[region].findings == null
} else := {lib.pass(region, "", msg)} if {
	count(overdue(region)) == 0
	msg := sprintf("no CRITICAL or HIGH finding open longer than the %d-hour production SLA", [settings.prod_sla_hours])
} else := {lib.fail(region, f.resource_id, msg) |
	some f in overdue(region)
	msg := sprintf("%s finding open for %d hours, over the %d-hour production SLA: %s (%s)", [
		f.severity_label, lib.whole_hours(lib.age_ns(f.first_observed_at)), settings.prod_sla_hours, f.title, f.id,
	])
}

overdue(region) := [f |
	some f in input.securityhub[region].findings
	f.severity_label in {"CRITICAL", "HIGH"}
	f.record_state == "ACTIVE"
	f.workflow_status in {"NEW", "NOTIFIED"}
	f.compliance_status != "PASSED"
	lib.age_ns(f.first_observed_at) > settings.prod_sla_hours * lib.hour_ns
]
