package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/memlimit"
)

// scaleFlags are the organization-scale options of scan and collect:
// region resolution, sharding and client behaviour.
type scaleFlags struct {
	excludeRegions []string
	callTimeout    time.Duration
	shard          string
	shardCount     int
	exitZero       bool
	memoryLimit    string
}

func (s *scaleFlags) register(fs *pflag.FlagSet) {
	fs.StringSliceVar(&s.excludeRegions, "exclude-regions", nil, "comma list of regions to skip in every account (with --regions all or a list)")
	fs.DurationVar(&s.callTimeout, "call-timeout", checks.DefaultCallTimeout, "time limit of one API call attempt; a timed-out attempt is retried, then recorded as a Timeout error")
	fs.StringVar(&s.shard, "shard", "", "scan only shard K of N (e.g. 2/4): the accounts whose id hashes (FNV-1a) to K-1 mod N; merge the shards' outputs with 'baseline merge'. 'auto': K from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job), 0-based, N from --shard-count or BASELINE_SHARD_COUNT")
	fs.BoolVar(&s.exitZero, "exit-zero", false, "exit 0 instead of 1 (failures) or 3 (incomplete) when the command ran to the end: for shard jobs of schedulers that retry non-zero exits; merge gives the verdict")
	registerMemoryLimit(fs, &s.memoryLimit)
	fs.IntVar(&s.shardCount, "shard-count", 0, "with --shard auto, the number of shards (the Job's completions, the array job's size); default BASELINE_SHARD_COUNT")
}

// validate checks the scale flags that need no AWS call.
func (s *scaleFlags) validate() error {
	if err := checkExcludeRegions(s.excludeRegions); err != nil {
		return err
	}
	if s.callTimeout <= 0 {
		return fmt.Errorf("--call-timeout: must be positive, got %s", s.callTimeout)
	}
	if _, _, err := s.parseShard(); err != nil {
		return err
	}
	if _, err := memlimit.Decide(s.memoryLimit, os.LookupEnv, os.ReadFile); err != nil {
		return err
	}
	return nil
}

// parseShard reads --shard K/N, or auto (see autoShard); 0, 0 without the
// flag. A path's {shard} is replaced by K (expandShardPaths).
func (s *scaleFlags) parseShard() (k, n int, err error) {
	if s.shardCount != 0 && s.shard != "auto" {
		return 0, 0, fmt.Errorf("--shard-count: only with --shard auto")
	}
	if s.shard == "" {
		return 0, 0, nil
	}
	if s.shard == "auto" {
		return autoShard(os.LookupEnv, s.shardCount)
	}
	if _, err := fmt.Sscanf(s.shard, "%d/%d", &k, &n); err != nil || n < 1 || k < 1 || k > n || fmt.Sprintf("%d/%d", k, n) != s.shard {
		return 0, 0, fmt.Errorf("--shard: %q is not K/N with 1 ≤ K ≤ N (e.g. 1/4)", s.shard)
	}
	return k, n, nil
}

// parseRegionsFlag reads --regions: "all" (resolved per account), a list,
// or empty (the SDK's region).
// checkRegionsFlag checks --regions (given: it was on the command line):
// given but empty is a mistake (an unset CI variable, say), not a request
// for the default region.
func checkRegionsFlag(value string, given bool) error {
	if _, _, err := parseRegionsFlag(value); err != nil {
		return err
	}
	if given && strings.TrimSpace(value) == "" {
		return errors.New("--regions: no region given")
	}
	return nil
}

// checkExcludeRegions checks --exclude-regions.
func checkExcludeRegions(regions []string) error {
	if len(regions) == 0 {
		return nil
	}
	_, err := checks.ParseRegions("--exclude-regions", strings.Join(regions, ","))
	return err
}

func parseRegionsFlag(value string) (regions []string, all bool, err error) {
	if strings.TrimSpace(value) == "all" {
		return nil, true, nil
	}
	if value == "" {
		return nil, false, nil
	}
	regions, err = checks.ParseRegions("--regions", value)
	return regions, false, err
}

// memoryLimitUsage is --memory-limit's help, the same for every command.
const memoryLimitUsage = "soft memory limit of the process: a size (1536MiB, 2GiB), \"off\", or \"auto\": 75% of the container's cgroup limit, else of the machine's memory (GOMEMLIMIT, when set, wins over auto)"

func registerMemoryLimit(fs *pflag.FlagSet, spec *string) {
	fs.StringVar(spec, "memory-limit", "auto", memoryLimitUsage)
}

// beforeReportsRead, when set (tests), runs as merge or report starts
// reading its reports, under the memory limit.
var beforeReportsRead func()

// limitMemory sets the soft memory limit of spec (--memory-limit) and the
// GC target for a command that reads whole reports (merge, report: a
// merged organization's results are held until written), and returns what
// restores the previous ones. The process, not the library, sets them.
func limitMemory(spec string) (restore func(), err error) {
	mem, err := memlimit.Decide(spec, os.LookupEnv, os.ReadFile)
	if err != nil {
		return nil, err
	}
	restore = memlimit.Apply(mem, os.LookupEnv)
	if beforeReportsRead != nil {
		beforeReportsRead()
	}
	return restore, nil
}
