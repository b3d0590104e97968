package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// policyFlags select the policies and their configuration.
type policyFlags struct {
	configFile  string
	policyDirs  []string
	evalTimeout time.Duration
	evalMemory  string // --eval-max-memory, e.g. 4GiB
}

func (f *policyFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.configFile, "config", "", "YAML file overriding the policy thresholds (SLA days, required standards and features, freshness windows)")
	cmd.Flags().StringArrayVar(&f.policyDirs, "policy-dir", nil, "directory of custom Rego controls (and their _test.rego) to add to the built-in ones; repeatable")
}

// registerEval adds the flags of commands that evaluate a snapshot.
func (f *policyFlags) registerEval(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&f.evalTimeout, "eval-timeout", time.Minute, "time limit for evaluating one account's facts; a control still running then (a runaway custom policy) is ERROR for that account; 0 for none")
	cmd.Flags().StringVar(&f.evalMemory, "eval-max-memory", "4GiB", "how far the heap may grow while controls are evaluated (MiB or GiB, e.g. 512MiB); a control that alone grows it further is ERROR for that account; 0 for no bound")
}

// evalLimits checks --eval-timeout and returns --eval-max-memory in bytes.
func (f *policyFlags) evalLimits() (uint64, error) {
	if f.evalTimeout < 0 {
		return 0, fmt.Errorf("--eval-timeout: must not be negative, got %s", f.evalTimeout)
	}
	return parseMemory(f.evalMemory)
}

// parseMemory reads a --eval-max-memory value: a whole number of MiB or
// GiB, or 0.
func parseMemory(s string) (uint64, error) {
	v := strings.TrimSpace(s)
	if v == "0" {
		return 0, nil
	}
	for suffix, shift := range map[string]uint{"MiB": 20, "GiB": 30} {
		if n, ok := strings.CutSuffix(v, suffix); ok {
			if x, err := strconv.ParseUint(n, 10, 32); err == nil && x > 0 {
				return x << shift, nil
			}
		}
	}
	return 0, fmt.Errorf("--eval-max-memory: %q is not a size such as 512MiB or 4GiB (or 0 for no bound)", s)
}

// load compiles the policies and reads the configuration.
func (f *policyFlags) load(ctx context.Context) (*policies.Engine, policies.Config, error) {
	cfg := policies.DefaultConfig()
	if f.configFile != "" {
		var err error
		if cfg, err = policies.LoadConfig(ctx, f.configFile); err != nil {
			return nil, cfg, err
		}
	}
	engine, err := policies.NewEngine(f.policyDirs...)
	if err != nil {
		return nil, cfg, fmt.Errorf("load policies: %w", err)
	}
	return engine, cfg, nil
}

// outputFlags select the report formats, destination and failure threshold.
type outputFlags struct {
	formats []string
	output  string
	outDir  string
	failOn  string

	writers  []report.Writer
	severity report.Severity
	review   reviewFlags // --waivers, --teams, --previous, --fail-on-new (review.go)
	view     viewFlags   // --status, --severity, --service, --control, --team, --all (view.go)
	terminal *terminal   // nil: the real one (view.go)
	started  time.Time   // when scan began discovery; zero for evaluate (scantime.go)
}

func (f *outputFlags) register(cmd *cobra.Command) {
	f.registerFormats(cmd)
	f.review.register(cmd)
}

// registerFormats adds --format, -o, --out-dir and --fail-on without the
// review flags (baseline report).
func (f *outputFlags) registerFormats(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringSliceVar(&f.formats, "format", []string{"table"}, "report format(s), comma list: "+strings.Join(report.Formats(), ", "))
	fs.StringVarP(&f.output, "output", "o", "", "write the report to this file (one format; default: stdout)")
	fs.StringVar(&f.outDir, "out-dir", "", "write one file per format into this directory (report.<format extension>)")
	fs.StringVar(&f.failOn, "fail-on", "high", "lowest severity whose failures exit 1: critical, high, medium or low")
	f.view.register(cmd)
}

