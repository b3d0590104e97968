package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// scanActions are exactly the AWS API actions a scan calls, all read-only.
// A test runs a full scan of the simulated organization with --regions all
// and holds this list equal to the set of actions it observed (plus
// ec2:DescribeRegions, called only when account:ListRegions is denied, which
// another test covers), and the README's policy equal to this list.
var scanActions = []string{
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

type iamPolicy struct {
	Version   string         `json:"Version"`
	Statement []iamStatement `json:"Statement"`
}

type iamStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

func newIAMPolicyCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "iam-policy",
		Short: "Print the least-privilege IAM policy a scan needs",
		Long: `iam-policy prints an IAM policy document with exactly the actions baseline calls,
all read-only. Attach it to the scanning principal and to the role assumed in
every member account (--role-name); sts:AssumeRole,
organizations:ListAccounts and organizations:ListTagsForResource are only
used by the scanning principal.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			data, err := json.MarshalIndent(iamPolicy{
				Version: "2012-10-17",
				Statement: []iamStatement{{
					Sid:      "BaselineReadOnlyScan",
					Effect:   "Allow",
					Action:   scanActions,
					Resource: "*",
				}},
			}, "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "%s\n", data)
			return err
		},
	}
}
