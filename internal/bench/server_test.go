package main

import (
	"testing"

	"github.com/baseline-scanner/baseline/internal/awssim"
)

// TestDelegatedAdminWorld: the bench's administrator has GuardDuty enabled
// in every scanned region (GD-62), whatever the generator gave it.
func TestDelegatedAdminWorld(t *testing.T) {
	regions := allRegions[:4]
	for seed := uint64(1); seed <= 20; seed++ {
		w := awssim.Generate(awssim.GenerateOptions{Accounts: 3, Regions: regions, Seed: seed})
		withDelegatedAdmin(w, regions[0], regions)
		if w.DelegatedAdmin == nil || w.DelegatedAdmin.GuardDuty == "" {
			t.Fatalf("seed %d: no GuardDuty administrator", seed)
		}
		for _, a := range w.Accounts {
			if a.ID != w.DelegatedAdmin.GuardDuty {
				continue
			}
			for _, r := range regions {
				st := a.Regions[r]
				if st == nil || st.GuardDuty == nil || len(st.GuardDuty.Detectors) == 0 {
					t.Errorf("seed %d: administrator %s has no detector in %s", seed, a.ID, r)
				}
			}
		}
	}
}
