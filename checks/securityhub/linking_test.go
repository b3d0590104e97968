package securityhub

import "testing"

// TestLinkedRegions holds each RegionLinkingMode of the Security Hub API
// model, and a mode the code does not know, to the regions it covers: only
// what the aggregator is documented to replicate counts as covered.
func TestLinkedRegions(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		regions []string
		want    map[string]bool
	}{
		{"ALL_REGIONS", nil, map[string]bool{"us-east-1": true, "eu-west-1": true, "ap-southeast-2": true}},
		{"SPECIFIED_REGIONS", []string{"eu-west-1"}, map[string]bool{"us-east-1": true, "eu-west-1": true, "ap-southeast-2": false}},
		{"ALL_REGIONS_EXCEPT_SPECIFIED", []string{"eu-west-1"}, map[string]bool{"us-east-1": true, "eu-west-1": false, "ap-southeast-2": true}},
		{"NO_REGIONS", nil, map[string]bool{"us-east-1": true, "eu-west-1": false, "ap-southeast-2": false}},
		{"SOME_FUTURE_MODE", []string{"eu-west-1"}, map[string]bool{"us-east-1": true, "eu-west-1": false, "ap-southeast-2": false}},
		{"", nil, map[string]bool{"us-east-1": true, "eu-west-1": false}},
	} {
		a := &Aggregation{Region: "us-east-1", LinkingMode: tc.mode, Regions: tc.regions}
		for region, want := range tc.want {
			if got := a.linked(region); got != want {
				t.Errorf("mode %q regions %v: linked(%s) = %t, want %t", tc.mode, tc.regions, region, got, want)
			}
		}
	}
}
