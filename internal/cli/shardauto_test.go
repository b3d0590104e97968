package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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

// TestDeployShardManifests parses the example Kubernetes Indexed Job and AWS
// Batch array job: each runs baseline scan --shard auto with flags baseline
// has, the shard count equal to the Job's completions or the array's size,
// its own output file per shard, and --exit-zero.
func TestDeployShardManifests(t *testing.T) {
	scan, _, err := newRoot(nil, nil).Find([]string{"scan"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(file string, args []string, count int, countVar string) {
		t.Helper()
		if len(args) == 0 || args[0] != "scan" {
			t.Fatalf("%s: command %v is not baseline scan", file, args)
		}
		joined := " " + strings.Join(args, " ") + " "
		for _, want := range []string{" --shard auto ", " --exit-zero ", "{shard}", " --org ", " --regions all "} {
			if !strings.Contains(joined, want) {
				t.Errorf("%s: command lacks %q: %v", file, want, args)
			}
		}
		for _, a := range args[1:] {
			if name, ok := strings.CutPrefix(a, "--"); ok && scan.Flags().Lookup(name) == nil {
				t.Errorf("%s: baseline scan has no flag --%s", file, name)
			}
		}
		if countVar != strconv.Itoa(count) {
			t.Errorf("%s: BASELINE_SHARD_COUNT=%q, but the job runs %d shards", file, countVar, count)
		}
	}

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
					} `yaml:"containers"`
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
	count := ""
	for _, e := range c.Env {
		if e.Name == "BASELINE_SHARD_COUNT" {
			count = e.Value
		}
	}
	check("indexed-job.yaml", c.Args, job.Spec.Completions, count)

	data, err = os.ReadFile("../../deploy/aws-batch/array-job.json")
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
	count = ""
	for _, e := range submit.ContainerOverrides.Environment {
		if e.Name == "BASELINE_SHARD_COUNT" {
			count = e.Value
		}
	}
	check("array-job.json", submit.ContainerOverrides.Command, submit.ArrayProperties.Size, count)
	for _, e := range submit.RetryStrategy.EvaluateOnExit {
		if e.Action != "RETRY" && e.Action != "EXIT" {
			t.Errorf("array-job.json: evaluateOnExit action %q", e.Action)
		}
	}
}
