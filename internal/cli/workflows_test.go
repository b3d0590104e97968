package cli

import (
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
		RunsOn string `yaml:"runs-on"`
		Steps  []struct {
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
// README documents, and every flag it passes to baseline to a real flag.
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
	for k, v := range map[string]string{"id-token": "write", "contents": "read", "actions": "read"} {
		if w.Permissions[k] != v {
			t.Errorf("permissions.%s = %q, want %q", k, w.Permissions[k], v)
		}
	}
	job, ok := w.Jobs["scan"]
	if !ok {
		t.Fatal("no scan job")
	}
	var script string
	var uses []string
	for _, s := range job.Steps {
		uses = append(uses, s.Uses)
		if strings.Contains(s.Run, "./cmd/baseline") {
			script = s.Run
		}
		if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
			if role, _ := s.With["role-to-assume"].(string); !strings.Contains(role, "BASELINE_ROLE_ARN") {
				t.Errorf("role-to-assume = %q, want the BASELINE_ROLE_ARN variable", role)
			}
		}
	}
	for _, want := range []string{"actions/checkout@v4", "actions/setup-go@v5", "aws-actions/configure-aws-credentials@v4", "actions/upload-artifact@v4"} {
		if !strings.Contains(strings.Join(uses, " "), want) {
			t.Errorf("no step uses %s", want)
		}
	}
	for _, want := range []string{"--org", "--previous previous/report.json", "--fail-on-new", "--out-dir out", "json,markdown,html,ndjson,junit"} {
		if !strings.Contains(script, want) {
			t.Errorf("the scan step does not pass %q:\n%s", want, script)
		}
	}

	scan, _, err := newRoot(nil, nil).Find([]string{"scan"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?m)(?:^|[\s(])--([a-z][a-z-]+)`).FindAllStringSubmatch(script, -1) {
		if scan.Flags().Lookup(m[1]) == nil {
			t.Errorf("the workflow passes --%s, which baseline scan does not have", m[1])
		}
	}
}
