package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// A scan of a large organization does not hold it: CollectStreamed writes
// each account to a spool file (in os.TempDir) as soon as its collections
// are done, keeping only what joining the accounts needs (team tags, each
// account's own trails and STS/CloudTrail errors: cloudtrail.OwnerFacts).
// Its readers then take the accounts one at a time, in the order Collect
// would list them, joined as Collect joins them: the snapshot file
// (WriteSnapshot, byte for byte Collect's), and the evaluation and report
// (Report, equal to Evaluate and BuildReport on Collect's snapshot).
// Memory holds the accounts being collected and the few being evaluated,
// not the organization.

// Streamed is a collection whose accounts wait in a spool file.
type Streamed struct {
	// Head is the snapshot without its accounts (Accounts is nil): schema
	// version, tool, collected_at, scope and coverage gaps.
	Head *checks.Snapshot
	// Errors counts the collection errors of every account.
	Errors int

	sp   *spooler
	tags map[string]*checks.Target // the team tag reads, by account id
}

// CollectStreamed collects as Collect does, keeping the accounts in a
// spool file instead of memory. Close removes the file.
func CollectStreamed(ctx context.Context, o Options) (*Streamed, error) {
	f, err := os.CreateTemp("", "baseline-accounts-*.spool")
	if err != nil {
		return nil, fmt.Errorf("collect: spool file: %w", err)
	}
	sp := &spooler{f: f}
	// Unlinked at once where an open file outlives its name, so that an
	// interrupted scan leaves no facts behind on disk.
	if runtime.GOOS != "windows" && os.Remove(f.Name()) == nil {
		sp.unlinked = true
	}
	head, tags, err := collect(ctx, o, sp)
	if err != nil {
		_ = sp.close()
		return nil, err
	}
	s := &Streamed{Head: head, Errors: sp.errors, sp: sp}
	if tags != nil {
		s.tags = make(map[string]*checks.Target, len(tags))
		for i := range tags {
			s.tags[tags[i].AccountID] = &tags[i]
			s.Errors += len(tags[i].Errors)
		}
	}
	return s, nil
}

// Close removes the spool file.
func (s *Streamed) Close() error { return s.sp.close() }

// Accounts calls fn with every account, in the order of Collect's
// snapshot, joined as Collect joins them (team tags, organization trail
// owners' facts). The account is fn's to keep or change.
func (s *Streamed) Accounts(ctx context.Context, fn func(*checks.AccountFacts) error) error {
	owner := func(id string) *checks.AccountFacts {
		if f, ok := s.sp.owners[id]; ok {
			return &f
		}
		return nil
	}
	scanned := func(id string) bool { return s.sp.selected[id] }
	var buf []byte
	for i, sp := range s.sp.byID() {
		if err := ctx.Err(); err != nil {
			return err
		}
		buf = slices.Grow(buf[:0], sp.n)[:sp.n]
		if _, err := s.sp.f.ReadAt(buf, sp.off); err != nil {
			return fmt.Errorf("read spooled account %d: %w", i, err)
		}
		a, err := checks.DecodeAccount(buf)
		if err != nil {
			return fmt.Errorf("read spooled account %d: %w", i, err)
		}
		if t, ok := s.tags[a.AccountID]; ok {
			checks.JoinTeam(&a, t)
		}
		cloudtrail.JoinAccountOwnerFacts(&a, owner, scanned)
		if err := fn(&a); err != nil {
			return err
		}
	}
	return nil
}

// WriteSnapshot writes the snapshot: the bytes checks.WriteSnapshot writes
// for Collect's.
func (s *Streamed) WriteSnapshot(ctx context.Context, w io.Writer) error {
	sw, err := checks.NewSnapshotWriter(w, s.Head)
	if err != nil {
		return err
	}
	if err := s.Accounts(ctx, sw.Account); err != nil {
		return err
	}
	return sw.Close()
}

// evalGroup is how many accounts are evaluated at once per CPU.
const evalGroup = 4

