package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// workflow is the part of a GitHub Actions workflow the tests check.
type workflow struct {
	Name        string            `yaml:"name"`
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		RunsOn   string `yaml:"runs-on"`
		Needs    any    `yaml:"needs"`
		Strategy struct {
			Matrix map[string]any `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			If   string            `yaml:"if"`
			With map[string]any    `yaml:"with"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func readWorkflows(t *testing.T) map[string]workflow {
	t.Helper()
	paths, err := filepath.Glob("../../.github/workflows/*.yml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no workflows found: %v", err)
	}
	out := map[string]workflow{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var w workflow
		if err := yaml.Unmarshal(data, &w); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if w.Name == "" || len(w.On) == 0 || len(w.Jobs) == 0 {
			t.Errorf("%s: missing name, on or jobs", p)
		}
		for id, j := range w.Jobs {
			if j.RunsOn == "" || len(j.Steps) == 0 {
				t.Errorf("%s: job %s has no runs-on or steps", p, id)
			}
			for i, s := range j.Steps {
				if (s.Uses == "") == (s.Run == "") {
					t.Errorf("%s: job %s step %d (%s) needs exactly one of uses and run", p, id, i, s.Name)
				}
			}
		}
		out[filepath.Base(p)] = w
	}
	return out
}

// TestScheduledScanWorkflow holds the scheduled workflow to the shape the
// README documents: the repository's own action, every region by default,
// the previous baseline kept by the action, and every flag it passes to
// baseline a real flag.
func TestScheduledScanWorkflow(t *testing.T) {
	w, ok := readWorkflows(t)["scheduled-scan.yml"]
	if !ok {
		t.Fatal("no .github/workflows/scheduled-scan.yml")
	}
	if _, ok := w.On["schedule"]; !ok {
		t.Error("not on a schedule")
	}
	if _, ok := w.On["workflow_dispatch"]; !ok {
		t.Error("cannot be run by hand (workflow_dispatch)")
	}
	checkScanPermissions(t, w)
	job, ok := w.Jobs["scan"]
	if !ok {
		t.Fatal("no scan job")
	}
	var with map[string]any
	var uses []string
	for _, s := range job.Steps {
		uses = append(uses, s.Uses)
		if s.Uses == "./" {
			with = s.With
		}
		if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
			if role, _ := s.With["role-to-assume"].(string); !strings.Contains(role, "BASELINE_ROLE_ARN") {
				t.Errorf("role-to-assume = %q, want the BASELINE_ROLE_ARN variable", role)
			}
		}
	}
	for _, want := range []string{"actions/checkout@", "actions/setup-go@", "aws-actions/configure-aws-credentials@"} {
		if !strings.Contains(strings.Join(uses, " "), want) {
			t.Errorf("no step uses %s", want)
		}
	}
	if with == nil {
		t.Fatal("no step uses the repository's action (uses: ./)")
	}
	for k, want := range map[string]string{
		"regions":           "|| 'all' }}",
		"previous-artifact": "baseline",
		"formats":           "json,markdown,html,ndjson,junit",
		"webhook-url":       "${{ secrets.BASELINE_WEBHOOK_URL }}",
		"version":           "vars.BASELINE_VERSION",
		"args":              "--org --role-name",
	} {
		if got, _ := with[k].(string); !strings.Contains(got, want) {
			t.Errorf("with.%s = %q, want it to contain %q", k, got, want)
		}
	}
	checkScanFlags(t, "scheduled-scan.yml", with["args"])
}

