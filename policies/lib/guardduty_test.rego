package baseline.lib_test

import data.baseline.lib

test_attack_sequence_note_names_type_and_signals if {
	f := {
		"id": "seq", "type": "AttackSequence:S3/CompromisedData", "severity": 9.5,
		"sequence": {"description": "S3 data compromise", "signals": [
			{"type": "FINDING", "name": "Discovery:S3/AnomalousBehavior", "count": 1, "severity": 5},
			{"type": "CLOUD_TRAIL", "name": "PutBucketPolicy", "count": 3, "severity": 0},
		]},
	}
	lib.guardduty_sequence_note(f) == " [critical attack sequence: S3 data compromise; signals: FINDING Discovery:S3/AnomalousBehavior x1, CLOUD_TRAIL PutBucketPolicy x3]"
	lib.guardduty_sequence_note({"id": "plain", "sequence": null}) == ""
	lib.guardduty_sequence_note({"id": "old-snapshot"}) == ""
}