// Report evaluates every account with engine and cfg and builds the
// report, as Evaluate and BuildReport do with Collect's snapshot; now is
// read once, after the evaluation, for the report's time.
func (s *Streamed) Report(ctx context.Context, engine *policies.Engine, cfg policies.Config, eo EvalOptions, tool report.Tool, now func() time.Time, rv Review) (*report.Report, error) {
	v, err := engine.NewEvaluator(ctx, s.Head.CollectedAt, cfg, policies.EvalTimeout(eo.Timeout), policies.EvalMaxMemory(eo.MaxMemory))
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	// The results wait on disk, not in memory, until the report is built
	// from them (policies.Evaluator.Spill), in a file removed at once where
	// an open file outlives its name.
	spill, err := os.CreateTemp("", "baseline-results-*.spool")
	if err != nil {
		return nil, fmt.Errorf("evaluate: spill file: %w", err)
	}
	unlinked := runtime.GOOS != "windows" && os.Remove(spill.Name()) == nil
	defer func() {
		_ = spill.Close()
		if !unlinked {
			_ = os.Remove(spill.Name())
		}
	}()
	v.Spill(spill)
	facts := newReportFacts(s.Head, rv.TeamTag)
	group := make([]checks.AccountFacts, 0, evalGroup*runtime.GOMAXPROCS(0))
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		if err := v.Add(ctx, group); err != nil {
			return fmt.Errorf("evaluate: %w", err)
		}
		clear(group) // the evaluated facts are not kept
		group = group[:0]
		return nil
	}
	err = s.Accounts(ctx, func(a *checks.AccountFacts) error {
		facts.add(a)
		group = append(group, *a)
		if len(group) < cap(group) {
			return nil
		}
		return flush()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, err
	}
	// The evaluation's garbage is given back before the results are built:
	// they are one allocation the size of the report, which the freed pages
	// of the evaluation, scattered among what it keeps, cannot hold, so
	// that a process otherwise peaks at both.
	debug.FreeOSMemory()
	ev, err := v.Evaluation()
	if err != nil {
		return nil, err
	}
	return buildReport(facts, ev, tool, now(), rv)
}

// span is one account's bytes in the spool file.
type span struct {
	id  string
	off int64
	n   int
}

// spooler receives the accounts of a collection (checks.CollectOptions.Sink).
type spooler struct {
	f        *os.File
	unlinked bool            // f's name is already removed
	selected map[string]bool // every account the scan selected, whatever the shard

	mu      sync.Mutex
	off     int64
	spans   []span                         // in the order the accounts finished
	inScan  map[string]bool                // the targets' account ids
	owners  map[string]checks.AccountFacts // cloudtrail.OwnerFacts of every account
	foreign map[string]bool                // owners of trails accounts see but do not own
	errors  int
	err     error
}

// start readies the spooler for a collection of targets.
func (sp *spooler) start(targets []checks.Target, selected map[string]bool) {
	sp.selected = selected
	sp.inScan = make(map[string]bool, len(targets))
	sp.owners = make(map[string]checks.AccountFacts, len(targets))
	sp.foreign = map[string]bool{}
}

// byID is the spooled accounts in the order of Collect's snapshot.
func (sp *spooler) byID() []span {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	slices.SortFunc(sp.spans, func(a, b span) int { return strings.Compare(a.id, b.id) })
	return sp.spans
}

// add writes an account to the spool file.
func (sp *spooler) add(_ int, a *checks.AccountFacts) {
	data, err := checks.EncodeAccount(a)
	owner := cloudtrail.OwnerFacts(a)
	foreign := cloudtrail.ForeignOwners(a)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.err != nil {
		return
	}
	if err == nil {
		_, err = sp.f.WriteAt(data, sp.off)
	}
	if err != nil {
		sp.err = fmt.Errorf("collect: spool account %s: %w", a.AccountID, err)
		return
	}
	sp.spans = append(sp.spans, span{a.AccountID, sp.off, len(data)})
	sp.inScan[a.AccountID] = true
	sp.off += int64(len(data))
	sp.owners[a.AccountID] = owner
	for _, o := range foreign {
		sp.foreign[o] = true
	}
	sp.errors += len(a.Errors)
}

// failed is the first error of add.
func (sp *spooler) failed() error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return sp.err
}

// missingOwners are the owners of trails the accounts see that are not
// among them, sorted (cloudtrail.MissingOwners of Collect's snapshot).
func (sp *spooler) missingOwners() []string {
	var out []string
	for o := range sp.foreign {
		if !sp.inScan[o] {
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return out
}

// addOwners keeps the owner facts of accounts collected apart.
func (sp *spooler) addOwners(owners []checks.AccountFacts) {
	for i := range owners {
		sp.owners[owners[i].AccountID] = cloudtrail.OwnerFacts(&owners[i])
	}
}

func (sp *spooler) close() error {
	if sp.f == nil {
		return nil
	}
	err := sp.f.Close()
	if !sp.unlinked {
		err = errors.Join(err, os.Remove(sp.f.Name()))
	}
	sp.f = nil
	return err
}
