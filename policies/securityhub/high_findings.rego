# METADATA
# title: No high Security Hub findings past their SLA
# description: >-
#   No ACTIVE Security Hub finding of severity HIGH that still needs action
#   (workflow NEW or NOTIFIED and compliance not PASSED, or a control finding
#   set to RESOLVED whose compliance is still FAILED) was first observed longer
#   ago than the SLA (default 30 days). SUPPRESSED is how a risk is accepted.
#   A finding whose first-observed time is unusable makes the region ERROR.
# custom:
#   id: securityhub.high_findings
#   severity: high
#   service: securityhub
#   scope: region
#   remediation: >-
#     Fix the resources named by the findings, or triage them: set the workflow
#     status to SUPPRESSED with a note when the risk is accepted, e.g.
#     aws securityhub batch-update-findings --finding-identifiers Id=<id>,ProductArn=<arn>
#     --workflow Status=SUPPRESSED --note Text="<reason>",UpdatedBy=<you>
#   references: ["AWS Security Hub findings severity"]
#   requires: ["securityhub:DescribeHub", "securityhub:GetFindings"]
package baseline.controls.securityhub.high_findings

import data.baseline.lib

results contains r if {
	some region in input.regions
	some r in lib.securityhub_findings_results(region, "HIGH", lib.config.securityhub.high_sla_days)
}
