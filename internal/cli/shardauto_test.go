package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

func TestAutoShard(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   map[string]string
		count int
		k, n  int
		err   string
	}{
		{"kubernetes index 0 is shard 1", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 4, 1, 4, ""},
		{"kubernetes last index", map[string]string{"JOB_COMPLETION_INDEX": "3", "BASELINE_SHARD_COUNT": "4"}, 0, 4, 4, ""},
		{"batch index", map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "2"}, 3, 3, 3, ""},
		{"flag over env count", map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "1", "BASELINE_SHARD_COUNT": "9"}, 2, 2, 2, ""},
		{"neither", map[string]string{"BASELINE_SHARD_COUNT": "4"}, 0, 0, 0, "neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) is set"},
		{"both", map[string]string{"JOB_COMPLETION_INDEX": "0", "AWS_BATCH_JOB_ARRAY_INDEX": "0"}, 2, 0, 0, "both JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX are set"},
		{"no count", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 0, 0, 0, "give --shard-count N or set BASELINE_SHARD_COUNT"},
		{"bad count", map[string]string{"JOB_COMPLETION_INDEX": "0", "BASELINE_SHARD_COUNT": "four"}, 0, 0, 0, `BASELINE_SHARD_COUNT="four" is not a number`},
		{"zero count", map[string]string{"JOB_COMPLETION_INDEX": "0", "BASELINE_SHARD_COUNT": "0"}, 0, 0, 0, "BASELINE_SHARD_COUNT must be at least 1"},
		{"negative flag count", map[string]string{"JOB_COMPLETION_INDEX": "0"}, -2, 0, 0, "--shard-count must be at least 1"},
		{"index past count", map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "4"}, 4, 0, 0, "AWS_BATCH_JOB_ARRAY_INDEX=4 is not below the shard count 4"},
		{"negative index", map[string]string{"JOB_COMPLETION_INDEX": "-1"}, 4, 0, 0, `JOB_COMPLETION_INDEX="-1" is not a 0-based index`},
		{"empty index", map[string]string{"JOB_COMPLETION_INDEX": ""}, 4, 0, 0, `JOB_COMPLETION_INDEX="" is not a 0-based index`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			k, n, err := autoShard(lookup, tc.count)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || k != tc.k || n != tc.n {
				t.Fatalf("got %d/%d, %v; want %d/%d", k, n, err, tc.k, tc.n)
			}
		})
	}
}

