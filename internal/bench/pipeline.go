package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// pipelineRun is what the scan process did.
type pipelineRun struct {
	collected   time.Time // when collection ended
	accounts    int
	errors      int
	firstErrors []checks.CollectionError // up to 5, with collect and whole
	results     int                      // the report's, 0 with collect
}

// runPipeline runs the scan of o as -pipeline says: collection alone, or
// collection, evaluation with the built-in controls and the report, with
// every account held (whole) or spooled (streamed, as baseline scan).
// collected is called when collection ends; write, when set, gets the
// report (a shard's is merged after). The report's clock is o.Now's.
func runPipeline(ctx context.Context, pipeline string, o scan.Options, collected func(), write func(*report.Report) error) (pipelineRun, error) {
	var run pipelineRun
	tool := report.Tool{Name: "baseline", Version: "bench"}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	var engine *policies.Engine
	if pipeline != pipelineCollect {
		var err error
		if engine, err = policies.Builtin(); err != nil {
			return run, err
		}
	}
	if pipeline == pipelineStreamed {
		st, err := scan.CollectStreamed(ctx, o)
		if err != nil {
			return run, err
		}
		defer st.Close()
		run.collected = time.Now()
		collected()
		run.accounts, run.errors = len(st.Head.Scope.Accounts), st.Errors
		rep, err := st.Report(ctx, engine, policies.DefaultConfig(), scan.EvalOptions{}, tool, now, scan.Review{})
		if err != nil {
			return run, err
		}
		run.results = len(rep.Results)
		return run, reported(rep, write)
	}
	snap, err := scan.Collect(ctx, o)
	if err != nil {
		return run, err
	}
	run.collected = time.Now()
	collected()
	run.accounts = len(snap.Accounts)
	for _, a := range snap.Accounts {
		for _, e := range a.Errors {
			if len(run.firstErrors) < 5 {
				run.firstErrors = append(run.firstErrors, e)
			}
			run.errors++
		}
	}
	if pipeline == pipelineCollect {
		return run, nil
	}
	ev, err := scan.Evaluate(ctx, engine, policies.DefaultConfig(), snap, scan.EvalOptions{})
	if err != nil {
		return run, err
	}
	rep, err := scan.BuildReport(snap, ev, tool, now(), scan.Review{})
	if err != nil {
		return run, err
	}
	run.results = len(rep.Results)
	return run, reported(rep, write)
}

// reported runs the hooks of the report's end, then gives the report to
// write when set: BENCH_REPORT_HEAPPROFILE=FILE writes the heap with the
// report built (what the results hold), and BENCH_REPORT_JSON=FILE writes
// the report there as JSON, as baseline scan --format json -o FILE does
// (report.JSONWriter); with -shards, each shard's in turn.
func reported(rep *report.Report, write func(*report.Report) error) error {
	if p := os.Getenv("BENCH_REPORT_HEAPPROFILE"); p != "" {
		hf, err := os.Create(p)
		if err != nil {
			return err
		}
		runtime.GC()
		err = pprof.WriteHeapProfile(hf)
		if cerr := hf.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("BENCH_REPORT_HEAPPROFILE: %w", err)
		}
	}
	if p := os.Getenv("BENCH_REPORT_JSON"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		err = report.JSONWriter{}.Write(f, rep)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("BENCH_REPORT_JSON: %w", err)
		}
	}
	if write != nil {
		return write(rep)
	}
	return nil
}
