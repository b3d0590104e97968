package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// TestOrganizationTrailOwnerOutsideAccounts holds that a member's verdicts
// on the organization trail use the facts its owner read, and that the trail
// is judged (in the member) even when the owner is not among --accounts.
func TestOrganizationTrailOwnerOutsideAccounts(t *testing.T) {
	const orgTrail = "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail"
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot.json")
	if _, stderr, code := run(t, "collect", "--demo", "--accounts", "222222222222", "-o", path); code != ExitIncomplete || !strings.Contains(stderr, "owner account(s) 111111111111") {
		t.Fatalf("collect exit code = %d; stderr:\n%s", code, stderr)
	}
	snap, err := checks.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Accounts) != 1 || snap.Accounts[0].AccountID != "222222222222" {
		t.Fatalf("accounts = %+v, want only the member", snap.Accounts)
	}
	var seen *checks.Trail
	for i, tr := range snap.Accounts[0].CloudTrail.Trails {
		if tr.ARN == orgTrail {
			seen = &snap.Accounts[0].CloudTrail.Trails[i]
		}
	}
	if seen == nil || seen.Status == nil || seen.ManagementEvents == nil || *seen.ManagementEvents != "write" ||
		seen.OwnerInScope == nil || *seen.OwnerInScope || seen.OwnerFactsError != "" {
		t.Fatalf("organization trail in the member = %+v, want the owner's facts, owner not in scope", seen)
	}

	e, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := e.Evaluate(context.Background(), snap, policies.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]report.Result{}
	for _, r := range ev.Results {
		if r.Resource == orgTrail || r.ControlID == "cloudtrail.multi_region_logging" {
			got[r.ControlID] = r
		}
	}
	for id, want := range map[string]string{
		"cloudtrail.log_file_validation": "PASS log file validation is enabled",
		"cloudtrail.kms_encryption":      "PASS log files are encrypted with KMS key arn:aws:kms:us-east-1:111111111111:key/4f1c2b8e-9a7d-4e35-b0c6-2d8f1a7e5c90",
		"cloudtrail.delivery_healthy":    "PASS last delivery to S3 bucket acme-org-cloudtrail-111111111111 0 hours ago",
		"cloudtrail.multi_region_logging": "FAIL no multi-region trail logs all management events: " + orgTrail + " records write management events; " +
			"arn:aws:cloudtrail:us-east-1:222222222222:trail/prod-account-trail excludes management events of kms.amazonaws.com",
	} {
		if r := got[id]; string(r.Status)+" "+r.Message != want {
			t.Errorf("%s = %s %q, want %q", id, r.Status, r.Message, want)
		}
	}
}
