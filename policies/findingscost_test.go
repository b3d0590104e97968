package policies

import (
	"context"
	"slices"
	"testing"
)

// TestFindingsControlsAllocations bounds what the Security Hub findings
// controls allocate per finding judged. Built by a function of the finding
// (OPA plugs and memoizes every call's arguments), a finding cost 327
// allocations; built inline, about 200.
func TestFindingsControlsAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates 800 findings several times")
	}
	if raceEnabled {
		t.Skip("the race detector allocates of its own (255-260 a finding)")
	}
	e, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := e.prepare(context.Background(), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	single, err := ev.single()
	if err != nil {
		t.Fatal(err)
	}
	snap := benchSnapshot(1) // 4 regions × 200 HIGH and 50 CRITICAL findings
	input, err := inputValue(snap.CollectedAt, &snap.Accounts[0])
	if err != nil {
		t.Fatal(err)
	}
	const maxPerFinding = 250
	for _, c := range []struct {
		id       string
		findings int
	}{{"securityhub.high_findings", 800}, {"securityhub.critical_findings", 200}} {
		i := slices.IndexFunc(e.controls, func(ctl Control) bool { return ctl.ID == c.id })
		if i < 0 {
			t.Fatalf("no control %s", c.id)
		}
		var results int
		allocs := testing.AllocsPerRun(3, func() {
			sets, err := ev.eval(context.Background(), single[i], input, snap.CollectedAt, 1)
			if err != nil {
				t.Fatal(err)
			}
			results = len(decodeResults(sets[0]))
		})
		if results != c.findings {
			t.Fatalf("%s: %d results, want one per finding (%d)", c.id, results, c.findings)
		}
		if per := allocs / float64(c.findings); per > maxPerFinding {
			t.Errorf("%s: %.0f allocations per finding, want at most %d", c.id, per, maxPerFinding)
		} else {
			t.Logf("%s: %.0f allocations per finding", c.id, per)
		}
	}
}