// TestShardedScanWorkflow: one job lists the organization (baseline
// accounts, with the shards' regions) and uploads the list; a matrix of
// --shard K/N over every K scans from it; then one merge job judges the
// whole with its own baseline.
func TestShardedScanWorkflow(t *testing.T) {
	w, ok := readWorkflows(t)["scheduled-scan-sharded.yml"]
	if !ok {
		t.Fatal("no .github/workflows/scheduled-scan-sharded.yml")
	}
	checkScanPermissions(t, w)
	shard, merge := w.Jobs["shard"], w.Jobs["merge"]
	shards, _ := shard.Strategy.Matrix["shard"].([]any)
	n := len(shards)
	for i, k := range shards {
		if fmt.Sprint(k) != fmt.Sprint(i+1) {
			t.Errorf("matrix.shard = %v, want 1 … N", shards)
		}
	}
	if n < 2 {
		t.Fatalf("matrix.shard = %v", shards)
	}
	var shardWith, mergeWith map[string]any
	for _, s := range shard.Steps {
		if s.Uses == "./" {
			shardWith = s.With
		}
	}
	for _, s := range merge.Steps {
		if s.Uses == "./" {
			mergeWith = s.With
		}
	}
	args, _ := shardWith["args"].(string)
	if want := fmt.Sprintf("--shard ${{ matrix.shard }}/%d", n); !strings.Contains(args, want) {
		t.Errorf("shard args = %q, want %q", args, want)
	}
	checkScanFlags(t, "scheduled-scan-sharded.yml", args)
	if shardWith["previous-artifact"] != "" {
		t.Errorf("a shard keeps a baseline (%v): only the merged scan may", shardWith["previous-artifact"])
	}
	if fmt.Sprint(merge.Needs) != "shard" {
		t.Errorf("merge needs %v, want shard", merge.Needs)
	}

	// The list, made once with the shards' regions and handed to them.
	accounts, ok := w.Jobs["accounts"]
	if !ok || fmt.Sprint(shard.Needs) != "accounts" {
		t.Fatalf("no accounts job before the shards (shard needs %v)", shard.Needs)
	}
	if !strings.Contains(args, "--accounts-from accounts.json") || regexp.MustCompile(`--org\b`).MatchString(args) {
		t.Errorf("shard args = %q, want --accounts-from accounts.json and no --org", args)
	}
	var listed, uploaded bool
	for _, s := range accounts.Steps {
		if strings.Contains(s.Run, " accounts --org ") {
			listed = true
			if !strings.Contains(s.Run, `--regions "$REGIONS"`) || s.Env["REGIONS"] != fmt.Sprint(shardWith["regions"]) || !strings.Contains(s.Run, "-o accounts.json") {
				t.Errorf("listing step %q with REGIONS %q: want --regions \"$REGIONS\" equal to the shards' regions %q, and -o accounts.json", s.Run, s.Env["REGIONS"], shardWith["regions"])
			}
			cmd, _, err := newRoot(nil, nil).Find([]string{"accounts"})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range regexp.MustCompile(`(?:^|\s)--([a-z][a-z-]+)`).FindAllStringSubmatch(s.Run, -1) {
				if cmd.Flags().Lookup(m[1]) == nil {
					t.Errorf("the listing passes --%s, which baseline accounts does not have", m[1])
				}
			}
		}
		if strings.HasPrefix(s.Uses, "actions/upload-artifact@") && s.With["path"] == "accounts.json" {
			uploaded = true
			var downloaded bool
			for _, d := range shard.Steps {
				downloaded = downloaded || (strings.HasPrefix(d.Uses, "actions/download-artifact@") && d.With["name"] == s.With["name"])
			}
			if !downloaded {
				t.Errorf("no shard step downloads the artifact %v", s.With["name"])
			}
		}
	}
	if !listed || !uploaded {
		t.Errorf("the accounts job lists the organization: %v, uploads accounts.json: %v", listed, uploaded)
	}
	if mergeWith == nil || mergeWith["merge-reports"] == nil || mergeWith["previous-artifact"] != "baseline-sharded" {
		t.Errorf("merge job's action inputs: %v", mergeWith)
	}
}

func checkScanPermissions(t *testing.T, w workflow) {
	t.Helper()
	for k, v := range map[string]string{"id-token": "write", "contents": "read", "actions": "read"} {
		if w.Permissions[k] != v {
			t.Errorf("permissions.%s = %q, want %q", k, w.Permissions[k], v)
		}
	}
}

// checkScanFlags fails for a flag in args that baseline scan does not have.
func checkScanFlags(t *testing.T, file string, args any) {
	t.Helper()
	s, _ := args.(string)
	scan, _, err := newRoot(nil, nil).Find([]string{"scan"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?m)(?:^|[\s(])--([a-z][a-z-]+)`).FindAllStringSubmatch(s, -1) {
		if scan.Flags().Lookup(m[1]) == nil {
			t.Errorf("%s passes --%s, which baseline scan does not have", file, m[1])
		}
	}
}

// TestActionsArePinnedByCommit: every third-party action in the workflows
// and in action.yml is pinned by a full commit SHA, with its version tag in
// a comment (tags can be moved; a SHA cannot).
func TestActionsArePinnedByCommit(t *testing.T) {
	paths, _ := filepath.Glob("../../.github/workflows/*.yml")
	paths = append(paths, "../../action.yml")
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$`)
	usesLine := regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*(.*)$`)
	n := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			m := usesLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			ref := strings.TrimSpace(m[1])
			if ref == "./" {
				continue
			}
			n++
			if !pinned.MatchString(ref) {
				t.Errorf("%s:%d: %q is not pinned by a full commit SHA with a version comment", p, i+1, ref)
			}
		}
	}
	if n == 0 {
		t.Fatal("no action references found")
	}
}
