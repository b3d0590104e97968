package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/baseline-scanner/baseline/checks"
)

// scaleFlags are the organization-scale options of scan and collect:
// region resolution, sharding and client behaviour.
type scaleFlags struct {
	excludeRegions []string
	callTimeout    time.Duration
	shard          string
}

func (s *scaleFlags) register(fs *pflag.FlagSet) {
	fs.StringSliceVar(&s.excludeRegions, "exclude-regions", nil, "comma list of regions to skip in every account (with --regions all or a list)")
	fs.DurationVar(&s.callTimeout, "call-timeout", checks.DefaultCallTimeout, "time limit of one API call attempt; a timed-out attempt is retried, then recorded as a Timeout error")
	fs.StringVar(&s.shard, "shard", "", "scan only shard K of N (e.g. 2/4): the accounts whose id hashes (FNV-1a) to K-1 mod N; merge the shards' outputs with 'baseline merge'")
}

// validate checks the scale flags that need no AWS call.
func (s *scaleFlags) validate() error {
	if len(s.excludeRegions) > 0 {
		if _, err := checks.ParseRegions("--exclude-regions", strings.Join(s.excludeRegions, ",")); err != nil {
			return err
		}
	}
	if s.callTimeout <= 0 {
		return fmt.Errorf("--call-timeout: must be positive, got %s", s.callTimeout)
	}
	if _, _, err := s.parseShard(); err != nil {
		return err
	}
	return nil
}

// parseShard reads --shard K/N; 0, 0 without the flag.
func (s *scaleFlags) parseShard() (k, n int, err error) {
	if s.shard == "" {
		return 0, 0, nil
	}
	if _, err := fmt.Sscanf(s.shard, "%d/%d", &k, &n); err != nil || n < 1 || k < 1 || k > n || fmt.Sprintf("%d/%d", k, n) != s.shard {
		return 0, 0, fmt.Errorf("--shard: %q is not K/N with 1 ≤ K ≤ N (e.g. 1/4)", s.shard)
	}
	return k, n, nil
}

// parseRegionsFlag reads --regions: "all" (resolved per account), a list,
// or empty (the SDK's region).
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
