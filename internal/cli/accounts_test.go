package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/report"
)

// TestShardsFromAnAccountList: `baseline accounts` lists the organization
// once and reads the caller's (the organization trail owner's) trails;
// shards scanned from the list make no Organizations call, the shards
// without the management account no CloudTrail call as it, they get the same
// teams, and their merge equals the scan that listed the organization
// itself.
func TestShardsFromAnAccountList(t *testing.T) {
	world, err := awssim.SampleWorld()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	list := filepath.Join(dir, "accounts.json")
	calls, stderr, code := scanThroughEnv(t, world, "accounts", "--org", "-q", "--regions", "us-east-1,eu-west-1", "-o", list)
	if code != 0 {
		t.Fatalf("accounts: exit %d: %s", code, stderr)
	}
	if n := calls.Count(awssim.Call{Service: "organizations", Operation: "ListAccounts"}); n == 0 {
		t.Fatalf("accounts made no ListAccounts call")
	}

	whole := filepath.Join(dir, "whole.json")
	if _, stderr, code := scanThroughEnv(t, world, "scan", "--org", "-q", "--regions", "us-east-1,eu-west-1", "--format", "json", "-o", whole); code == ExitUsage {
		t.Fatalf("scan --org: exit %d: %s", code, stderr)
	}
	var shards []string
	for k := 1; k <= 3; k++ {
		out := filepath.Join(dir, "shard-"+string(rune('0'+k))+".json")
		calls, stderr, code := scanThroughEnv(t, world, "scan", "--accounts-from", list, "--shard", string(rune('0'+k))+"/3", "-q", "--regions", "us-east-1,eu-west-1", "--format", "json", "-o", out)
		if code == ExitUsage {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
		if n := calls.Count(awssim.Call{Service: "organizations"}); n != 0 {
			t.Errorf("shard %d made %d Organizations call(s), want 0", k, n)
		}
		// The organization trail's owner is the management account: only
		// the shard that scans it reads its trails.
		mgmt := string(world.Accounts[0].ID)
		holds := checks.Shard(mgmt, 3) == k-1
		if n := calls.Count(awssim.Call{Account: mgmt, Service: "cloudtrail"}); (n == 0) == holds {
			t.Errorf("shard %d (holds the management account: %v) made %d CloudTrail call(s) as it", k, holds, n)
		}
		shards = append(shards, out)
	}
	// --trail-facts-max-age 0: a shard without the management account reads
	// its trails again; --no-trail-facts keeps none in the list.
	for k := 1; k <= 3; k++ {
		mgmt := string(world.Accounts[0].ID)
		if checks.Shard(mgmt, 3) == k-1 {
			continue
		}
		calls, stderr, code := scanThroughEnv(t, world, "scan", "--accounts-from", list, "--trail-facts-max-age", "0", "--shard", string(rune('0'+k))+"/3", "-q", "--regions", "us-east-1,eu-west-1", "--format", "json", "-o", filepath.Join(dir, "again.json"))
		if code == ExitUsage {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
		if n := calls.Count(awssim.Call{Account: mgmt, Service: "cloudtrail"}); n == 0 {
			t.Errorf("shard %d with --trail-facts-max-age 0 made no CloudTrail call as the management account", k)
		}
	}
	bare := filepath.Join(dir, "bare.json")
	if _, stderr, code := scanThroughEnv(t, world, "accounts", "--org", "-q", "--no-trail-facts", "-o", bare); code != 0 {
		t.Fatalf("accounts --no-trail-facts: exit %d: %s", code, stderr)
	}
	for path, want := range map[string]int{list: 1, bare: 0} {
		var l checks.AccountList
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &l); err != nil {
			t.Fatal(err)
		}
		if len(l.TrailOwners) != want || l.OrganizationID == "" {
			t.Errorf("%s: %d trail owner(s), organization %q; want %d and the id", filepath.Base(path), len(l.TrailOwners), l.OrganizationID, want)
		}
	}

	merged := filepath.Join(dir, "merged.json")
	if _, stderr, code := run(t, append([]string{"merge", "-o", merged}, shards...)...); code == ExitUsage {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	a, b := readReport(t, whole), readReport(t, merged)
	key := func(r report.Result) string {
		return strings.Join([]string{r.AccountID, r.Region, r.ControlID, r.Resource, string(r.Status), r.Team}, "|")
	}
	ka, kb := []string{}, []string{}
	for _, r := range a.Results {
		ka = append(ka, key(r))
	}
	for _, r := range b.Results {
		kb = append(kb, key(r))
	}
	slices.Sort(ka)
	slices.Sort(kb)
	if !slices.Equal(ka, kb) {
		t.Errorf("merged shards from the list differ from the listing scan: %d vs %d results", len(kb), len(ka))
	}
	if !slices.ContainsFunc(a.Results, func(r report.Result) bool { return r.Team == "payments" }) {
		t.Error("no result has the team of the account's tag")
	}
}

// TestAccountListErrors: a bad list is a one-line error naming the file
// and the position; a tag read that failed when listing is that account's
// collection error.
func TestAccountListErrors(t *testing.T) {
	dir := t.TempDir()
	good := `{"kind": "baseline-accounts", "schema_version": "1.0", "tool": {"name": "baseline", "version": "x"}, "generated_at": "2026-12-01T00:00:00Z", "caller_account": "111111111111", "accounts": [
  {"id": "111111111111", "name": "management", "tags": {"team": "platform"}},
  {"id": "222222222222", "name": "prod", "tags": {}, "tags_error": {"code": "AccessDeniedException", "message": "denied"}}
]}`
	// A 1.1 list with the caller's trail facts.
	owners := func(id, factsID, at string) string {
		return strings.Replace(strings.Replace(good, `"1.0"`, `"1.1"`, 1), "\n]}", `
], "trail_owners": [
  {"account_id": "`+id+`", "collected_at": `+at+`, "regions": ["us-east-1"], "all_regions": false, "exclude_regions": null,
   "facts": {"account_id": "`+factsID+`", "cloudtrail": {"trails": []}, "errors": null}}
]}`, 1)
	}
	for _, tc := range []struct{ name, content, want string }{
		{"not json", "{", "bad.json:"},
		{"kind", strings.Replace(good, "baseline-accounts", "report", 1), `bad.json:1:2: not an account list`},
		{"version", strings.Replace(good, `"1.0"`, `"9.0"`, 1), `schema_version "9.0" is not supported`},
		{"id", strings.Replace(good, `"222222222222"`, `"2222"`, 1), `bad.json:3:4: "2222" is not a 12-digit AWS account id`},
		{"twice", strings.Replace(good, `"222222222222"`, `"111111111111"`, 1), `account 111111111111 is listed twice`},
		{"unknown field", strings.Replace(good, `"name": "prod"`, `"nmae": "prod"`, 1), `bad.json:3:`},
		{"trail owner id", owners("1111", "111111111111", `"2026-12-01T00:00:00Z"`), `bad.json:5:`},
		{"trail owner facts", owners("111111111111", "222222222222", `"2026-12-01T00:00:00Z"`), `the facts are account "222222222222"'s, not 111111111111's`},
		{"trail owner time", owners("111111111111", "111111111111", `"0001-01-01T00:00:00Z"`), `collected_at is missing`},
		{"organization id", strings.Replace(owners("111111111111", "111111111111", `"2026-12-01T00:00:00Z"`), `"accounts": [`, `"organization_id": "O-ACME", "accounts": [`, 1), `"O-ACME" is not an organization id`},
		{"1.1 fields in 1.0", strings.Replace(owners("111111111111", "111111111111", `"2026-12-01T00:00:00Z"`), `"1.1"`, `"1.0"`, 1), `trail_owners needs schema_version 1.1`},
		{"trail owner twice", strings.Replace(owners("111111111111", "111111111111", `"2026-12-01T00:00:00Z"`), "\n]}", `,
  {"account_id": "111111111111", "collected_at": "2026-12-01T00:00:00Z", "regions": ["us-east-1"], "all_regions": false, "exclude_regions": null, "facts": {"account_id": "111111111111", "cloudtrail": {"trails": []}, "errors": null}}
]}`, 1), `trail owner 111111111111 is listed twice`},
		{"trail owner errors", strings.Replace(owners("111111111111", "111111111111", `"2026-12-01T00:00:00Z"`), `"errors": null`, `"errors": [{"account_id": "111111111111", "region": "us-east-1", "service": "cloudtrail", "operation": "DescribeTrails", "code": "AccessDenied", "message": "no"}]`, 1), `facts: has collection errors`},
		{"trail owner null region status", strings.Replace(owners("111111111111", "111111111111", `"2026-12-01T00:00:00Z"`), `"trails": []`, `"trails": [{"arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "region_statuses": {"eu-west-1": null}}]`, 1), `region_statuses eu-west-1 is null`},
		{"trail owner unknown facts field", strings.Replace(owners("111111111111", "111111111111", `"2026-12-01T00:00:00Z"`), `"trails": []`, `"trails": [], "bogus": 1`, 1), `facts: json: unknown field "bogus"`},
		{"trail owner facts field", strings.Replace(owners("111111111111", "111111111111", `"2026-12-01T00:00:00Z"`), `"trails": []`, `"trails": 3`, 1), `bad.json:6:4: facts: json: cannot unmarshal number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "bad.json", tc.content)
			_, stderr, code := run(t, "scan", "--demo", "--accounts-from", p, "-q")
			if code != ExitUsage || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want exit 2, one line containing %q", code, stderr, tc.want)
			}
		})
	}
	if _, stderr, code := run(t, "scan", "--org", "--accounts-from", "x.json"); code != ExitUsage || !strings.Contains(stderr, "give one of them") {
		t.Errorf("--org with --accounts-from: exit %d %q", code, stderr)
	}

	p := writeFile(t, dir, "good.json", good)
	snap := filepath.Join(dir, "snap.json")
	if _, stderr, code := run(t, "collect", "--demo", "--accounts-from", p, "-q", "-o", snap); code == ExitUsage {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	var s checks.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Accounts) != 2 {
		t.Fatalf("%d accounts collected, want the list's 2", len(s.Accounts))
	}
	for _, a := range s.Accounts {
		denied := slices.ContainsFunc(a.Errors, func(e checks.CollectionError) bool {
			return e.Action() == "organizations:ListTagsForResource" && e.Code == "AccessDeniedException"
		})
		switch a.AccountID {
		case "111111111111":
			if a.Team != "platform" || denied {
				t.Errorf("management: team %q, tag error %v; want platform and none", a.Team, denied)
			}
		case "222222222222":
			if a.Team != "" || !denied {
				t.Errorf("prod: team %q, tag error %v; want none and the listing's AccessDeniedException", a.Team, denied)
			}
		}
	}
}
