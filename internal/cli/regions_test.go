package cli

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// TestAccountsWithoutRegionsKeepEveryControl: under --regions all, an
// account whose role is denied or whose regions cannot be listed has no
// region in scope; each of its controls still reports, ERROR with the cause.
func TestAccountsWithoutRegionsKeepEveryControl(t *testing.T) {
	engine, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var controls []string
	for _, c := range engine.Controls() {
		controls = append(controls, c.ID)
	}
	slices.Sort(controls)

	tests := []struct {
		name     string
		args     []string
		accounts []string // the accounts without regions
		cause    string
	}{
		{
			name:     "role denied",
			args:     []string{"--demo", "--role-name", "Nope"},
			accounts: []string{"222222222222", "333333333333", "444444444444"},
			cause:    "sts:AssumeRole failed: AccessDenied",
		},
		{
			name: "regions not listed",
			args: []string{"--world", writeWorld(t, `
faults:
  - {account: "200000000002", service: account, operation: ListRegions, code: AccessDeniedException}
  - {account: "200000000002", service: ec2, operation: DescribeRegions, code: UnauthorizedOperation}
`)},
			accounts: []string{"200000000002"},
			cause:    "account:ListRegions failed: AccessDeniedException",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "r.json")
			args := append([]string{"scan", "--regions", "all", "-q", "--format", "json", "-o", path}, tt.args...)
			if _, stderr, code := run(t, args...); code != ExitIncomplete && code != ExitFailing {
				t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
			}
			rep := readReport(t, path)
			for _, account := range tt.accounts {
				var got []string
				for _, r := range rep.Results {
					if r.AccountID != account {
						continue
					}
					got = append(got, r.ControlID)
					if r.Status != report.StatusError || r.Region != "global" || !strings.Contains(r.Message, tt.cause) {
						t.Errorf("%s %s %s: %s %q, want ERROR in global naming %s", account, r.ControlID, r.Region, r.Status, r.Message, tt.cause)
					}
				}
				if !slices.Equal(got, controls) {
					t.Errorf("account %s reports controls %v, want every control %v", account, got, controls)
				}
			}
		})
	}
}

// TestExcludeRegionsWithDeniedRole: the named regions of an account whose
// role is denied are its cells, minus --exclude-regions.
func TestExcludeRegionsWithDeniedRole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	if _, stderr, code := run(t, "scan", "--demo", "--regions", "us-east-1,eu-west-1", "--exclude-regions", "eu-west-1",
		"--role-name", "Nope", "-q", "--format", "json", "-o", path); code != ExitIncomplete && code != ExitFailing {
		t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
	}
	rep := readReport(t, path)
	denied := 0
	for _, r := range rep.Results {
		if r.Region == "eu-west-1" {
			t.Errorf("%s %s has a result in excluded region eu-west-1: %s %q", r.AccountID, r.ControlID, r.Status, r.Message)
		}
		if r.AccountID == "222222222222" && r.Region == "us-east-1" {
			denied++
		}
	}
	if denied == 0 {
		t.Error("denied account 222222222222 has no result in us-east-1")
	}
}
