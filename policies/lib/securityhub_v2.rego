package baseline.lib

# securityhub_v2_state is true or false when DescribeSecurityHubV2 answered,
# null when the new Security Hub was not observed in the region.
securityhub_v2_state(region) := state if {
	state := input.securityhub[region].v2_enabled
	is_boolean(state)
} else := null

# exposure_finding holds for an exposure finding of the new Security Hub:
# metadata.product.feature.uid security-hub/Exposure, or the analytic name
# of AWS's sample exposure finding.
exposure_finding(f) if f.product_feature == "security-hub/Exposure"

exposure_finding(f) if f.analytic == "Exposure"

# exposure_closed are the OCSF statuses that need no action; any other
# status (New, In Progress, Unknown, Other, none, or one AWS adds) is open.
exposure_closed := {"Suppressed", "Resolved", "Archived", "Deleted"}

# exposure_level is "critical" (OCSF severity_id 5 Critical or 6 Fatal) or
# "high" (4); other severities are not judged.
exposure_level(f) := "critical" if {
	f.severity_id >= 5
} else := "critical" if {
	f.severity in {"Critical", "Fatal"}
} else := "high" if {
	f.severity_id == 4
} else := "high" if {
	f.severity == "High"
}
