package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/scan"
)

func newScanCmd(stdout, stderr io.Writer) *cobra.Command {
	var targets targetFlags
	var policy policyFlags
	var output outputFlags
	var snapshotFile string
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Collect, evaluate and write the baseline report",
		Example: `  baseline scan --demo
  baseline scan --org --regions us-east-1,eu-west-1 --format json -o report.json
  baseline scan --accounts 111111111111,222222222222 --role-name SecurityAudit --fail-on critical`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Everything that can be checked offline is checked before the scan.
			if err := targets.validate(); err != nil {
				return err
			}
			if err := output.validate(cmd.Context()); err != nil {
				return err
			}
			if err := checkOutputPath("--snapshot", snapshotFile); err != nil {
				return err
			}
			if _, err := policy.evalLimits(); err != nil {
				return err
			}
			engine, cfg, err := policy.load(cmd.Context())
			if err != nil {
				return err
			}
			output.started = time.Now()
			// Finished accounts wait in a spool file, not in memory.
			st, done, err := targets.collectStreamed(cmd.Context(), stderr)
			if err != nil {
				return err
			}
			defer done()
			defer st.Close()
			if snapshotFile != "" {
				if err := writeFileAtomic(snapshotFile, func(w io.Writer) error { return st.WriteSnapshot(cmd.Context(), w) }); err != nil {
					return err
				}
			}
			return evaluateStreamedAndWrite(cmd, engine, cfg, &policy, st, &output, stdout)
		},
	}
	targets.register(cmd)
	policy.register(cmd)
	policy.registerEval(cmd)
	output.register(cmd)
	cmd.Flags().StringVar(&snapshotFile, "snapshot", "", "also write the collected snapshot to this file (re-evaluate it later with baseline evaluate)")
	return cmd
}

func newCollectCmd(stdout, stderr io.Writer) *cobra.Command {
	var targets targetFlags
	var out string
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Collect facts into a snapshot for `baseline evaluate`",
		Long: `collect observes the targets and writes the snapshot: the versioned JSON document
of every fact and collection error. 'baseline evaluate' turns it into the same
report 'baseline scan' would have written.`,
		Example: `  baseline collect --org --regions us-east-1 -o snapshot.json
  baseline collect --demo -o snapshot.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := targets.validate(); err != nil {
				return err
			}
			if err := checkOutputPath("-o", out); err != nil {
				return err
			}
			st, done, err := targets.collectStreamed(cmd.Context(), stderr)
			if err != nil {
				return err
			}
			defer done()
			defer st.Close()
			write := func(w io.Writer) error { return st.WriteSnapshot(cmd.Context(), w) }
			if out == "" || out == "-" {
				err = write(stdout)
			} else {
				err = writeFileAtomic(out, write)
			}
			if err != nil {
				return err
			}
			// An incomplete collection is exit 3, as for scan: CI learns of
			// it before anyone evaluates the snapshot.
			return exitError(scan.ExitCode(scan.Verdict{Streamed: st}))
		},
	}
	targets.register(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the snapshot to this file (default: stdout)")
	return cmd
}

func newEvaluateCmd(stdout, _ io.Writer) *cobra.Command {
	var policy policyFlags
	var output outputFlags
	cmd := &cobra.Command{
		Use:   "evaluate snapshot.json",
		Short: "Evaluate a snapshot written by `baseline collect`",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("evaluate: expected one snapshot file, got %d argument(s)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := output.validate(cmd.Context()); err != nil {
				return err
			}
			if _, err := policy.evalLimits(); err != nil {
				return err
			}
			engine, cfg, err := policy.load(cmd.Context())
			if err != nil {
				return err
			}
			snap, err := checks.ReadSnapshot(args[0])
			if err != nil {
				return err
			}
			return evaluateAndWrite(cmd, engine, cfg, &policy, snap, &output, stdout)
		},
	}
	policy.register(cmd)
	policy.registerEval(cmd)
	output.register(cmd)
	return cmd
}
