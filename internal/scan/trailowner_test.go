package scan

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

// TestTrailOwnerFactsFromTheAccountList: `baseline accounts` keeps the
// caller's (the organization trail owner's) trails in the list; a shard
// without the owner scanning from the list joins them into its members
// without one CloudTrail call as the owner, and its snapshot is the one it
// makes reading the owner itself. The list's facts are what is joined (a
// trail the list says stopped is stopped in the members), and only when
// they are for the scan's regions and within TrailFactsMaxAge: otherwise,
// and with a negative TrailFactsMaxAge, the owner is read again.
func TestTrailOwnerFactsFromTheAccountList(t *testing.T) {
	world := awssim.Generate(awssim.GenerateOptions{Accounts: 24, Seed: 7, Regions: []string{"us-east-1", "eu-west-1"}})
	owner := string(world.Accounts[0].ID)
	if !world.Accounts[0].Management {
		t.Fatal("the generated organization's first account is not its management account")
	}
	srv, cfg := awssimtest.StartWorld(t, world)
	tool := checks.Tool{Name: "baseline", Version: "test"}
	shard := checks.ShardScope{Index: 2, Count: 3}
	if checks.Shard(owner, shard.Count) == shard.Index-1 {
		t.Fatal("the shard holds the trail owner")
	}

	listWith := func(regions []string) *checks.AccountList {
		t.Helper()
		l, err := ListAccounts(t.Context(), Options{AWS: &cfg, Regions: regions, Tool: tool, Now: awssimtest.Clock})
		if err != nil {
			t.Fatal(err)
		}
		// Through the file, as shards read it.
		path := filepath.Join(t.TempDir(), "accounts.json")
		data, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		read, err := ReadAccountList(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		return read
	}
	list := listWith(world.Regions)
	if len(list.TrailOwners) != 1 || list.TrailOwners[0].AccountID != owner || list.Caller != owner {
		t.Fatalf("the list's trail owners are %+v, want the caller %s", list.TrailOwners, owner)
	}
	if !slices.ContainsFunc(list.TrailOwners[0].Facts.CloudTrail.Trails, func(tr checks.Trail) bool { return tr.IsOrganizationTrail }) {
		t.Fatal("the caller's facts in the list have no organization trail")
	}

	scanWith := func(l *checks.AccountList, maxAge time.Duration, now time.Time) (*checks.Snapshot, int, []string) {
		t.Helper()
		rec := &recorder{}
		before := srv.Calls().Count(awssim.Call{Account: owner, Service: "cloudtrail"})
		snap, err := Collect(t.Context(), Options{AWS: &cfg, AccountList: l, Regions: world.Regions, TeamTag: "team", Collection: ModeDirect, Shard: shard,
			TrailFactsMaxAge: maxAge, Tool: tool, Now: func() time.Time { return now }, Observer: rec})
		if err != nil {
			t.Fatal(err)
		}
		return snap, srv.Calls().Count(awssim.Call{Account: owner, Service: "cloudtrail"}) - before, rec.status
	}
	encode := func(s *checks.Snapshot) string {
		var b bytes.Buffer
		if err := checks.WriteSnapshot(&b, s); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	orgTrailLogging := func(s *checks.Snapshot) (seen int, logging int) {
		for _, a := range s.Accounts {
			if a.AccountID == owner || a.CloudTrail == nil {
				continue
			}
			for _, tr := range a.CloudTrail.Trails {
				if tr.IsOrganizationTrail && strings.Contains(tr.ARN, ":"+owner+":") {
					seen++
					if tr.Status != nil && tr.Status.IsLogging {
						logging++
					}
				}
			}
		}
		return seen, logging
	}
	has := func(lines []string, prefix string) bool {
		return slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, prefix) })
	}

	now := awssimtest.Now
	fromList, ownerCalls, status := scanWith(list, 0, now)
	if ownerCalls != 0 || !has(status, "cloudtrail: trail facts of owner account "+owner+" from the account list") {
		t.Errorf("from a fresh list: %d CloudTrail call(s) as the owner, want 0; status %q", ownerCalls, status)
	}
	readAgain, ownerCalls, _ := scanWith(list, -1, now)
	if ownerCalls == 0 {
		t.Error("with TrailFactsMaxAge < 0 the owner's trails were not read again")
	}
	if encode(fromList) != encode(readAgain) {
		t.Error("the snapshot joined from the list's facts differs from the one that read the owner itself")
	}
	seen, logging := orgTrailLogging(fromList)
	if seen == 0 || logging != seen {
		t.Fatalf("members see the organization trail %d time(s), logging in %d; want some, all logging", seen, logging)
	}

	// The list's facts are what is joined: a trail the list says stopped.
	stopped := *list
	stopped.TrailOwners = slices.Clone(list.TrailOwners)
	ct := *stopped.TrailOwners[0].Facts.CloudTrail
	ct.Trails = slices.Clone(ct.Trails)
	for i := range ct.Trails {
		if ct.Trails[i].Status != nil {
			st := *ct.Trails[i].Status
			st.IsLogging = false
			ct.Trails[i].Status = &st
		}
	}
	stopped.TrailOwners[0].Facts.CloudTrail = &ct
	snap, _, _ := scanWith(&stopped, 0, now)
	if _, logging := orgTrailLogging(snap); logging != 0 {
		t.Errorf("from a list whose owner trail stopped, %d member(s) see it logging", logging)
	}
	// Older than the maximum age: read again, the world's facts joined.
	snap, ownerCalls, status = scanWith(&stopped, 0, now.Add(DefaultTrailFactsMaxAge+time.Minute))
	if _, logging := orgTrailLogging(snap); ownerCalls == 0 || logging != seen || !has(status, "cloudtrail: the account list's trail facts of owner account "+owner+" were read at") {
		t.Errorf("from a list older than the maximum age: %d owner call(s), %d of %d logging; status %q", ownerCalls, logging, seen, status)
	}
	// Read "after" the scan (a clock ahead of the scanner's): read again.
	snap, ownerCalls, _ = scanWith(&stopped, 0, now.Add(-2*time.Minute))
	if _, logging := orgTrailLogging(snap); ownerCalls == 0 || logging != seen {
		t.Errorf("from a list read 2 minutes after the scan's now: %d owner call(s), %d of %d logging; want them read again", ownerCalls, logging, seen)
	}
	snap, ownerCalls, _ = scanWith(&stopped, 3*time.Hour, now.Add(2*time.Hour))
	if _, logging := orgTrailLogging(snap); ownerCalls != 0 || logging != 0 {
		t.Errorf("within a 3h maximum age: %d owner call(s), %d logging; want the list's facts", ownerCalls, logging)
	}

	// For other regions: read again.
	other := listWith([]string{"us-east-1"})
	_, ownerCalls, status = scanWith(other, 0, now)
	if ownerCalls == 0 || !has(status, "cloudtrail: the account list has the trail facts of owner account "+owner+" for other regions") {
		t.Errorf("from a list for other regions: %d owner call(s); status %q", ownerCalls, status)
	}

	// No region to read the trails for: the list is made without them.
	noRegion := cfg.Copy()
	noRegion.Region = ""
	rec := &recorder{}
	bare, err := ListAccounts(t.Context(), Options{AWS: &noRegion, Tool: tool, Now: awssimtest.Clock, Observer: rec})
	if err != nil {
		t.Fatalf("listing without a region: %v", err)
	}
	if len(bare.TrailOwners) != 0 || len(bare.Accounts) != len(list.Accounts) || !has(rec.status, "cloudtrail: no region to scan") {
		t.Errorf("listing without a region: %d trail owner(s), %d accounts; status %q", len(bare.TrailOwners), len(bare.Accounts), rec.status)
	}

	// Facts the listing could not read whole are not kept: shards read them.
	if err := srv.AddFault(awssim.Fault{Account: awssim.AccountID(owner), Region: "eu-west-1", Service: "cloudtrail", Operation: "GetTrailStatus", Code: "AccessDeniedException", Message: "denied"}); err != nil {
		t.Fatal(err)
	}
	rec = &recorder{}
	partial, err := ListAccounts(t.Context(), Options{AWS: &cfg, Regions: world.Regions, Tool: tool, Now: awssimtest.Clock, Observer: rec})
	if err != nil {
		t.Fatal(err)
	}
	if len(partial.TrailOwners) != 0 || !has(rec.status, "cloudtrail: the caller's trails could not be read whole (cloudtrail:GetTrailStatus: AccessDeniedException") {
		t.Errorf("with a trail status denied, the list keeps %d trail owner(s); status %q", len(partial.TrailOwners), rec.status)
	}
}
