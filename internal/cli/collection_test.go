package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// adminWorld: the management account administers Security Hub with an
// aggregator in us-east-1 that links no other region, and GuardDuty;
// 333333333333 is a member of neither.
const adminWorld = `
regions: [us-east-1, eu-west-1]
delegated_admin:
  securityhub: "111111111111"
  guardduty: "111111111111"
  not_members: ["333333333333"]
  finding_aggregator: {region: us-east-1, region_linking_mode: SPECIFIED_REGIONS}
accounts:
  - id: "111111111111"
    name: mgmt
    management: true
    regions:
      us-east-1: {securityhub: {enabled: true}, guardduty: {detectors: [{status: ENABLED}]}}
      eu-west-1: {guardduty: {detectors: [{status: ENABLED}]}}
  - id: "222222222222"
    name: member
    regions:
      us-east-1:
        securityhub:
          enabled: true
          findings: [{id: m1, title: open, control: S3.8, severity: CRITICAL, first_observed: "2026-01-02T00:00:00Z"}]
        guardduty:
          detectors:
            - status: ENABLED
              features: {S3_DATA_EVENTS: ENABLED}
              findings: [{id: g1, type: "Recon:EC2/PortProbeUnprotectedPort", title: probe, severity: 8, created: "2026-01-01T00:00:00Z", updated: "2026-01-02T00:00:00Z", resource: {type: Instance, id: i-0123456789abcdef0}}, {id: g2, type: "Policy:S3/BucketBlockPublicAccessDisabled", title: low, severity: 2, updated: "2026-01-02T00:00:00Z", resource: {type: S3Bucket, id: logs}}]
      eu-west-1:
        securityhub:
          enabled: true
          findings: [{id: m2, title: open, control: S3.8, severity: HIGH, first_observed: "2026-01-02T00:00:00Z"}]
  - id: "333333333333"
    name: outsider
    regions:
      us-east-1:
        securityhub:
          enabled: true
          findings: [{id: o1, title: open, control: S3.8, severity: CRITICAL, first_observed: "2026-01-02T00:00:00Z"}]
        guardduty:
          detectors:
            - status: ENABLED
              findings: [{id: g3, type: "UnauthorizedAccess:EC2/SSHBruteForce", title: brute, severity: 9, created: "2026-01-01T00:00:00Z", updated: "2026-01-02T00:00:00Z", resource: {type: Instance, id: i-0fedcba9876543210}}]
`

func TestCollectionAutoReportsGapsAndCollectsThemDirectly(t *testing.T) {
	dir := t.TempDir()
	world := filepath.Join(dir, "world.yaml")
	if err := os.WriteFile(world, []byte(adminWorld), 0o600); err != nil {
		t.Fatal(err)
	}
	snaps := map[string]*checks.Snapshot{}
	for _, mode := range []string{"auto", "direct"} {
		path := filepath.Join(dir, mode+".json")
		_, stderr, code := run(t, "collect", "--world", world, "--collection", mode, "-o", path)
		if code != ExitOK {
			t.Fatalf("collect --collection %s: exit %d; stderr:\n%s", mode, code, stderr)
		}
		if mode == "auto" && !strings.Contains(stderr, "its aggregator in us-east-1 links") {
			t.Errorf("auto did not say it used the aggregator; stderr:\n%s", stderr)
		}
		snap, err := checks.ReadSnapshot(path)
		if err != nil {
			t.Fatal(err)
		}
		snaps[mode] = snap
	}
	want := []checks.CoverageGap{
		{AccountID: "111111111111", Region: "eu-west-1", Service: "securityhub", Reason: "region not linked"},
		{AccountID: "222222222222", Region: "eu-west-1", Service: "securityhub", Reason: "region not linked"},
		{AccountID: "333333333333", Region: "eu-west-1", Service: "securityhub", Reason: "not a member"},
		{AccountID: "333333333333", Region: "us-east-1", Service: "securityhub", Reason: "not a member"},
		{AccountID: "222222222222", Region: "eu-west-1", Service: "guardduty", Reason: "not associated (relationship status Disabled)"},
		{AccountID: "333333333333", Region: "eu-west-1", Service: "guardduty", Reason: "not a member"},
		{AccountID: "333333333333", Region: "us-east-1", Service: "guardduty", Reason: "not a member"},
	}
	if got := snaps["auto"].CoverageGaps; !equalJSON(t, got, want) {
		t.Errorf("coverage gaps = %+v, want %+v", got, want)
	}
	for i, a := range snaps["auto"].Accounts {
		d := snaps["direct"].Accounts[i]
		// Only the administrator view reads the organization configuration,
		// kept on the administrator account (GD-43).
		for region, r := range a.GuardDuty {
			if (r.Organization != nil) != (a.AccountID == "111111111111") {
				t.Errorf("account %s %s: organization configuration %+v", a.AccountID, region, r.Organization)
			}
			r.Organization = nil
		}
		if !equalJSON(t, a.GuardDuty, d.GuardDuty) {
			g, _ := json.Marshal(a.GuardDuty)
			w, _ := json.Marshal(d.GuardDuty)
			t.Errorf("account %s: auto and direct GuardDuty facts differ:\n%s\n%s", a.AccountID, g, w)
		}
		if !equalJSON(t, a.SecurityHub, d.SecurityHub) {
			g, _ := json.Marshal(a.SecurityHub)
			w, _ := json.Marshal(d.SecurityHub)
			t.Errorf("account %s: auto and direct Security Hub facts differ:\n%s\n%s", a.AccountID, g, w)
		}
	}
	if n := len(snaps["auto"].Accounts[2].SecurityHub["us-east-1"].Findings); n != 1 {
		t.Errorf("the non-member's findings were not collected directly: %d findings", n)
	}
}

