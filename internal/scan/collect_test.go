package scan

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

// recorder is an Observer that keeps what it was told.
type recorder struct {
	mu             sync.Mutex
	progress       *checks.Progress
	callsAtStart   int
	phaseAtStart   string
	status         []string
	collectedCalls int
}

func (r *recorder) Status(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = append(r.status, line)
}

func (r *recorder) Collecting(p *checks.Progress) func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = p
	st := p.State()
	r.callsAtStart, r.phaseAtStart = st.Calls, st.Phase
	return func() {}
}

func (r *recorder) Collected(stats []checks.ServiceStats, _ time.Duration, _ int) {
	for _, s := range stats {
		r.collectedCalls += s.Calls
	}
}

// TestCollectShowsProgressFromTheFirstCall: the live progress starts before
// discovery, and by the end it has counted every listed account, every
// team-tag read and every AssumeRole.
func TestCollectShowsProgressFromTheFirstCall(t *testing.T) {
	world, err := awssim.SampleWorld()
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, a := range world.Accounts {
		if a.Status == "" || a.Status == "ACTIVE" {
			active++
		}
	}
	rec := &recorder{}
	snap, err := Collect(context.Background(), Options{Demo: true, TeamTag: "team", Collection: ModeDirect, Observer: rec, Tool: checks.Tool{Name: "baseline", Version: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	if rec.progress == nil || rec.callsAtStart != 0 || rec.phaseAtStart != checks.PhaseStarting {
		t.Fatalf("the live progress started after %d API call(s), in phase %q; want before any", rec.callsAtStart, rec.phaseAtStart)
	}
	st := rec.progress.State()
	if st.Listed != active || len(snap.Accounts) != active {
		t.Errorf("listed %d accounts, snapshot has %d; the world has %d ACTIVE", st.Listed, len(snap.Accounts), active)
	}
	if st.TagsTotal != active || st.TagsDone != active {
		t.Errorf("team tags read %d/%d, want %d/%d", st.TagsDone, st.TagsTotal, active, active)
	}
	if st.Phase != checks.PhaseCollecting || st.AccountsDone != active {
		t.Errorf("ended in phase %q with %d/%d accounts done", st.Phase, st.AccountsDone, st.AccountsTotal)
	}
	// The caller's own account is used as it is; every other is assumed once.
	if st.RolesAssumed != active-1 {
		t.Errorf("%d roles assumed, want %d (every account but the caller's)", st.RolesAssumed, active-1)
	}
	if rec.collectedCalls != st.Calls {
		t.Errorf("Collected reported %d calls, the progress %d", rec.collectedCalls, st.Calls)
	}
}

// TestTeamTagsBesideCollection: team tags are read while the accounts are
// collected, and still reach the snapshot; a denied read leaves the account
// without a team, with the error recorded, and the scan complete otherwise.
func TestTeamTagsBesideCollection(t *testing.T) {
	const world = `
accounts:
  - {id: "111111111111", name: management, management: true, tags: {team: platform}}
  - {id: "222222222222", name: prod, tags: {team: payments}}
  - {id: "333333333333", name: dev}
regions: [us-east-1]
`
	for _, tc := range []struct {
		name   string
		faults string
		want   map[string]string
	}{
		{"tags read", "", map[string]string{"111111111111": "platform", "222222222222": "payments", "333333333333": ""}},
		{"tags denied", "faults:\n  - {service: organizations, operation: ListTagsForResource, code: AccessDeniedException}\n",
			map[string]string{"111111111111": "", "222222222222": "", "333333333333": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg := awssimtest.Start(t, world+tc.faults)
			rec := &recorder{}
			snap, err := Collect(t.Context(), Options{Org: true, AWS: &cfg, Regions: []string{"us-east-1"}, TeamTag: "team", Collection: ModeDirect, Observer: rec})
			if err != nil {
				t.Fatal(err)
			}
			if len(snap.Accounts) != 3 {
				t.Fatalf("%d accounts collected, want 3", len(snap.Accounts))
			}
			for _, a := range snap.Accounts {
				if a.Team != tc.want[a.AccountID] {
					t.Errorf("%s: team %q, want %q", a.AccountID, a.Team, tc.want[a.AccountID])
				}
				denied := 0
				for _, e := range a.Errors {
					if e.Action() == "organizations:ListTagsForResource" {
						denied++
					}
				}
				if wantDenied := len(tc.faults) > 0; (denied == 1) != wantDenied || denied > 1 {
					t.Errorf("%s: %d ListTagsForResource error(s), want %v", a.AccountID, denied, wantDenied)
				}
				if a.SecurityHub == nil {
					t.Errorf("%s: not collected", a.AccountID)
				}
			}
			if st := rec.progress.State(); st.TagsDone != 3 || st.TagsTotal != 3 {
				t.Errorf("team tags %d/%d, want 3/3", st.TagsDone, st.TagsTotal)
			}
		})
	}
}
