package checks

import "testing"

// TestTrailOwnerMatches: a list's trail owner facts stand for a scan only
// when they were read for the same regions: the same list in any order
// (or both every enabled region), less the same exclusions; nil and empty
// exclusions are the same.
func TestTrailOwnerMatches(t *testing.T) {
	list := TrailOwner{Regions: []string{"us-east-1", "eu-west-1"}}
	all := TrailOwner{AllRegions: true, ExcludeRegions: []string{"ap-east-1"}}
	for _, tc := range []struct {
		name    string
		owner   TrailOwner
		regions []string
		all     bool
		exclude []string
		want    bool
	}{
		{"same list", list, []string{"us-east-1", "eu-west-1"}, false, nil, true},
		{"same list, other order, empty exclusions", list, []string{"eu-west-1", "us-east-1"}, false, []string{}, true},
		{"fewer regions", list, []string{"us-east-1"}, false, nil, false},
		{"more regions", list, []string{"us-east-1", "eu-west-1", "us-west-2"}, false, nil, false},
		{"a list against all regions", list, nil, true, nil, false},
		{"an exclusion the facts lack", list, []string{"us-east-1", "eu-west-1"}, false, []string{"eu-west-1"}, false},
		{"all regions, same exclusion", all, nil, true, []string{"ap-east-1"}, true},
		{"all regions, no exclusion", all, nil, true, nil, false},
		{"all regions, another exclusion", all, nil, true, []string{"ap-east-2"}, false},
		{"all regions against a list", all, []string{"us-east-1"}, false, []string{"ap-east-1"}, false},
	} {
		if got := tc.owner.Matches(tc.regions, tc.all, tc.exclude); got != tc.want {
			t.Errorf("%s: Matches = %v, want %v", tc.name, got, tc.want)
		}
	}
}