func TestCollectionAdminWithoutAggregator(t *testing.T) {
	_, stderr, code := run(t, "collect", "--demo", "--collection", "admin", "-q")
	if code != ExitUsage {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, ExitUsage, stderr)
	}
	if lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1; lines != 1 || !strings.Contains(stderr, "--collection admin:") {
		t.Errorf("stderr is not one line naming --collection admin:\n%s", stderr)
	}
	_, stderr, code = run(t, "collect", "--demo", "--collection", "bogus")
	if code != ExitUsage || !strings.Contains(stderr, `--collection: "bogus"`) {
		t.Errorf("--collection bogus: exit %d, stderr %q", code, stderr)
	}
}

func equalJSON(t *testing.T, got, want any) bool {
	t.Helper()
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return string(g) == string(w)
}

// TestMembershipDeniedIsError: whether the caller administers GuardDuty
// is read with ListMembers, or, in a shard, GetMembers of its own accounts
// (GD-47). Either call denied leaves the organization configuration
// unobserved: guardduty.org_auto_enable is ERROR on the administrator, not
// NOT_APPLICABLE (which would drop it from the score). Shard 3/3 of the
// admin world holds the administrator alone.
func TestMembershipDeniedIsError(t *testing.T) {
	dir := t.TempDir()
	const admin = "111111111111"
	if checks.Shard(admin, 3) != 2 || checks.Shard("222222222222", 3) == 2 {
		t.Fatal("shard 3/3 of the admin world no longer holds the administrator alone")
	}
	for _, tc := range []struct{ name, op, shard string }{
		{"unsharded, ListMembers denied", "ListMembers", ""},
		{"sharded, GetMembers denied", "GetMembers", "3/3"},
	} {
		world := filepath.Join(dir, tc.op+".yaml")
		fault := "faults:\n  - {account: \"" + admin + "\", region: us-east-1, service: guardduty, operation: " + tc.op + ", code: AccessDeniedException}\n"
		if err := os.WriteFile(world, []byte(adminWorld+fault), 0o600); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, tc.op+".json")
		args := []string{"scan", "--world", world, "--collection", "auto", "-q", "--format", "json", "-o", path}
		if tc.shard != "" {
			args = append(args, "--shard", tc.shard)
		}
		if _, stderr, code := run(t, args...); code > ExitFailing {
			t.Fatalf("%s: exit %d: %s", tc.name, code, stderr)
		}
		seen := 0
		for _, r := range readReport(t, path).Results {
			if r.ControlID == "guardduty.org_auto_enable" && r.AccountID == admin {
				seen++
				if r.Status != report.StatusError {
					t.Errorf("%s: org_auto_enable in %s is %s (%s), want ERROR", tc.name, r.Region, r.Status, r.Message)
				}
			}
		}
		if seen == 0 {
			t.Errorf("%s: no org_auto_enable result on the administrator", tc.name)
		}
	}
}
