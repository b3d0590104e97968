package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// Environment variables --shard auto reads.
const (
	// envK8sIndex is set by Kubernetes in every pod of an Indexed Job
	// (completionMode: Indexed): the pod's completion index, 0 … completions-1.
	envK8sIndex = "JOB_COMPLETION_INDEX"
	// envBatchIndex is set by AWS Batch in every child of an array job: the
	// child's index, 0 … size-1.
	envBatchIndex = "AWS_BATCH_JOB_ARRAY_INDEX"
	// envShardCount gives the shard count when --shard-count is not set:
	// neither Kubernetes nor AWS Batch tells a pod the completion count or
	// the array size.
	envShardCount = "BASELINE_SHARD_COUNT"
)

// autoShard resolves --shard auto from the environment: the 0-based index of
// a Kubernetes Indexed Job or an AWS Batch array job becomes shard index+1 of
// count (--shard-count, else BASELINE_SHARD_COUNT).
func autoShard(lookup func(string) (string, bool), count int) (k, n int, err error) {
	k8s, inK8s := lookup(envK8sIndex)
	batch, inBatch := lookup(envBatchIndex)
	var name, value string
	switch {
	case inK8s && inBatch:
		return 0, 0, fmt.Errorf("--shard auto: both %s and %s are set; say which shard with --shard K/N", envK8sIndex, envBatchIndex)
	case inK8s:
		name, value = envK8sIndex, k8s
	case inBatch:
		name, value = envBatchIndex, batch
	default:
		return 0, 0, fmt.Errorf("--shard auto: neither %s (Kubernetes Indexed Job) nor %s (AWS Batch array job) is set", envK8sIndex, envBatchIndex)
	}
	index, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || index < 0 {
		return 0, 0, fmt.Errorf("--shard auto: %s=%q is not a 0-based index", name, value)
	}
	source := "--shard-count"
	if count == 0 {
		source = envShardCount
		v, ok := lookup(envShardCount)
		if !ok || strings.TrimSpace(v) == "" {
			return 0, 0, fmt.Errorf("--shard auto: the shard count is unknown: give --shard-count N or set %s (the Job's completions, the array job's size)", envShardCount)
		}
		if count, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
			return 0, 0, fmt.Errorf("--shard auto: %s=%q is not a number", envShardCount, v)
		}
	}
	if count < 1 {
		return 0, 0, fmt.Errorf("--shard auto: %s must be at least 1, got %d", source, count)
	}
	if index >= count {
		return 0, 0, fmt.Errorf("--shard auto: %s=%d is not below the shard count %d (%s)", name, index, count, source)
	}
	return index + 1, count, nil
}

// shardPlaceholder in an output path (-o, --out-dir, --snapshot) of a sharded
// scan or collect is replaced by the shard number K, so that every shard of
// a Kubernetes Indexed Job or an AWS Batch array job, which all run the same
// command, writes its own file (AWS Batch does not expand variables in a
// command).
const shardPlaceholder = "{shard}"

// expandShardPaths replaces shardPlaceholder in cmd's output path flags; it
// runs before the command (the root's PersistentPreRunE).
func expandShardPaths(cmd *cobra.Command, _ []string) error {
	shard := cmd.Flags().Lookup("shard")
	var k int
	resolved := false
	for _, name := range []string{"output", "out-dir", "snapshot"} {
		f := cmd.Flags().Lookup(name)
		if f == nil || !strings.Contains(f.Value.String(), shardPlaceholder) {
			continue
		}
		if !resolved {
			if shard == nil || shard.Value.String() == "" {
				return fmt.Errorf("--%s: %s needs --shard", name, shardPlaceholder)
			}
			count, _ := cmd.Flags().GetInt("shard-count")
			var err error
			if k, _, err = (&scaleFlags{shard: shard.Value.String(), shardCount: count}).parseShard(); err != nil {
				return err
			}
			resolved = true
		}
		if err := f.Value.Set(strings.ReplaceAll(f.Value.String(), shardPlaceholder, strconv.Itoa(k))); err != nil {
			return fmt.Errorf("--%s: %w", name, err)
		}
	}
	return nil
}

// exitZero turns the verdict exit codes 1 (failures) and 3 (incomplete) of a
// command run with --exit-zero into 0, saying so on stderr: for schedulers
// that retry or fail a whole array on a non-zero exit, while the verdict is
// in the report and 'baseline merge' gives it for the whole scan. Errors
// (exit 2) stay errors.
func exitZero(cmd *cobra.Command, err error, stderr io.Writer) error {
	if cmd == nil || err == nil {
		return err
	}
	if on, ferr := cmd.Flags().GetBool("exit-zero"); ferr != nil || !on {
		return err
	}
	if code := ExitCode(err); code == ExitFailing || code == ExitIncomplete {
		fmt.Fprintf(stderr, "baseline: exit %d reported as 0 (--exit-zero): the verdict is in the output\n", code)
		return nil
	}
	return err
}
