package securityhub

import (
	"maps"
	"slices"
	"testing"

	"github.com/baseline-scanner/baseline/internal/awssim/awsmodel"
)

// TestRegionLinkingModesOfTheModel maps every RegionLinkingMode AWS
// documents (the model types it as a string and names the values in the
// documentation of CreateFindingAggregator's RegionLinkingMode) to the
// regions the code counts as covered by the aggregator, so that a mode AWS
// adds fails here until the code decides what it links. Meaning, from
// https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_CreateFindingAggregator.html:
// ALL_REGIONS links every Region; ALL_REGIONS_EXCEPT_SPECIFIED all but the
// listed ones; SPECIFIED_REGIONS only the listed ones; NO_REGIONS none (only
// the aggregation Region's own findings).
func TestRegionLinkingModesOfTheModel(t *testing.T) {
	m, err := awsmodel.Load("securityhub")
	if err != nil {
		t.Fatal(err)
	}
	const home, listed, other = "us-east-1", "eu-west-1", "ap-southeast-2"
	table := map[string]map[string]bool{ // mode → region → linked
		"ALL_REGIONS":                  {home: true, listed: true, other: true},
		"ALL_REGIONS_EXCEPT_SPECIFIED": {home: true, listed: false, other: true},
		"SPECIFIED_REGIONS":            {home: true, listed: true, other: false},
		"NO_REGIONS":                   {home: true, listed: false, other: false},
	}
	documented := m.DocumentedValues("CreateFindingAggregatorRequest", "RegionLinkingMode")
	if got := slices.Sorted(maps.Keys(table)); !slices.Equal(got, documented) {
		t.Fatalf("RegionLinkingMode values: the model documents %v, this table interprets %v", documented, got)
	}
	for mode, want := range table {
		a := &Aggregation{Region: home, LinkingMode: mode, Regions: []string{listed}}
		for region, linked := range want {
			if got := a.linked(region); got != linked {
				t.Errorf("%s: linked(%s) = %t, want %t", mode, region, got, linked)
			}
		}
	}
}
