# METADATA
# title: No critical Security Hub findings past their SLA
# description: >-
#   No ACTIVE Security Hub finding of severity CRITICAL that still needs action
#   (workflow NEW or NOTIFIED and compliance not PASSED, or a control finding
#   set to RESOLVED whose compliance is still FAILED) was first observed longer
#   ago than the SLA (default 7 days). SUPPRESSED is how a risk is accepted.
#   A finding whose first-observed time is unusable makes the region ERROR.
# custom:
#   id: securityhub.critical_findings
#   severity: critical
#   service: securityhub
#   scope: region
#   remediation: >-
#     Fix the resources named by the findings, or triage them: set the workflow
#     status to SUPPRESSED with a note when the risk is accepted, e.g.
#     aws securityhub batch-update-findings --finding-identifiers Id=<id>,ProductArn=<arn>
#     --workflow Status=SUPPRESSED --note Text="<reason>",UpdatedBy=<you>
#   references: ["AWS Security Hub findings severity", "CIS AWS Foundations 4.16"]
#   requires: ["securityhub:DescribeHub", "securityhub:GetFindings"]
package baseline.controls.securityhub.critical_findings

import data.baseline.lib

results contains r if {
	some region in input.regions
	some r in lib.securityhub_findings_results(region, "CRITICAL", lib.config.securityhub.critical_sla_days)
}
