package baseline.controls.guardduty.enabled_test

import data.baseline.controls.guardduty.enabled

input_with(guardduty) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1", "us-east-1", "us-west-2", "ap-south-1"],
	"guardduty": guardduty,
}

test_every_state if {
	enabled.results == {
		{"status": "PASS", "region": "eu-west-1", "resource": "", "message": "GuardDuty detector d-eu is ENABLED"},
		{"status": "FAIL", "region": "us-east-1", "resource": "", "message": "no GuardDuty detector in this region"},
		{"status": "FAIL", "region": "us-west-2", "resource": "", "message": "GuardDuty detector d-us is not ENABLED (DISABLED)"},
		{"status": "ERROR", "region": "ap-south-1", "resource": "", "message": "GuardDuty detectors not observed"},
	} with input as input_with({
		"eu-west-1": {"detectors": [{"id": "d-eu", "status": "ENABLED", "features": []}], "finding_counts": {}, "high_findings": []},
		"us-east-1": {"detectors": [], "finding_counts": {}, "high_findings": []},
		"us-west-2": {"detectors": [{"id": "d-us", "status": "DISABLED", "features": []}], "finding_counts": {}, "high_findings": []},
		"ap-south-1": {"detectors": null, "finding_counts": null, "high_findings": null},
	})
}

test_guardduty_not_collected_errors if {
	enabled.results == {
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "GuardDuty detectors not observed"},
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "GuardDuty detectors not observed"},
		{"status": "ERROR", "region": "us-west-2", "resource": "", "message": "GuardDuty detectors not observed"},
		{"status": "ERROR", "region": "ap-south-1", "resource": "", "message": "GuardDuty detectors not observed"},
	} with input as input_with(null)
}
