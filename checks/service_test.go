package checks

import (
	"slices"
	"testing"
)

// TestServiceTablesRefuseConflicts: two services cannot give one SDK
// service id two IAM prefixes, nor one action two rates: either would make
// counting or pacing depend on the list's order.
func TestServiceTablesRefuseConflicts(t *testing.T) {
	a := Service{Name: "a", SDKServiceIDs: map[string]string{"A": "a"}, RateLimits: RateLimits{"a:*": {PerSecond: 1, Burst: 1}}}
	tests := map[string]func(){
		"signing name": func() { SigningNamesOf([]Service{a, {Name: "b", SDKServiceIDs: map[string]string{"A": "b"}}}) },
		"base signing": func() { SigningNamesOf([]Service{{Name: "b", SDKServiceIDs: map[string]string{"EC2": "b"}}}) },
		"rate": func() {
			RateLimitsOf([]Service{a, {Name: "b", RateLimits: RateLimits{"a:*": {PerSecond: 2, Burst: 2}}}})
		},
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
	// The same entry twice is no conflict; every table keeps the base.
	names := SigningNamesOf([]Service{a, a})
	if names.Of("A") != "a" || names.Of("STS") != "sts" || names.Of("Unknown") != "Unknown" {
		t.Errorf("SigningNamesOf = %v", names)
	}
	if got := ActionsOf([]Service{{Name: "a", Actions: []string{"a:Get", "sts:AssumeRole"}}}); !slices.Contains(got, "a:Get") || !slices.IsSorted(got) || len(got) != len(BaseActions)+1 {
		t.Errorf("ActionsOf = %v", got)
	}
}
