package baseline.controls.securityhub.standards_test

import data.baseline.controls.securityhub.standards

fsbp := "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0"

cis := "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"

cis_old := "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"

account(hub) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": ["eu-west-1"],
	"securityhub": {"eu-west-1": hub},
}

test_all_required_ready_passes if {
	standards.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "required standards are READY: aws-foundational-security-best-practices, cis-aws-foundations-benchmark",
	}} with input as account({"enabled": true, "standards": [
		{"standards_arn": fsbp, "subscription_arn": "s1", "status": "READY"},
		{"standards_arn": cis_old, "subscription_arn": "s2", "status": "READY"},
	]})
}

test_missing_and_not_ready_fail if {
	standards.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "required standards not enabled and READY: aws-foundational-security-best-practices (not subscribed), cis-aws-foundations-benchmark (INCOMPLETE)",
	}} with input as account({"enabled": true, "standards": [{"standards_arn": cis, "subscription_arn": "s2", "status": "INCOMPLETE"}]})
}

test_required_standards_from_config if {
	standards.results == {{
		"status": "PASS", "region": "eu-west-1", "resource": "",
		"message": "required standards are READY: cis-aws-foundations-benchmark",
	}} with input as account({"enabled": true, "standards": [{"standards_arn": cis, "subscription_arn": "s2", "status": "READY"}]})
		with data.baseline.config.securityhub.required_standards as ["cis-aws-foundations-benchmark"]
}

test_hub_disabled_fails if {
	standards.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "Security Hub is not enabled",
	}} with input as account({"enabled": false, "standards": null, "findings": null})
}

test_standards_not_observed_errors if {
	standards.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "standards not observed: GetEnabledStandards did not succeed",
	}} with input as account({"enabled": true, "standards": null, "findings": []})
}

test_hub_not_observed_errors if {
	standards.results == {{
		"status": "ERROR", "region": "eu-west-1", "resource": "",
		"message": "standards not observable: Security Hub state not observed",
	}} with input as account({"enabled": null, "standards": null, "findings": null})
}

# Every published CIS AWS Foundations version satisfies the default (v1.2.0,
# which EnableSecurityHub turns on, has a "ruleset" ARN without a region),
# in every partition; FSBP likewise.
test_every_cis_version_and_partition_satisfies_default if {
	every arn in [
		cis_old,
		"arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0",
		cis,
		"arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
		"arn:aws-us-gov:securityhub:us-gov-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
		"arn:aws-cn:securityhub:cn-north-1::standards/cis-aws-foundations-benchmark/v/1.4.0",
	] {
		standards.results == {{
			"status": "PASS", "region": "eu-west-1", "resource": "",
			"message": "required standards are READY: aws-foundational-security-best-practices, cis-aws-foundations-benchmark",
		}} with input as account({"enabled": true, "standards": [
			{"standards_arn": fsbp, "subscription_arn": "s1", "status": "READY"},
			{"standards_arn": arn, "subscription_arn": "s2", "status": "READY"},
		]})
	}
}

# A version can be required by naming it: then an older one does not count.
test_required_cis_version_pins_it if {
	standards.results == {{
		"status": "FAIL", "region": "eu-west-1", "resource": "",
		"message": "required standards not enabled and READY: cis-aws-foundations-benchmark/v/5.0.0 (not subscribed)",
	}} with input as account({"enabled": true, "standards": [{"standards_arn": cis_old, "subscription_arn": "s", "status": "READY"}]})
		with data.baseline.config.securityhub.required_standards as ["cis-aws-foundations-benchmark/v/5.0.0"]
}

# FSBP and CIS v5.0.0 are recognised by their standards ARNs in each
# partition, by default and when v5.0.0 is pinned (SH-47).
test_cis_v5_and_fsbp_in_every_partition if {
	every p in [
		["aws", "us-east-1"],
		["aws-cn", "cn-north-1"],
		["aws-us-gov", "us-gov-west-1"],
	] {
		subs := [
			{"standards_arn": sprintf("arn:%s:securityhub:%s::standards/aws-foundational-security-best-practices/v/1.0.0", p), "subscription_arn": "s1", "status": "READY"},
			{"standards_arn": sprintf("arn:%s:securityhub:%s::standards/cis-aws-foundations-benchmark/v/5.0.0", p), "subscription_arn": "s2", "status": "READY"},
		]
		standards.results == {{
			"status": "PASS", "region": "eu-west-1", "resource": "",
			"message": "required standards are READY: aws-foundational-security-best-practices, cis-aws-foundations-benchmark",
		}} with input as account({"enabled": true, "standards": subs})
		standards.results == {{
			"status": "PASS", "region": "eu-west-1", "resource": "",
			"message": "required standards are READY: aws-foundational-security-best-practices, cis-aws-foundations-benchmark/v/5.0.0",
		}} with input as account({"enabled": true, "standards": subs})
			with data.baseline.config.securityhub.required_standards as ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark/v/5.0.0"]
	}
}
