package scan

import (
	"context"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
)

// namedCollector is a collector known by its service name only.
type namedCollector string

func (c namedCollector) Service() string { return string(c) }
func (namedCollector) Regional() bool    { return true }
func (namedCollector) Collect(context.Context, checks.Target) checks.AccountFacts {
	return checks.AccountFacts{}
}

// TestBackgroundCollectorsGoLast: a service whose administrator streams
// are read in the background is scheduled after the others (the pool
// starts collectors in this order), so that the workers are not all held
// by cells waiting for those streams.
func TestBackgroundCollectorsGoLast(t *testing.T) {
	svc := func(name string, background bool) checks.Service {
		return checks.Service{
			Name: name,
			New:  func() checks.Collector { return namedCollector(name) },
			Admin: func(context.Context, checks.AdminEnv) (checks.AdminCollection, error) {
				return checks.AdminCollection{Collector: namedCollector(name), Background: background}, nil
			},
		}
	}
	svcs := []checks.Service{svc("first", true), svc("second", false), {Name: "third", New: func() checks.Collector { return namedCollector("third") }}}
	env := adminEnv{limiter: checks.NewRateLimiter(nil, nil), mode: ModeAuto, status: func(string) {}}
	for _, tc := range []struct {
		mode string
		want []string
	}{
		{ModeAuto, []string{"second", "third", "first"}},
		{ModeDirect, []string{"first", "second", "third"}},
	} {
		env.mode = tc.mode
		got, _, err := chooseCollectors(t.Context(), svcs, env, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range got {
			names = append(names, c.Service())
		}
		if len(names) != len(tc.want) {
			t.Fatalf("%s: collectors %v, want %v", tc.mode, names, tc.want)
		}
		for i := range names {
			if names[i] != tc.want[i] {
				t.Fatalf("%s: collectors %v, want %v", tc.mode, names, tc.want)
			}
		}
	}
}
