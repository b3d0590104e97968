package baseline.controls.guardduty.high_findings_test

import data.baseline.controls.guardduty.high_findings

enabled_detector := [{"id": "d1", "status": "ENABLED", "features": []}]

region(detectors, findings) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1"],
	"guardduty": {"eu-west-1": {"detectors": detectors, "finding_counts": {}, "high_findings": findings}},
}

finding(id, type, severity, archived) := {
	"id": id,
	"detector_id": "d1",
	"title": "a finding",
	"type": type,
	"severity": severity,
	"archived": archived,
	"resource_type": "Instance",
	"resource_id": "i-0abc",
	"updated_at": "2025-06-29T00:00:00Z",
}

test_unarchived_high_findings_fail if {
	high_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "2 unarchived finding(s) with severity >= 7: f2 CryptoCurrency:EC2/BitcoinTool.B!DNS (severity 8.5) on Instance i-0abc, f1 UnauthorizedAccess:EC2/SSHBruteForce (severity 7) on Instance i-0abc",
	}} with input as region(enabled_detector, [
		finding("f1", "UnauthorizedAccess:EC2/SSHBruteForce", 7, false),
		finding("f2", "CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.5, false),
		finding("f3", "Recon:EC2/PortProbeUnprotectedPort", 8, true),
		finding("f4", "Recon:EC2/Portscan", 5, false),
	])
}

test_only_archived_or_low_findings_pass if {
	high_findings.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "no unarchived finding with severity >= 7",
	}} with input as region(enabled_detector, [
		finding("f3", "Recon:EC2/PortProbeUnprotectedPort", 8, true),
		finding("f4", "Recon:EC2/Portscan", 5, false),
	])
}

test_threshold_from_config if {
	high_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "1 unarchived finding(s) with severity >= 8.5: f2 CryptoCurrency:EC2/BitcoinTool.B!DNS (severity 8.5) on Instance i-0abc",
	}} with input as region(enabled_detector, [
		finding("f1", "UnauthorizedAccess:EC2/SSHBruteForce", 7, false),
		finding("f2", "CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.5, false),
	])
		with data.baseline.config.guardduty.min_severity as 8.5
}

test_no_detector_errors if {
	high_findings.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "findings not observable: no GuardDuty detector in this region",
	}} with input as region([], [])
}

test_disabled_detector_errors if {
	high_findings.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "findings not observable: GuardDuty detector is not ENABLED",
	}} with input as region([{"id": "d1", "status": "DISABLED", "features": []}], [])
}

test_findings_not_observed_errors if {
	high_findings.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "findings not observed: ListFindings/GetFindings did not succeed",
	}} with input as region(enabled_detector, null)
}

test_detectors_not_observed_errors if {
	high_findings.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "findings not observable: GuardDuty detectors not observed",
	}} with input as region(null, null)
}

test_attack_sequence_shows_signals if {
	high_findings.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "1 unarchived finding(s) with severity >= 7: seq AttackSequence:S3/CompromisedData (severity 9.5) on S3Bucket share [critical attack sequence: S3 data compromise; signals: CLOUD_TRAIL PutBucketPolicy x3]",
	}} with input as region(enabled_detector, [{
		"id": "seq", "detector_id": "d1", "title": "t", "type": "AttackSequence:S3/CompromisedData", "severity": 9.5,
		"archived": false, "resource_type": "S3Bucket", "resource_id": "share", "updated_at": "2025-06-30T11:00:00Z",
		"sequence": {"description": "S3 data compromise", "signals": [{"type": "CLOUD_TRAIL", "name": "PutBucketPolicy", "count": 3, "severity": 0}]},
	}])
}
