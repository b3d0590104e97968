package scan

import (
	"bytes"
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// TestStreamedScanEqualsWholeScan holds the scan that does not keep its
// accounts (CollectStreamed, then its snapshot and report) to the one that
// does (Collect, WriteSnapshot, Evaluate, BuildReport), on the sample
// organization and on a generated one: the same snapshot bytes and the same
// report (results, upcoming findings, coverage, errors, teams), with team
// tags read, failed calls, and a shard whose organization trail owner is
// collected apart.
func TestStreamedScanEqualsWholeScan(t *testing.T) {
	sample, err := awssim.SampleWorld()
	if err != nil {
		t.Fatal(err)
	}
	generated := awssim.Generate(awssim.GenerateOptions{Accounts: 24, Seed: 7, Regions: []string{"us-east-1", "eu-west-1"}})
	member := string(generated.Accounts[5].ID)
	tests := []struct {
		name    string
		world   *awssim.World
		regions []string
		faults  []awssim.Fault
		shard   checks.ShardScope
		apart   bool // the organization trail's owner is collected apart
	}{
		{name: "sample organization", world: sample, regions: sample.Regions},
		{name: "generated organization", world: generated, regions: generated.Regions, faults: []awssim.Fault{
			{Account: awssim.AccountID(member), Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: "no role"},
			{Account: generated.Accounts[7].ID, Region: "eu-west-1", Service: "securityhub", Operation: "GetFindings", Code: "AccessDeniedException", Message: "denied"},
			{Account: generated.Accounts[9].ID, Service: "organizations", Operation: "ListTagsForResource", Code: "AccessDeniedException", Message: "denied"},
		}},
		{name: "generated organization, shard without the trail owner", world: generated, regions: generated.Regions, shard: checks.ShardScope{Index: 2, Count: 3}, apart: true},
	}
	engine, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tool := report.Tool{Name: "baseline", Version: "test"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, cfg := awssimtest.StartWorld(t, tt.world)
			for _, f := range tt.faults {
				if err := srv.AddFault(f); err != nil {
					t.Fatal(err)
				}
			}
			rec := &recorder{}
			opts := func() Options {
				return Options{Org: true, AWS: &cfg, Regions: tt.regions, TeamTag: "team", Collection: ModeDirect, Shard: tt.shard,
					Tool: checks.Tool{Name: "baseline", Version: "test"}, Now: awssimtest.Clock, Observer: rec}
			}
			rv := Review{TeamTag: "team"}

			snap, err := Collect(t.Context(), opts())
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := checks.WriteSnapshot(&want, snap); err != nil {
				t.Fatal(err)
			}
			ev, err := Evaluate(t.Context(), engine, policies.DefaultConfig(), snap, EvalOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wantRep, err := BuildReport(snap, ev, tool, awssimtest.Now, rv)
			if err != nil {
				t.Fatal(err)
			}
			errs := 0
			for _, a := range snap.Accounts {
				errs += len(a.Errors)
			}
			if tt.faults != nil && errs == 0 {
				t.Fatal("the faults made no collection error")
			}

			st, err := CollectStreamed(t.Context(), opts())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if st.Head.Accounts != nil {
				t.Errorf("the streamed collection holds %d accounts", len(st.Head.Accounts))
			}
			if st.Errors != errs {
				t.Errorf("streamed collection counts %d errors, the snapshot has %d", st.Errors, errs)
			}
			var got bytes.Buffer
			if err := st.WriteSnapshot(t.Context(), &got); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("streamed snapshot differs from Collect's (%d bytes, want %d):\n%s", got.Len(), want.Len(), firstDifference(got.Bytes(), want.Bytes()))
			}
			gotRep, err := st.Report(t.Context(), engine, policies.DefaultConfig(), EvalOptions{}, tool, awssimtest.Clock, rv)
			if err != nil {
				t.Fatal(err)
			}
			if len(wantRep.Results) == 0 {
				t.Fatal("no results")
			}
			gotJSON, _ := json.MarshalIndent(gotRep, "", " ")
			wantJSON, _ := json.MarshalIndent(wantRep, "", " ")
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("streamed report differs from the whole scan's:\n%s", firstDifference(gotJSON, wantJSON))
			}
			apart := 0
			for _, l := range rec.status {
				if strings.HasPrefix(l, "cloudtrail: reading the organization trails of owner account(s)") {
					apart++
				}
			}
			if want := map[bool]int{true: 2, false: 0}[tt.apart]; apart != want {
				t.Errorf("the trail owner was collected apart %d time(s), want %d: %q", apart, want, rec.status)
			}
			if ExitCode(Verdict{Streamed: st}) != ExitCode(Verdict{Snapshot: snap}) {
				t.Errorf("collect exit code %d, want %d", ExitCode(Verdict{Streamed: st}), ExitCode(Verdict{Snapshot: snap}))
			}
		})
	}
}

// firstDifference shows the lines around the first difference of a and b.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-300)
	return "got:  …" + string(a[from:min(len(a), i+300)]) + "\nwant: …" + string(b[from:min(len(b), i+300)])
}

// TestStreamedScanLeavesNoSpoolFile: the spool file in TMPDIR is gone from
// the directory while the scan reads it (an interrupted scan leaves no
// facts on disk), and its reads still work.
func TestStreamedScanLeavesNoSpoolFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	_, cfg := awssimtest.Start(t, historyWorld)
	st, err := CollectStreamed(t.Context(), Options{Org: true, AWS: &cfg, Regions: []string{"us-east-1"}, Collection: ModeDirect, Now: awssimtest.Clock, Observer: &recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	left := func() []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	if runtime.GOOS != "windows" {
		if names := left(); len(names) > 0 {
			t.Errorf("the spool file is in TMPDIR while the scan runs: %q", names)
		}
	}
	n := 0
	if err := st.Accounts(t.Context(), func(a *checks.AccountFacts) error {
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("read back %d accounts, want 2", n)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if names := left(); len(names) > 0 {
		t.Errorf("files left in TMPDIR: %q", names)
	}
}
