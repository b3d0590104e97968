package checks

// APIActions are exactly the AWS API actions a scan calls, all read-only,
// sorted. `baseline iam-policy` prints them as the least-privilege policy,
// and a control's `requires` must name actions from this list: an action
// the scan never calls never fails, so a typo would silently disable the
// error rule for it. A test runs a full scan of the simulated organization
// with --regions all and holds this list equal to the set of actions it
// observed (plus ec2:DescribeRegions, called only when account:ListRegions
// is denied, which another test covers).
var APIActions = []string{
	"account:ListRegions", // --regions all
	"cloudtrail:DescribeTrails",
	"cloudtrail:GetEventSelectors",
	"cloudtrail:GetTrailStatus",
	"ec2:DescribeInstances",
	"ec2:DescribeRegions", // --regions all, when account:ListRegions is denied
	"guardduty:GetDetector",
	"guardduty:GetFindings",
	"guardduty:GetFindingsStatistics",
	"guardduty:ListDetectors",
	"guardduty:ListFindings",
	"guardduty:ListMembers", // --collection auto|admin: is the caller the GuardDuty administrator?
	"organizations:ListAccounts",
	"organizations:ListTagsForResource",
	"securityhub:DescribeHub",
	"securityhub:GetEnabledStandards",
	"securityhub:GetFindingAggregator", // --collection auto|admin, as delegated administrator
	"securityhub:GetFindings",
	"securityhub:ListFindingAggregators", // --collection auto|admin: is the caller an administrator with an aggregator?
	"securityhub:ListMembers",            // --collection auto|admin, as delegated administrator
	"ssm:DescribeInstanceInformation",
	"ssm:DescribeInstancePatchStates",
	"sts:AssumeRole",
	"sts:GetCallerIdentity",
}
