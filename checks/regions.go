package checks

import (
	"fmt"
	"slices"
	"strings"
)

// KnownRegions are the AWS Regions a region flag may name. A name outside
// this list is far more likely a typo than a region launched since this
// release, and a typo would otherwise scan nothing while looking clean.
var KnownRegions = []string{
	"af-south-1",
	"ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
	"ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1",
	"cn-north-1", "cn-northwest-1",
	"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1",
	"me-central-1", "me-south-1",
	"mx-central-1",
	"sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"us-gov-east-1", "us-gov-west-1",
}

// ParseRegions splits a comma list of region names, trims, removes duplicates
// and rejects unknown names with an error naming the flag and the value.
func ParseRegions(flag, list string) ([]string, error) {
	var regions []string
	for _, r := range strings.Split(list, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !slices.Contains(KnownRegions, r) {
			return nil, fmt.Errorf("%s: unknown region %q (expected names like us-east-1, eu-west-1)", flag, r)
		}
		if !slices.Contains(regions, r) {
			regions = append(regions, r)
		}
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("%s: no region given", flag)
	}
	return regions, nil
}
