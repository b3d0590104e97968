package checks_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

func awssimCall(op string) awssim.Call { return awssim.Call{Service: "organizations", Operation: op} }

// TestDiscoverTeams reads each account's team tag through the simulator:
// a tagged account gets its value, an untagged one none, and a denied
// ListTagsForResource is an error on that account, not a failed discovery.
func TestDiscoverTeams(t *testing.T) {
	const world = `
accounts:
  - {id: "111111111111", name: management, management: true, tags: {team: platform, env: shared}}
  - {id: "222222222222", name: prod, tags: {Team: wrong-case, owner: payments, team: payments}}
  - {id: "333333333333", name: staging}
  - {id: "444444444444", name: sandbox, tags: {team: data}}
regions: [us-east-1]
`
	srv, cfg := awssimtest.Start(t, world)
	tests := []struct {
		name string
		tag  string
		want map[string]string
	}{
		{"team tag", "team", map[string]string{"111111111111": "platform", "222222222222": "payments", "333333333333": "", "444444444444": "data"}},
		{"another tag", "owner", map[string]string{"111111111111": "", "222222222222": "payments", "333333333333": "", "444444444444": ""}},
		{"no tag", "", map[string]string{"111111111111": "", "222222222222": "", "333333333333": "", "444444444444": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.Calls().Count(awssimCall("ListTagsForResource"))
			targets, err := checks.Discover(t.Context(), cfg, sts.NewFromConfig(cfg), organizations.NewFromConfig(cfg), checks.TargetOptions{
				Org: true, Regions: []string{"us-east-1"}, TeamTag: tt.tag,
			})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, tg := range targets {
				got[tg.AccountID] = tg.Team
				if len(tg.Errors) > 0 {
					t.Errorf("%s: errors %v", tg.AccountID, tg.Errors)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("teams = %v, want %v", got, tt.want)
			}
			for id, team := range tt.want {
				if got[id] != team {
					t.Errorf("%s: team %q, want %q", id, got[id], team)
				}
			}
			calls := srv.Calls().Count(awssimCall("ListTagsForResource")) - before
			if want := map[bool]int{true: 4, false: 0}[tt.tag != ""]; calls != want {
				t.Errorf("ListTagsForResource called %d times, want %d (once per account)", calls, want)
			}
		})
	}
}

func TestDiscoverTeamsDenied(t *testing.T) {
	const world = `
accounts:
  - {id: "111111111111", name: management, management: true, tags: {team: platform}}
  - {id: "222222222222", name: prod, tags: {team: payments}}
regions: [us-east-1]
faults:
  - {service: organizations, operation: ListTagsForResource, code: AccessDeniedException}
`
	_, cfg := awssimtest.Start(t, world)
	targets, err := checks.Discover(t.Context(), cfg, sts.NewFromConfig(cfg), organizations.NewFromConfig(cfg), checks.TargetOptions{
		Org: true, Regions: []string{"us-east-1"}, TeamTag: "team",
	})
	if err != nil {
		t.Fatalf("a denied ListTagsForResource failed discovery: %v", err)
	}
	for _, tg := range targets {
		if tg.Team != "" || len(tg.Errors) != 1 {
			t.Fatalf("%s: team %q, errors %v; want no team and one error", tg.AccountID, tg.Team, tg.Errors)
		}
		e := tg.Errors[0]
		if e.AccountID != tg.AccountID || e.Region != checks.Global || e.Action() != "organizations:ListTagsForResource" || e.Code != "AccessDeniedException" {
			t.Errorf("error = %+v", e)
		}
	}
}

// TestDeferredTeams: with DeferTeams, Discover reads no tag (the scan reads
// them beside collection with ReadTeams); ReadTeams gives each account's
// team without touching the targets collection reads, and JoinTeams puts
// teams and tag errors into the snapshot.
func TestDeferredTeams(t *testing.T) {
	const world = `
accounts:
  - {id: "111111111111", name: management, management: true, tags: {team: platform}}
  - {id: "222222222222", name: prod, tags: {team: payments}}
regions: [us-east-1]
`
	srv, cfg := awssimtest.Start(t, world)
	orgs := organizations.NewFromConfig(cfg)
	targets, err := checks.Discover(t.Context(), cfg, sts.NewFromConfig(cfg), orgs, checks.TargetOptions{
		Org: true, Regions: []string{"us-east-1"}, TeamTag: "team", DeferTeams: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls().Count(awssimCall("ListTagsForResource")); n != 0 {
		t.Errorf("Discover with DeferTeams called ListTagsForResource %d times, want 0", n)
	}
	p := &checks.Progress{}
	tags := checks.ReadTeams(t.Context(), orgs, "team", targets, p)
	for _, tg := range targets {
		if tg.Team != "" {
			t.Errorf("ReadTeams changed target %s (team %q): collection reads the targets meanwhile", tg.AccountID, tg.Team)
		}
	}
	snap := &checks.Snapshot{Accounts: []checks.AccountFacts{
		{AccountID: "111111111111", Errors: []checks.CollectionError{{Service: "ssm", Operation: "DescribeInstanceInformation"}}},
		{AccountID: "222222222222"},
	}}
	tags[0].Errors = []checks.CollectionError{{AccountID: "111111111111", Service: "organizations", Operation: "ListTagsForResource"}}
	checks.JoinTeams(snap, tags)
	if got := []string{snap.Accounts[0].Team, snap.Accounts[1].Team}; got[0] != "platform" || got[1] != "payments" {
		t.Errorf("teams = %v, want [platform payments]", got)
	}
	if errs := snap.Accounts[0].Errors; len(errs) != 2 || errs[0].Action() != "organizations:ListTagsForResource" {
		t.Errorf("errors = %v, want the tag error first, then the account's own", errs)
	}
	if st := p.State(); st.TagsDone != 2 || st.TagsTotal != 2 {
		t.Errorf("progress team tags %d/%d, want 2/2", st.TagsDone, st.TagsTotal)
	}
}
