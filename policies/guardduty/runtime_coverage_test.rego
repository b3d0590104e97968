package baseline.controls.guardduty.runtime_coverage_test

import data.baseline.controls.guardduty.runtime_coverage

rm_on := [{"id": "d1", "status": "ENABLED", "features": [{"name": "RUNTIME_MONITORING", "status": "ENABLED", "additional_configuration": []}]}]

rm_off := [{"id": "d1", "status": "ENABLED", "features": [{"name": "RUNTIME_MONITORING", "status": "DISABLED", "additional_configuration": []}]}]

cov(id, type, status, issue) := {"account_id": "111122223333", "resource_id": id, "resource_type": type, "name": id, "status": status, "issue": issue, "management_type": "AUTO_MANAGED", "updated_at": "2025-06-30T11:00:00Z"}

input_with(guardduty) := {
	"collected_at": "2025-06-30T12:00:00Z",
	"account_id": "111122223333",
	"regions": object.keys(guardduty),
	"guardduty": guardduty,
}

test_one_result_per_resource if {
	runtime_coverage.results == {
		{"status": "PASS", "region": "us-east-1", "resource": "prod-eks", "message": "EKS prod-eks coverage is HEALTHY"},
		{"status": "FAIL", "region": "us-east-1", "resource": "i-1", "message": "EC2 i-1 coverage is UNHEALTHY: No agent reporting"},
		{"status": "FAIL", "region": "us-east-1", "resource": "ecs-1", "message": "ECS ecs-1 coverage is UNHEALTHY: AWS gives no issue"},
	} with input as input_with({"us-east-1": {"detectors": rm_on, "coverage": [
		cov("prod-eks", "EKS", "HEALTHY", ""),
		cov("i-1", "EC2", "UNHEALTHY", "No agent reporting"),
		cov("ecs-1", "ECS", "UNHEALTHY", ""),
	]}})
}

test_unknown_status_never_passes if {
	runtime_coverage.results == {{"status": "FAIL", "region": "us-east-1", "resource": "i-1", "message": "EC2 i-1 coverage is DEGRADED: AWS gives no issue"}} with input as input_with({"us-east-1": {"detectors": rm_on, "coverage": [cov("i-1", "EC2", "DEGRADED", "")]}})
	runtime_coverage.results == {{"status": "FAIL", "region": "us-east-1", "resource": "i-1", "message": "EC2 i-1 coverage is (no status): AWS gives no issue"}} with input as input_with({"us-east-1": {"detectors": rm_on, "coverage": [cov("i-1", "EC2", "", "")]}})
}

test_nothing_covered_is_not_applicable if {
	runtime_coverage.results == {
		{"status": "NOT_APPLICABLE", "region": "us-east-1", "resource": "", "message": "Runtime Monitoring is ENABLED and covers no EKS cluster, ECS cluster or EC2 instance"},
		{"status": "NOT_APPLICABLE", "region": "eu-west-1", "resource": "", "message": "Runtime Monitoring is not ENABLED and covers no resource"},
		{"status": "ERROR", "region": "ap-south-1", "resource": "", "message": "coverage not observable: no GuardDuty detector in this region"},
	} with input as input_with({
		"us-east-1": {"detectors": rm_on, "coverage": []},
		"eu-west-1": {"detectors": rm_off, "coverage": []},
		"ap-south-1": {"detectors": [], "coverage": []},
	})
}

test_unobserved_coverage_errors if {
	runtime_coverage.results == {
		{"status": "ERROR", "region": "us-east-1", "resource": "", "message": "coverage not observed: ListCoverage did not succeed"},
		{"status": "ERROR", "region": "eu-west-1", "resource": "", "message": "GuardDuty detectors not observed"},
	} with input as input_with({
		"us-east-1": {"detectors": rm_on, "coverage": null},
		"eu-west-1": {"detectors": null, "coverage": []},
	})
}
