package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/internal/buildinfo"
	"github.com/baseline-scanner/baseline/internal/redact"
	"github.com/baseline-scanner/baseline/report"
)

// version is the build's version (see internal/buildinfo): the release
// version stamped with -ldflags, else the module version the go command
// recorded, else "dev".
func version() string { return buildinfo.Read().Version }

// Execute runs the baseline command line with args (without the program
// name). Errors are printed to stderr here, once; the returned error only
// selects the exit code (see ExitCode).
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	err = exitZero(cmd, err, stderr)
	var exit *ExitError
	if err != nil && !errors.As(err, &exit) {
		report.WriteNotice(stderr, "baseline: "+redact.Secrets(err.Error()))
	}
	return err
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "baseline",
		Short: "Scan an AWS Organization against a security baseline",
		Long: `baseline collects Security Hub, GuardDuty, CloudTrail and Systems Manager facts
from every account and region of an AWS Organization, evaluates them with Rego
policies and writes a baseline report.

Credentials, region and endpoints come from the AWS SDK's default chain
(profiles, SSO, environment variables, AWS_ENDPOINT_URL).

Exit codes: 0 nothing failing at or above --fail-on; 1 failing controls at or
above it; 2 usage, configuration or fatal error; 3 the scan was incomplete
(collection errors) and nothing failed at or above the threshold.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version(),
	}
	root.SetVersionTemplate(buildinfo.Read().String())
	root.PersistentPreRunE = expandShardPaths
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%s: %w (see '%s --help')", cmd.CommandPath(), err, cmd.CommandPath())
	})
	root.AddCommand(
		newScanCmd(stdout, stderr),
		newCollectCmd(stdout, stderr),
		newAccountsCmd(stdout, stderr),
		newEvaluateCmd(stdout, stderr),
		newDiffCmd(stdout),
		newMergeCmd(stdout),
		newReportCmd(stdout),
		newNotifyCmd(stdout),
		newPoliciesCmd(stdout),
		newIAMPolicyCmd(stdout),
		newVersionCmd(stdout),
	)
	return root
}

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit it was built from and the OPA version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(stdout, buildinfo.Read().String())
			return err
		},
	}
}