func (f *outputFlags) validate(ctx context.Context) error {
	if err := checkOutputPath("-o", f.output); err != nil {
		return err
	}
	sev, err := report.ParseSeverity(f.failOn)
	if err != nil {
		return fmt.Errorf("--fail-on: %w", err)
	}
	f.severity = sev
	f.writers = nil
	seen := map[string]bool{}
	for _, name := range f.formats {
		name = strings.TrimSpace(strings.ToLower(name))
		if seen[name] {
			continue
		}
		seen[name] = true
		w, err := report.NewWriter(name)
		if err != nil {
			return fmt.Errorf("--format: %w", err)
		}
		f.writers = append(f.writers, w)
	}
	if len(f.writers) == 0 {
		return fmt.Errorf("--format: no format given")
	}
	if err := f.view.parse(); err != nil {
		return err
	}
	if f.output != "" && f.outDir != "" {
		return fmt.Errorf("-o/--output and --out-dir: give one of them")
	}
	if len(f.writers) > 1 && f.outDir == "" {
		return fmt.Errorf("--format: %d formats need --out-dir DIR (-o and stdout take one)", len(f.writers))
	}
	return f.review.load(ctx)
}

// evaluateAndWrite evaluates the snapshot, writes every requested format and
// returns the verdict as an ExitError when it is not "all clear".
func evaluateAndWrite(cmd *cobra.Command, engine *policies.Engine, cfg policies.Config, policy *policyFlags, snap *checks.Snapshot, out *outputFlags, stdout io.Writer) error {
	return buildAndWrite(cmd, policy, out, stdout, func(eo scan.EvalOptions, rv scan.Review) (*report.Report, error) {
		ev, err := scan.Evaluate(cmd.Context(), engine, cfg, snap, eo)
		if err != nil {
			return nil, err
		}
		out.review.noteHistory(cmd.ErrOrStderr())
		return scan.BuildReport(snap, ev, reportTool(), time.Now(), rv)
	})
}

// evaluateStreamedAndWrite is evaluateAndWrite for a collection whose
// accounts wait in its spool file.
// beforeStreamedReport, when set (tests), runs as the evaluation of a
// streamed scan begins.
var beforeStreamedReport func()

func evaluateStreamedAndWrite(cmd *cobra.Command, engine *policies.Engine, cfg policies.Config, policy *policyFlags, st *scan.Streamed, out *outputFlags, stdout io.Writer) error {
	return buildAndWrite(cmd, policy, out, stdout, func(eo scan.EvalOptions, rv scan.Review) (*report.Report, error) {
		out.review.noteHistory(cmd.ErrOrStderr())
		if beforeStreamedReport != nil {
			beforeStreamedReport()
		}
		return st.Report(cmd.Context(), engine, cfg, eo, reportTool(), time.Now, rv)
	})
}

// buildAndWrite builds the report with the evaluation limits and review of
// the flags, writes every requested format and returns the verdict.
func buildAndWrite(cmd *cobra.Command, policy *policyFlags, out *outputFlags, stdout io.Writer, build func(scan.EvalOptions, scan.Review) (*report.Report, error)) error {
	maxMemory, err := policy.evalLimits()
	if err != nil {
		return err
	}
	rep, err := build(scan.EvalOptions{Timeout: policy.evalTimeout, MaxMemory: maxMemory}, out.review.review())
	if err != nil {
		return err
	}
	rep.ScanSeconds = scanSeconds(out.started, time.Now())
	if err := out.write(rep, stdout); err != nil {
		return err
	}
	return exitError(scan.ExitCode(scan.Verdict{Report: rep, FailOn: out.severity, OnlyNew: out.review.failOnNew}))
}

