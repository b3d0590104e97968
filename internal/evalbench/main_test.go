package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
)

// TestGeneratedFiles: the streaming reader reads what checks.ReadSnapshot
// reads, and the opa side gets the policies without tests plus the wrapper.
func TestGeneratedFiles(t *testing.T) {
	dir := t.TempDir()
	if err := generateFiles(dir, 3, 300, 1); err != nil {
		t.Fatal(err)
	}
	snap, err := checks.ReadSnapshot(filepath.Join(dir, "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Accounts) != 3 {
		t.Errorf("generated snapshot has %d accounts, want 3", len(snap.Accounts))
	}
	wrapper, err := os.ReadFile(filepath.Join(dir, "policies", "evalbench.rego"))
	if err != nil || !strings.Contains(string(wrapper), "data.baseline.controls.securityhub.critical_findings.results,") {
		t.Errorf("wrapper: %v\n%s", err, wrapper)
	}
	if _, err := os.Stat(filepath.Join(dir, "policies", "securityhub", "enabled_test.rego")); !os.IsNotExist(err) {
		t.Errorf("a test file was copied for opa eval: %v", err)
	}
}