// TestShardAutoScan runs a shard of the demo as a Kubernetes Indexed Job pod
// would: the shard from the environment, its own file from {shard}, exit 0
// with --exit-zero and the verdict kept in the report.
func TestShardAutoScan(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JOB_COMPLETION_INDEX", "1")
	t.Setenv("BASELINE_SHARD_COUNT", "2")
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		err := Execute(context.Background(), args, &out, &errb)
		return ExitCode(err), errb.String()
	}
	code, stderr := run("scan", "--demo", "-q", "--shard", "auto", "--exit-zero", "--format", "json", "-o", filepath.Join(dir, "report-{shard}.json"))
	if code != ExitOK || !strings.Contains(stderr, "exit 1 reported as 0 (--exit-zero)") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Scope struct {
			Shard struct{ Index, Count int } `json:"shard"`
		} `json:"scope"`
	}
	if err := json.Unmarshal(data, &rep); err != nil || rep.Scope.Shard.Index != 2 || rep.Scope.Shard.Count != 2 {
		t.Errorf("scope.shard = %+v (%v), want 2 of 2", rep.Scope.Shard, err)
	}
	if code, _ := run("scan", "--demo", "-q", "--shard", "auto", "--format", "json", "-o", filepath.Join(dir, "again-{shard}.json")); code != ExitFailing {
		t.Errorf("without --exit-zero: exit %d, want 1", code)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--demo", "--shard", "1/2", "--shard-count", "2"}, "--shard-count: only with --shard auto"},
		{[]string{"scan", "--demo", "-o", filepath.Join(dir, "r-{shard}.json")}, "--output: {shard} needs --shard"},
		{[]string{"collect", "--demo", "--shard", "auto", "--shard-count", "1", "-o", filepath.Join(dir, "s-{shard}.json")}, "JOB_COMPLETION_INDEX=1 is not below the shard count 1"},
		{[]string{"scan", "--demo", "--exit-zero", "--regions", "nowhere-1"}, "--regions"}, // errors stay exit 2
	} {
		if code, stderr := run(tc.args...); code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// shardManifest is what a deployment example tells each shard's process:
// its command, environment, and the number of shards the scheduler starts,
// each with its 0-based index in indexVar.
type shardManifest struct {
	file     string
	args     []string
	env      map[string]string
	count    int
	indexVar string
}

// readIndexedJob reads deploy/kubernetes/indexed-job.yaml, failing unless it
// is an Indexed batch/v1 Job with one container.
func readIndexedJob(t *testing.T) shardManifest {
	t.Helper()
	data, err := os.ReadFile("../../deploy/kubernetes/indexed-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Spec       struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int    `yaml:"completions"`
			Template       struct {
				Spec struct {
					RestartPolicy string `yaml:"restartPolicy"`
					Containers    []struct {
						Image string   `yaml:"image"`
						Args  []string `yaml:"args"`
						Env   []struct {
							Name  string `yaml:"name"`
							Value string `yaml:"value"`
						} `yaml:"env"`
						SecurityContext struct {
							ReadOnlyRootFilesystem bool `yaml:"readOnlyRootFilesystem"`
						} `yaml:"securityContext"`
						VolumeMounts []struct {
							Name      string `yaml:"name"`
							MountPath string `yaml:"mountPath"`
							ReadOnly  bool   `yaml:"readOnly"`
						} `yaml:"volumeMounts"`
					} `yaml:"containers"`
					Volumes []struct {
						Name     string `yaml:"name"`
						EmptyDir any    `yaml:"emptyDir"`
					} `yaml:"volumes"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(data, &job); err != nil {
		t.Fatalf("indexed-job.yaml: %v", err)
	}
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Spec.CompletionMode != "Indexed" || job.Spec.Template.Spec.RestartPolicy != "Never" || len(job.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("indexed-job.yaml is not an Indexed batch/v1 Job with one container: %+v", job)
	}
	c := job.Spec.Template.Spec.Containers[0]
	m := shardManifest{file: "indexed-job.yaml", args: c.Args, env: map[string]string{}, count: job.Spec.Completions, indexVar: envK8sIndex}
	for _, e := range c.Env {
		m.env[e.Name] = e.Value
	}
	// The scan spools collected accounts to a file in TMPDIR (scan.
	// CollectStreamed): on a read-only root filesystem, that folder must be
	// a writable volume of the pod's own (an emptyDir, not the shared one).
	if c.SecurityContext.ReadOnlyRootFilesystem {
		tmp := cmp.Or(m.env["TMPDIR"], "/tmp")
		ok := false
		for _, vm := range c.VolumeMounts {
			if vm.ReadOnly || (tmp != vm.MountPath && !strings.HasPrefix(tmp, strings.TrimSuffix(vm.MountPath, "/")+"/")) {
				continue
			}
			for _, v := range job.Spec.Template.Spec.Volumes {
				ok = ok || (v.Name == vm.Name && v.EmptyDir != nil)
			}
		}
		if !ok {
			t.Errorf("indexed-job.yaml: the root filesystem is read-only, but the scan's spool folder %s (TMPDIR) is not on a writable emptyDir volume", tmp)
		}
	}
	return m
}

// readArrayJob reads deploy/aws-batch/array-job.json, a SubmitJob request,
// failing on a member SubmitJob does not have.
func readArrayJob(t *testing.T) shardManifest {
	t.Helper()
	data, err := os.ReadFile("../../deploy/aws-batch/array-job.json")
	if err != nil {
		t.Fatal(err)
	}
	// The SubmitJob request members used (AWS Batch API reference); an
	// unknown member is an error, as aws batch submit-job --cli-input-json
	// would refuse it.
	var submit struct {
		JobName         string `json:"jobName"`
		JobQueue        string `json:"jobQueue"`
		JobDefinition   string `json:"jobDefinition"`
		ArrayProperties struct {
			Size int `json:"size"`
		} `json:"arrayProperties"`
		ContainerOverrides struct {
			Command     []string `json:"command"`
			Environment []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"environment"`
		} `json:"containerOverrides"`
		RetryStrategy struct {
			Attempts       int `json:"attempts"`
			EvaluateOnExit []struct {
				OnExitCode string `json:"onExitCode,omitempty"`
				OnReason   string `json:"onReason,omitempty"`
				Action     string `json:"action"`
			} `json:"evaluateOnExit"`
		} `json:"retryStrategy"`
		Timeout struct {
			AttemptDurationSeconds int `json:"attemptDurationSeconds"`
		} `json:"timeout"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&submit); err != nil {
		t.Fatalf("array-job.json: %v", err)
	}
	// An array job has 2 to 10,000 children.
	if submit.ArrayProperties.Size < 2 || submit.ArrayProperties.Size > 10000 || submit.JobQueue == "" || submit.JobDefinition == "" {
		t.Errorf("array-job.json: %+v", submit)
	}
	for _, e := range submit.RetryStrategy.EvaluateOnExit {
		if e.Action != "RETRY" && e.Action != "EXIT" {
			t.Errorf("array-job.json: evaluateOnExit action %q", e.Action)
		}
	}
	m := shardManifest{file: "array-job.json", args: submit.ContainerOverrides.Command, env: map[string]string{}, count: submit.ArrayProperties.Size, indexVar: envBatchIndex}
	for _, e := range submit.ContainerOverrides.Environment {
		m.env[e.Name] = e.Value
	}
	return m
}

// TestDeployShardManifests parses the example Kubernetes Indexed Job and AWS
// Batch array job: each runs baseline scan --shard auto with flags baseline
// has, the shard count equal to the Job's completions or the array's size,
// its own output file per shard, and --exit-zero.
func TestDeployShardManifests(t *testing.T) {
	scan, _, err := newRoot(nil, nil).Find([]string{"scan"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []shardManifest{readIndexedJob(t), readArrayJob(t)} {
		if len(m.args) == 0 || m.args[0] != "scan" {
			t.Fatalf("%s: command %v is not baseline scan", m.file, m.args)
		}
		joined := " " + strings.Join(m.args, " ") + " "
		for _, want := range []string{" --shard auto ", " --exit-zero ", "{shard}", " --org ", " --regions all "} {
			if !strings.Contains(joined, want) {
				t.Errorf("%s: command lacks %q: %v", m.file, want, m.args)
			}
		}
		for _, a := range m.args[1:] {
			if name, ok := strings.CutPrefix(a, "--"); ok && scan.Flags().Lookup(name) == nil {
				t.Errorf("%s: baseline scan has no flag --%s", m.file, name)
			}
		}
		if m.env[envShardCount] != strconv.Itoa(m.count) {
			t.Errorf("%s: %s=%q, but the job runs %d shards", m.file, envShardCount, m.env[envShardCount], m.count)
		}
	}
}

// TestDeployShardManifestsDryRun starts every shard of the example
// Kubernetes Indexed Job and AWS Batch array job as its scheduler would —
// the manifest's command and environment, plus the index the scheduler
// sets (0 … count-1) — against the demo organization instead of AWS
// (--demo for --org, no member role, a temporary folder for /reports):
// --shard auto gives each process a different shard and together every
// shard 1 … N once, each exits 0 (--exit-zero) and writes its own file,
// and baseline merge of the files covers every account of one whole scan.
func TestDeployShardManifestsDryRun(t *testing.T) {
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		err := Execute(context.Background(), args, &out, &errb)
		return ExitCode(err), errb.String()
	}
	accounts := func(file string) []string {
		t.Helper()
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Scope struct {
				Accounts []string `json:"accounts"`
			} `json:"scope"`
		}
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		slices.Sort(rep.Scope.Accounts)
		return rep.Scope.Accounts
	}
	whole := filepath.Join(t.TempDir(), "whole.json")
	if code, stderr := run("scan", "--demo", "-q", "--regions", "all", "--exit-zero", "--format", "json", "-o", whole); code != ExitOK {
		t.Fatalf("whole scan: exit %d: %s", code, stderr)
	}
	want := accounts(whole)
	if len(want) < 4 {
		t.Fatalf("the demo has %d accounts: too few to tell shards apart", len(want))
	}

	for _, m := range []shardManifest{readIndexedJob(t), readArrayJob(t)} {
		t.Run(m.file, func(t *testing.T) {
			dir := t.TempDir()
			var args []string
			for i := 0; i < len(m.args); i++ {
				switch a := m.args[i]; {
				case a == "--org":
					args = append(args, "--demo")
				case a == "--role-name":
					i++ // the demo assumes no role
				default:
					args = append(args, strings.ReplaceAll(a, "/reports/", dir+"/"))
				}
			}
			for k, v := range m.env {
				t.Setenv(k, v)
			}
			seen := map[int]int{}
			var files []string
			for index := 0; index < m.count; index++ {
				t.Setenv(m.indexVar, strconv.Itoa(index))
				k, n, err := autoShard(os.LookupEnv, 0)
				if err != nil || n != m.count {
					t.Fatalf("%s=%d: shard %d/%d, %v; want N = %d", m.indexVar, index, k, n, err, m.count)
				}
				seen[k]++
				before, _ := filepath.Glob(filepath.Join(dir, "*"))
				if code, stderr := run(args...); code != ExitOK {
					t.Fatalf("%s=%d: baseline %s: exit %d: %s", m.indexVar, index, strings.Join(args, " "), code, stderr)
				}
				after, _ := filepath.Glob(filepath.Join(dir, "*"))
				if len(after) != len(before)+1 {
					t.Fatalf("%s=%d: the shard wrote %d new files, want its own one (%v)", m.indexVar, index, len(after)-len(before), after)
				}
				for _, f := range after {
					if !slices.Contains(before, f) {
						files = append(files, f)
					}
				}
			}
			for k := 1; k <= m.count; k++ {
				if seen[k] != 1 {
					t.Errorf("shard %d/%d started %d times: %v", k, m.count, seen[k], seen)
				}
			}
			merged := filepath.Join(dir, "report.json")
			if code, stderr := run(append(append([]string{"merge"}, files...), "-o", merged)...); code == ExitUsage {
				t.Fatalf("merge: exit 2: %s", stderr)
			}
			if got := accounts(merged); !slices.Equal(got, want) {
				t.Errorf("merged shards cover %v, one whole scan %v", got, want)
			}
		})
	}
}