func (f *outputFlags) write(rep *report.Report, stdout io.Writer) error {
	if err := f.view.filter.Check(rep, slices.Collect(maps.Values(f.review.teams))); err != nil {
		return err
	}
	rep = f.view.filter.Apply(rep)
	term := realTerminal
	if f.terminal != nil {
		term = *f.terminal
	}
	writers := make([]report.Writer, len(f.writers))
	for i, w := range f.writers {
		writers[i] = w
		if _, ok := w.(report.TableWriter); ok {
			var dst io.Writer // a file: no colour, the default width
			if f.outDir == "" && (f.output == "" || f.output == "-") {
				dst = stdout
			}
			writers[i] = term.tableFor(dst, f.view.all || len(f.view.filter.Statuses) > 0)
		}
	}
	if f.outDir != "" {
		return writeAll(f.outDir, writers, rep)
	}
	for _, w := range writers {
		render := func(dst io.Writer) error { return w.Write(dst, rep) }
		if f.output != "" && f.output != "-" {
			if err := writeFileAtomic(f.output, render); err != nil {
				return err
			}
		} else if err := render(stdout); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	return nil
}

// writeAll writes every format into dir as report.<extension>, all or
// none: each is rendered into a temporary file beside its destination
// before any is put in place, so a format that fails leaves the folder as
// it was (a dashboard never reads this scan's JSON beside last week's
// HTML). Rendering into files rather than memory keeps a large
// organization's reports out of the heap.
func writeAll(dir string, writers []report.Writer, rep *report.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out-dir: %w", err)
	}
	staged := make([]*stagedFile, 0, len(writers))
	defer func() {
		for _, s := range staged {
			s.discard() // nothing left once committed
		}
	}()
	for _, w := range writers {
		s, err := stageFile(filepath.Join(dir, "report."+w.Extension()), func(dst io.Writer) error { return w.Write(dst, rep) })
		if err != nil {
			return fmt.Errorf("write report.%s: %w (no file written in %s)", w.Extension(), err, dir)
		}
		staged = append(staged, s)
	}
	for _, s := range staged {
		if err := s.commit(); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic writes path through a temporary file in the same directory
// and renames it into place, so a failed or interrupted run never leaves a
// partial report over an existing one.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	// A symlink is followed: the file it points to is replaced, the link
	// stays (a dangling link names the file to create).
	resolved, err := resolveLink(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	path = resolved
	// A FIFO, a device or a socket is written into, never replaced: as
	// root, renaming over /dev/null once left a regular file in its place.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("write %s: is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := write(f); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	s, err := stageFile(path, write)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return s.commit()
}

// stagedFile is a file's new content, written but not yet in place: in a
// temporary file of the file's directory, renamed over it by commit; or,
// for a FIFO, device or socket (written into, never replaced), in a
// temporary file of os.TempDir copied into it by commit.
type stagedFile struct {
	path   string // the destination, links resolved
	tmp    string
	device bool
}

// stageFile writes path's new content with write into a temporary file.
// Errors do not name path; nothing is left behind on one.
func stageFile(path string, write func(io.Writer) error) (*stagedFile, error) {
	// A symlink is followed: the file it points to is replaced, the link
	// stays (a dangling link names the file to create).
	path, err := resolveLink(path)
	if err != nil {
		return nil, err
	}
	s := &stagedFile{path: path}
	dir := filepath.Dir(path)
	// CreateTemp makes the file 0600; a report is as readable as any file
	// the user writes, and a replaced file keeps its mode.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			return nil, errors.New("is a directory")
		case !fi.Mode().IsRegular():
			s.device, dir = true, ""
		default:
			mode = fi.Mode().Perm()
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	s.tmp = tmp.Name()
	err = tmp.Chmod(mode)
	if err == nil {
		err = write(tmp)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.discard()
		return nil, err
	}
	return s, nil
}

// commit puts the staged content in place.
func (s *stagedFile) commit() error {
	if s.device {
		err := copyInto(s.path, s.tmp)
		s.discard()
		if err != nil {
			return fmt.Errorf("write %s: %w", s.path, err)
		}
		return nil
	}
	if err := os.Rename(s.tmp, s.path); err != nil {
		s.discard()
		return fmt.Errorf("write %s: %w", s.path, err)
	}
	s.tmp = ""
	return nil
}

// discard removes the staged content, if it is still there.
func (s *stagedFile) discard() {
	if s.tmp != "" {
		_ = os.Remove(s.tmp)
		s.tmp = ""
	}
}

// copyInto writes the content of file src into the FIFO, device or socket
// dst.
func copyInto(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// resolveLink follows path's symlinks to the file they name, which need not
// exist yet; a path that is not a link is returned as it is.
func resolveLink(path string) (string, error) {
	for range 40 { // as many links as Linux follows
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return "", fmt.Errorf("too many levels of symbolic links")
}

// checkOutputPath fails early, before any AWS call, when path cannot be
// written: its folder is missing or not a folder, or it is a directory.
func checkOutputPath(flag, path string) error {
	if path == "" || path == "-" {
		return nil
	}
	target, err := resolveLink(path)
	if err != nil {
		return fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return fmt.Errorf("%s %s: is a directory; name a file", flag, path)
	}
	dir := filepath.Dir(target)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s: folder %s does not exist; create it first", flag, dir)
	}
	return nil
}
