// Command evalbench measures policy evaluation at scale: it generates a
// snapshot of -accounts accounts holding -findings Security Hub findings,
// evaluates it with the engine (as `baseline evaluate` does: read the
// snapshot file, evaluate every account), then does the same work with
// `opa eval` of the same OPA version on the same policies and input, and
// prints both wall times, both peak memories (getrusage maxrss of each child
// process) and their ratio. The last line is one JSON object.
//
//	go run ./internal/evalbench -accounts 1000 -findings 1000000
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/open-policy-agent/opa/v1/version"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/evalbench/synth"
	"github.com/baseline-scanner/baseline/policies"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "evalbench:", err)
		os.Exit(1)
	}
}

// summary is what one evaluation produced, by status, for the cross-check.
type summary struct {
	Results     int            `json:"results"`
	ByStatus    map[string]int `json:"by_status"`
	LoadSeconds float64        `json:"load_seconds,omitempty"`
	EvalSeconds float64        `json:"eval_seconds,omitempty"`
}

// measured is one child process: its summary, wall time and peak RSS.
type measured struct {
	summary
	wall   time.Duration
	peakMB float64
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("evalbench", flag.ContinueOnError)
	fset.SetOutput(stderr)
	accounts := fset.Int("accounts", 1000, "accounts in the generated snapshot")
	findings := fset.Int("findings", 1_000_000, "Security Hub findings in all, spread over the accounts and their four regions")
	seed := fset.Uint64("seed", 1, "generator seed; the same seed gives the same snapshot")
	opaPath := fset.String("opa", "", "the opa binary to compare with (default: opa on PATH if it is v"+version.Version+", else `go install` it into a temporary GOBIN)")
	dir := fset.String("dir", "", "work directory for the snapshot, the opa input and policies (default: a temporary directory, removed afterwards)")
	cpus := fset.Int("cpus", 0, "GOMAXPROCS of the engine process (default: all CPUs)")
	child := fset.String("evaluate", "", "internal: evaluate this snapshot file with the engine and print a summary")
	generate := fset.Bool("generate", false, "internal: write the snapshot, opa input and policies into -dir")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *child != "" {
		return evaluateChild(ctx, *child, stdout)
	}
	if *generate {
		return generateFiles(*dir, *accounts, *findings, *seed)
	}
	if *accounts <= 0 || *findings < 0 {
		return errors.New("-accounts must be positive and -findings not negative")
	}

	work := *dir
	if work == "" {
		tmp, err := os.MkdirTemp("", "evalbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = tmp
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "evalbench: "+format+"\n", a...) }

	opa, err := findOPA(ctx, *opaPath, logf)
	if err != nil {
		return err
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	// Generated in a child process: a child's peak RSS (getrusage maxrss)
	// includes its parent's at fork time, so the parent must stay small.
	logf("generating %d accounts with %d Security Hub findings", *accounts, *findings)
	start := time.Now()
	gen := exec.CommandContext(ctx, self, "-generate", "-dir", work,
		"-accounts", fmt.Sprint(*accounts), "-findings", fmt.Sprint(*findings), "-seed", fmt.Sprint(*seed))
	if out, err := gen.CombinedOutput(); err != nil {
		return fmt.Errorf("generate: %w: %s", err, out)
	}
	snapPath := filepath.Join(work, "snapshot.json")
	inputPath := filepath.Join(work, "input.json")
	policyDir := filepath.Join(work, "policies")
	logf("generated in %s: %s (%s), %s (%s)", time.Since(start).Round(time.Millisecond), snapPath, fileSize(snapPath), inputPath, fileSize(inputPath))

	engineCmd := exec.CommandContext(ctx, self, "-evaluate", snapPath)
	if *cpus > 0 {
		engineCmd.Env = append(os.Environ(), fmt.Sprintf("GOMAXPROCS=%d", *cpus))
	}
	logf("engine: %s", strings.Join(engineCmd.Args, " "))
	engine, err := measure(engineCmd, func(out io.Reader) (summary, error) {
		var s summary
		return s, json.NewDecoder(out).Decode(&s)
	})
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}

	opaCmd := exec.CommandContext(ctx, opa, "eval", "--format", "json",
		"--data", policyDir, "--input", inputPath, "data.evalbench.results")
	logf("opa: %s", strings.Join(opaCmd.Args, " "))
	opaRun, err := measure(opaCmd, decodeOPA)
	if err != nil {
		return fmt.Errorf("opa eval: %w", err)
	}

	match := engine.Results == opaRun.Results && fmt.Sprint(engine.ByStatus) == fmt.Sprint(opaRun.ByStatus)
	ratio := opaRun.wall.Seconds() / engine.wall.Seconds()
	fmt.Fprintf(stdout, "snapshot:  %d accounts, %d Security Hub findings, %d results %v\n", *accounts, *findings, engine.Results, engine.ByStatus)
	fmt.Fprintf(stdout, "engine:    %6.2f s wall (read snapshot %.2f s, evaluate %.2f s), peak RSS %4.0f MB, GOMAXPROCS %s\n",
		engine.wall.Seconds(), engine.LoadSeconds, engine.EvalSeconds, engine.peakMB, gomaxprocs(*cpus))
	fmt.Fprintf(stdout, "opa eval:  %6.2f s wall, peak RSS %4.0f MB (OPA %s), %d results %v\n", opaRun.wall.Seconds(), opaRun.peakMB, version.Version, opaRun.Results, opaRun.ByStatus)
	fmt.Fprintf(stdout, "ratio:     opa eval takes %.1f× the engine's wall time; results match: %v\n", ratio, match)
	line, err := json.Marshal(map[string]any{
		"accounts":         *accounts,
		"findings":         *findings,
		"wall_seconds":     round(engine.wall.Seconds()),
		"peak_rss_mb":      round(engine.peakMB),
		"opa_wall_seconds": round(opaRun.wall.Seconds()),
		"opa_peak_rss_mb":  round(opaRun.peakMB),
		"ratio":            round(ratio),
		"results_match":    match,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(line))
	if !match {
		return errors.New("the engine and opa eval disagree on the results")
	}
	return nil
}

func round(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

func gomaxprocs(cpus int) string {
	if cpus > 0 {
		return fmt.Sprint(cpus)
	}
	return fmt.Sprint(runtime.NumCPU())
}

// generateFiles writes the generated snapshot, the same accounts as one opa
// input document, and the policies for opa eval into dir.
func generateFiles(dir string, accounts, findings int, seed uint64) error {
	snap := synth.Snapshot(accounts, findings, seed)
	if err := writeJSON(filepath.Join(dir, "snapshot.json"), snap); err != nil {
		return err
	}
	if err := writeOPAInput(filepath.Join(dir, "input.json"), snap); err != nil {
		return err
	}
	return writeOPAPolicies(filepath.Join(dir, "policies"))
}

// evaluateChild is the engine side: what `baseline evaluate` does, minus
// writing the report.
func evaluateChild(ctx context.Context, snapPath string, stdout io.Writer) error {
	engine, err := policies.Builtin()
	if err != nil {
		return err
	}
	start := time.Now()
	snap, err := checks.ReadSnapshot(snapPath) // streams one account at a time, as `baseline evaluate` does
	if err != nil {
		return err
	}
	loaded := time.Now()
	ev, err := engine.Evaluate(ctx, snap, policies.DefaultConfig())
	if err != nil {
		return err
	}
	s := summary{ByStatus: map[string]int{}, LoadSeconds: round(loaded.Sub(start).Seconds()), EvalSeconds: round(time.Since(loaded).Seconds())}
	for _, r := range ev.Results {
		s.Results++
		s.ByStatus[string(r.Status)]++
	}
	return json.NewEncoder(stdout).Encode(s)
}

// measure runs a child process, decodes its stdout, and reports its wall
// time and peak resident memory (getrusage maxrss, in KiB on Linux).
func measure(cmd *exec.Cmd, decode func(io.Reader) (summary, error)) (measured, error) {
	var out bytes.Buffer
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return measured{}, fmt.Errorf("%w: %s", err, strings.TrimSpace(errOut.String()))
	}
	s, err := decode(&out)
	if err != nil {
		return measured{}, fmt.Errorf("decode output: %w", err)
	}
	m := measured{summary: s, wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.peakMB = float64(ru.Maxrss) / 1024
	}
	return m, nil
}

// decodeOPA counts the results of `opa eval --format json` of the wrapper
// query: per account, per control, the results set.
func decodeOPA(out io.Reader) (summary, error) {
	var doc struct {
		Result []struct {
			Expressions []struct {
				Value [][][]struct {
					Status string `json:"status"`
				} `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.NewDecoder(out).Decode(&doc); err != nil {
		return summary{}, err
	}
	if len(doc.Result) != 1 || len(doc.Result[0].Expressions) != 1 {
		return summary{}, errors.New("the query is undefined")
	}
	s := summary{ByStatus: map[string]int{}}
	for _, account := range doc.Result[0].Expressions[0].Value {
		for _, control := range account {
			for _, r := range control {
				s.Results++
				s.ByStatus[r.Status]++
			}
		}
	}
	return s, nil
}

func writeJSON(path string, v any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeOPAInput writes the input of the opa eval equivalent: every
// account's policy input (the engine's per-account input) in one document.
func writeOPAInput(path string, snap *checks.Snapshot) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"accounts":[`)
	for i := range snap.Accounts {
		if i > 0 {
			w.WriteByte(',')
		}
		b, err := json.Marshal(checks.PolicyInput{CollectedAt: snap.CollectedAt.UTC(), AccountFacts: &snap.Accounts[i]})
		if err != nil {
			f.Close()
			return err
		}
		w.Write(b)
	}
	w.WriteString("]}\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeOPAPolicies writes the built-in policies (without their tests), the
// default config as data, and a wrapper that evaluates every control for
// each account, each with that account as input: the engine's work, as one
// opa eval query.
func writeOPAPolicies(dir string) error {
	src := policies.BuiltinFS()
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".rego" || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return err
	}
	cfg, err := policies.ConfigData(policies.DefaultConfig())
	if err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "data.json"), map[string]any{"baseline": map[string]any{"config": cfg}}); err != nil {
		return err
	}
	engine, err := policies.Builtin()
	if err != nil {
		return err
	}
	var refs []string
	for _, c := range engine.Controls() {
		refs = append(refs, "\t\tdata.baseline.controls."+c.ID+".results,")
	}
	sort.Strings(refs)
	wrapper := "package evalbench\n\n# results are, for each account, every control's results with that account as input.\n" +
		"results := [r |\n\tsome account in input.accounts\n\tr := [\n" + strings.Join(refs, "\n") + "\n\t] with input as account\n]\n"
	return os.WriteFile(filepath.Join(dir, "evalbench.rego"), []byte(wrapper), 0o644)
}

// findOPA returns an opa binary of the embedded OPA version: -opa, else
// opa on PATH if its version matches, else one installed with go install
// into a temporary GOBIN.
func findOPA(ctx context.Context, flagPath string, logf func(string, ...any)) (string, error) {
	if flagPath != "" {
		if v := opaVersion(ctx, flagPath); v != version.Version {
			logf("warning: %s is OPA %q, the engine embeds %s", flagPath, v, version.Version)
		}
		return flagPath, nil
	}
	if p, err := exec.LookPath("opa"); err == nil && opaVersion(ctx, p) == version.Version {
		return p, nil
	}
	gobin := filepath.Join(os.TempDir(), "evalbench-opa-"+version.Version)
	bin := filepath.Join(gobin, "opa")
	if opaVersion(ctx, bin) == version.Version {
		return bin, nil
	}
	mod := "github.com/open-policy-agent/opa@v" + version.Version
	logf("installing %s into %s (once)", mod, gobin)
	cmd := exec.CommandContext(ctx, "go", "install", mod)
	cmd.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s: %w: %s", mod, err, out)
	}
	return bin, nil
}

func opaVersion(ctx context.Context, bin string) string {
	out, err := exec.CommandContext(ctx, bin, "version").Output()
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Version: "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func fileSize(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.0f MB", float64(fi.Size())/1e6)
}
