package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/internal/scan"
)

func newIAMPolicyCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "iam-policy",
		Short: "Print the least-privilege IAM policy a scan needs",
		Long: `iam-policy prints an IAM policy document with exactly the actions baseline calls,
all read-only. Attach it to the scanning principal and to the role assumed in
every member account (--role-name); sts:AssumeRole,
organizations:ListAccounts, organizations:ListTagsForResource and
organizations:DescribeOrganization are only used by the scanning principal.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			data, err := scan.IAMPolicy(nil)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "%s\n", data)
			return err
		},
	}
}
