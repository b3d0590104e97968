package securityhub

import (
	"slices"
	"testing"
)

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

// TestFindingFiltersSendNoComplianceFilter holds the GetFindings filter to
// what AWS documents: no ComplianceStatus comparison (findings of other
// products have no Compliance block, and NOT_EQUALS on a missing attribute is
// undocumented), and RESOLVED read with NEW and NOTIFIED (a RESOLVED control
// finding still FAILED is open).
func TestFindingFiltersSendNoComplianceFilter(t *testing.T) {
	f := FindingFilters()
	if f.ComplianceStatus != nil {
		t.Errorf("ComplianceStatus filter sent: %+v", f.ComplianceStatus)
	}
	var workflow []string
	for _, w := range f.WorkflowStatus {
		if w.Comparison != "EQUALS" {
			t.Errorf("WorkflowStatus comparison %s, want EQUALS", w.Comparison)
		}
		workflow = append(workflow, *w.Value)
	}
	if want := []string{"NEW", "NOTIFIED", "RESOLVED"}; !slices.Equal(workflow, want) {
		t.Errorf("WorkflowStatus = %v, want %v", workflow, want)
	}
}
