package baseline.lib

# guardduty_detectors is the region's detector list; undefined when the
# detectors were not observed (an empty list means there is no detector).
guardduty_detectors(region) := detectors if {
	detectors := input.guardduty[region].detectors
	is_array(detectors)
}

# guardduty_enabled_detectors are the region's detectors whose status is ENABLED.
guardduty_enabled_detectors(region) := [d |
	some d in guardduty_detectors(region)
	d.status == "ENABLED"
]
