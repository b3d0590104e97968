package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
)

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
					Action:   checks.APIActions,
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
