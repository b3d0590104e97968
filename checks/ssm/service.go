package ssm

import "github.com/baseline-scanner/baseline/checks"

// Service describes Systems Manager (and the EC2 instances it should
// manage) to the scanner (see checks.Service).
var Service = checks.Service{
	Name:          "ssm",
	SDKServiceIDs: map[string]string{"SSM": "ssm", "EC2": "ec2"},
	Actions: []string{
		"ec2:DescribeInstances",
		"ssm:DescribeInstanceInformation",
		"ssm:DescribeInstancePatchStates",
	},
	RateLimits: checks.RateLimits{
		// Systems Manager's Describe* throughput quotas are at least 10 TPS
		// (Service Quotas, "Systems Manager"); 10/s burst 20, conservative.
		"ssm:*": {PerSecond: 10, Burst: 20},
	},
	// Managed nodes and patch states; EC2 instances.
	FactSources: []string{"ssm", "ec2"},
	New:         func() checks.Collector { return New() },
	Coverage:    coverage,
}

// coverage: enabled when every running EC2 instance is a managed node (a
// region without running instances included), disabled when at least one
// is not managed, error when not observed. Stopped instances are never
// managed nodes: AWS does not list them (DescribeInstanceInformation).
func coverage(acct *checks.AccountFacts, region string) checks.CoverageState {
	facts := acct.SSM[region]
	if facts == nil || facts.Instances == nil || facts.ManagedNodes == nil {
		return checks.CoverageError
	}
	managed := make(map[string]bool, len(facts.ManagedNodes))
	for _, n := range facts.ManagedNodes {
		managed[n.InstanceID] = true
	}
	for _, i := range facts.Instances {
		if i.State == "running" && !managed[i.InstanceID] {
			return checks.CoverageDisabled
		}
	}
	return checks.CoverageEnabled
}
