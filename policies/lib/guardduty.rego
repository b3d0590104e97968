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

# guardduty_sequence_note describes an Extended Threat Detection attack
# sequence for a message: GuardDuty rates every one critical (9.0-10.0), and
# its signals say what it correlated (GD-45). Empty for any other finding.
guardduty_sequence_note(f) := sprintf(" [critical attack sequence: %s; signals: %s]", [f.sequence.description, enumerate(signals)]) if {
	is_object(f.sequence)
	signals := [sprintf("%s %s x%d", [s.type, s.name, s.count]) | some s in f.sequence.signals]
} else := ""
