package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
)

// ssmInventoryWorld: the management account is the Systems Manager
// delegated administrator with a fresh AWS-QuickSetup-ManagedNode sync;
// each account has nodes in one of the two regions only.
const ssmInventoryWorld = `
regions: [us-east-1, eu-west-1]
delegated_admin:
  ssm: "111111111111"
  ssm_sync: {region: us-east-1}
accounts:
  - id: "111111111111"
    name: mgmt
    management: true
    regions:
      us-east-1:
        ec2: {instances: [{id: i-0a000000000000001, name: web}, {id: i-0a000000000000002}]}
        ssm: {managed_nodes: [{id: i-0a000000000000001, last_ping: "2026-11-01T00:00:00Z", patch: {missing: 1, operation_start: "2026-11-01T00:00:00Z"}}]}
  - id: "222222222222"
    name: member
    regions:
      eu-west-1:
        ec2: {instances: [{id: i-0b000000000000001, state: stopped}]}
        ssm: {managed_nodes: [{id: mi-0b000000000000002, ping_status: ConnectionLost, last_ping: "2026-10-01T00:00:00Z"}]}
`

// TestCollectionSSMInventory: --collection auto reads Systems Manager
// through the delegated administrator's node inventory, says so, skips the
// regions without nodes, and collects the same facts as --collection direct.
func TestCollectionSSMInventory(t *testing.T) {
	dir := t.TempDir()
	world := filepath.Join(dir, "world.yaml")
	if err := os.WriteFile(world, []byte(ssmInventoryWorld), 0o600); err != nil {
		t.Fatal(err)
	}
	snaps := map[string]*checks.Snapshot{}
	for _, mode := range []string{"auto", "direct"} {
		path := filepath.Join(dir, mode+".json")
		_, stderr, code := run(t, "collect", "--world", world, "--collection", mode, "-o", path)
		if code != ExitOK {
			t.Fatalf("collect --collection %s: exit %d; stderr:\n%s", mode, code, stderr)
		}
		if said := strings.Contains(stderr, "node inventory AWS-QuickSetup-ManagedNode in us-east-1"); said != (mode == "auto") {
			t.Errorf("--collection %s: stderr says the node inventory is used: %t\n%s", mode, said, stderr)
		}
		snap, err := checks.ReadSnapshot(path)
		if err != nil {
			t.Fatal(err)
		}
		snaps[mode] = snap
	}
	if gaps := snaps["auto"].CoverageGaps; len(gaps) != 0 {
		t.Errorf("coverage gaps %+v, want none", gaps)
	}
	for i, a := range snaps["auto"].Accounts {
		if d := snaps["direct"].Accounts[i]; !equalJSON(t, a.SSM, d.SSM) {
			g, _ := json.Marshal(a.SSM)
			w, _ := json.Marshal(d.SSM)
			t.Errorf("account %s: auto and direct SSM facts differ:\n%s\n%s", a.AccountID, g, w)
		}
	}

	_, stderr, code := run(t, "collect", "--world", world, "--ssm-sync-max-age", "0s", "-q")
	if code != ExitUsage || !strings.Contains(stderr, "--ssm-sync-max-age: must be positive") {
		t.Errorf("--ssm-sync-max-age 0s: exit %d, stderr %q", code, stderr)
	}
}
