package policies

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/services"
	"github.com/baseline-scanner/baseline/report"
)

// Engine is a compiled set of controls: the built-in ones plus any custom
// policy directories. It is safe for concurrent use.
type Engine struct {
	controls []Control
	compiler *ast.Compiler
	modules  moduleSet
	sources  []source
	services *serviceSet
}

// Evaluation is what evaluating a snapshot produces, sorted: results by
// account, control, region and resource; coverage by account, region and
// service; errors by account, region, service and operation.
type Evaluation struct {
	Results []report.Result
	// Upcoming are the findings within their SLA (status UPCOMING in a
	// control's results): listed, not verdicts.
	Upcoming []report.Result
	Coverage []report.Coverage
	Errors   []report.Error
}

var builtinEngine = sync.OnceValues(func() (*Engine, error) {
	return compile([]source{builtinSource()}, defaultServices())
})

// Builtin returns the engine of the built-in controls, compiled on first use.
func Builtin() (*Engine, error) { return builtinEngine() }

// NewEngine compiles the built-in controls plus the custom controls (and their
// tests and libraries) found under each directory.
func NewEngine(dirs ...string) (*Engine, error) {
	if len(dirs) == 0 {
		return Builtin()
	}
	return NewEngineFor(services.All, dirs...)
}

// NewEngineFor is NewEngine for a scan of the services svcs: their actions
// are the ones a control may require, their facts the input it may read
// (and the input schema it is checked against), and their coverage rules
// give the evaluation's coverage.
func NewEngineFor(svcs []checks.Service, dirs ...string) (*Engine, error) {
	set, err := newServiceSet(svcs)
	if err != nil {
		return nil, err
	}
	sources := []source{builtinSource()}
	for _, dir := range dirs {
		sources = append(sources, dirSource(dir))
	}
	return compile(sources, set)
}

// Evaluate evaluates a snapshot with the built-in controls.
func Evaluate(ctx context.Context, snap *checks.Snapshot, cfg Config) (Evaluation, error) {
	e, err := Builtin()
	if err != nil {
		return Evaluation{}, err
	}
	return e.Evaluate(ctx, snap, cfg)
}

// compile parses, validates and compiles the policy modules of the sources
// once, in strict mode and with the sandbox capabilities. Test modules are
// parsed but compiled only by Test.
func compile(sources []source, set *serviceSet) (*Engine, error) {
	mods, err := loadModules(sources)
	if err != nil {
		return nil, err
	}
	if err := checkPackages(mods); err != nil {
		return nil, err
	}
	compiler := newCompiler(set.schema)
	if compiler.Compile(mods.policies); compiler.Failed() {
		return nil, astError(compiler.Errors)
	}
	controls, err := controlsOf(mods.policies, set.actions)
	if err != nil {
		return nil, err
	}
	for i := range controls {
		c := &controls[i]
		c.text = &report.ControlText{Title: c.Title, Service: c.Service, Remediation: c.Remediation, References: c.References}
	}
	if problems := checkResultTypes(compiler, mods.policies, controls); len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	if problems := checkRequires(compiler, controls, set.sources); len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return &Engine{controls: controls, compiler: compiler, modules: mods, sources: sources, services: set}, nil
}

// newCompiler is the compiler of every policy and test: strict, sandboxed,
// and type-checking input against the input schema (see InputSchema).
func newCompiler(schema *ast.SchemaSet) *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(capabilities()).
		WithStrict(true).
		WithDefaultRegoVersion(ast.RegoV1).
		WithSchemas(schema)
}

// controlsOf reads and validates the metadata of every control module, and
// returns the controls sorted by id.
func controlsOf(modules map[string]*ast.Module, actions []string) ([]Control, error) {
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	sort.Strings(names)

	var problems []string
	var controls []Control
	byID := map[string]string{}     // id → location of its METADATA
	hasResults := map[string]bool{} // package → a module of it defines results
	for _, name := range names {
		if m := modules[name]; isControl(m) && definesResults(m) {
			hasResults[m.Package.Path.String()] = true
		}
	}
	for _, name := range names {
		m := modules[name]
		if !isControl(m) {
			continue
		}
		// A control may be split over several files; the one with the
		// package METADATA defines it.
		if !hasPackageAnnotation(m) && otherFileAnnotates(modules, m) {
			continue
		}
		c, ps := parseControl(m, actions)
		problems = append(problems, ps...)
		if len(ps) > 0 {
			continue
		}
		if prev, ok := byID[c.ID]; ok {
			problems = append(problems, fmt.Sprintf("%s: control %s is already defined at %s", locString(m.Package.Location), c.ID, prev))
			continue
		}
		byID[c.ID] = locString(m.Package.Location)
		if !hasResults[m.Package.Path.String()] {
			problems = append(problems, fmt.Sprintf("%s: control %s defines no results rule", locString(m.Package.Location), c.ID))
			continue
		}
		controls = append(controls, c)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	slices.SortFunc(controls, func(a, b Control) int { return cmp.Compare(a.ID, b.ID) })
	return controls, nil
}

func hasPackageAnnotation(m *ast.Module) bool {
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			return true
		}
	}
	return false
}

func otherFileAnnotates(modules map[string]*ast.Module, m *ast.Module) bool {
	for _, o := range modules {
		if o != m && o.Package.Path.Equal(m.Package.Path) && hasPackageAnnotation(o) {
			return true
		}
	}
	return false
}

// Controls returns the controls, sorted by id.
func (e *Engine) Controls() []Control { return slices.Clone(e.controls) }

// Control returns the control with the id.
func (e *Engine) Control(id string) (Control, bool) {
	i, ok := slices.BinarySearchFunc(e.controls, id, func(c Control, id string) int { return cmp.Compare(c.ID, id) })
	if !ok {
		return Control{}, false
	}
	return e.controls[i], true
}

// EvalOption tunes one Evaluate call.
type EvalOption func(*evaluation)

// EvalTimeout bounds the evaluation of each account's input: a control
// still running after d is stopped and reported ERROR for that account
// (a runaway custom policy must not stall the scan). 0 means no limit.
func EvalTimeout(d time.Duration) EvalOption {
	return func(ev *evaluation) { ev.timeout = d }
}

// EvalMaxMemory bounds how far the heap may grow while controls are
// evaluated (0 means no bound). When the evaluation of all accounts passes
// it, the accounts it stopped are evaluated again one control at a time, each
// watched on its own: a control that alone grows the heap by more than the
// bound is ERROR for that account, naming the bound; the others keep their
// verdicts. Crossing the bound by many accounts at once costs time, not
// verdicts.
func EvalMaxMemory(bytes uint64) EvalOption {
	return func(ev *evaluation) { ev.maxMemory = bytes }
}

// errMemoryLimit is the cause of an evaluation the memory watch stopped.
var errMemoryLimit = errors.New("evaluation memory limit reached")

// watchMemory returns a context that is cancelled with errMemoryLimit once
// the heap has grown by more than limit over its size now, and the function
// that ends the watch. With limit 0 it returns ctx itself.
func watchMemory(ctx context.Context, limit uint64) (context.Context, func()) {
	if limit == 0 {
		return ctx, func() {}
	}
	wctx, cancel := context.WithCancelCause(ctx)
	base := heapBytes()
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-wctx.Done():
				return
			case <-tick.C:
				if heapBytes() > base+limit {
					cancel(errMemoryLimit)
					return
				}
			}
		}
	}()
	return wctx, func() { close(done); cancel(nil) }
}

// heapBytes is the memory held by heap objects, live or not yet swept.
func heapBytes() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// stoppedByMemory reports whether ctx was cancelled by the memory watch
// (and not by its caller, parent).
func stoppedByMemory(ctx, parent context.Context) bool {
	return parent.Err() == nil && errors.Is(context.Cause(ctx), errMemoryLimit)
}

// evaluation is one Evaluate call: the queries prepared with its config.
type evaluation struct {
	timeout   time.Duration // per account and query; 0 for none
	maxMemory uint64        // heap growth allowed; 0 for none
	engine    *Engine
	all       rego.PreparedEvalQuery // every control's results, as an array by control index
	// single are per-control queries, prepared only if the combined query
	// fails at run time, to find which control failed.
	single func() ([]rego.PreparedEvalQuery, error)
}

// Evaluate evaluates every account of the snapshot, concurrently, on one
// prepared query, and applies the central error rule (see applyErrors).
// cfg is DefaultConfig() or the result of LoadConfig; it becomes data.baseline.config.
// It is an Evaluator given every account at once.
func (e *Engine) Evaluate(ctx context.Context, snap *checks.Snapshot, cfg Config, opts ...EvalOption) (Evaluation, error) {
	if snap == nil {
		return Evaluation{}, errors.New("evaluate: no snapshot")
	}
	v, err := e.NewEvaluator(ctx, snap.CollectedAt, cfg, opts...)
	if err != nil {
		return Evaluation{}, err
	}
	if err := v.Add(ctx, snap.Accounts); err != nil {
		return Evaluation{}, err
	}
	return v.Evaluation()
}

func (e *Engine) prepare(ctx context.Context, cfg Config) (*evaluation, error) {
	data, err := cfg.data()
	if err != nil {
		return nil, err
	}
	store := inmem.NewFromObjectWithOpts(map[string]any{"baseline": map[string]any{"config": data}},
		inmem.OptRoundTripOnWrite(false), inmem.OptReturnASTValuesOnRead(true))

	refs := make([]string, len(e.controls))
	for i, c := range e.controls {
		refs[i] = c.pkg.Append(ast.StringTerm("results")).String()
	}
	all, err := e.prepareQuery(ctx, store, "["+strings.Join(refs, ", ")+"]")
	if err != nil {
		return nil, err
	}
	ev := &evaluation{engine: e, all: all}
	ev.single = sync.OnceValues(func() ([]rego.PreparedEvalQuery, error) {
		qs := make([]rego.PreparedEvalQuery, len(refs))
		for i, ref := range refs {
			q, err := e.prepareQuery(context.Background(), store, "["+ref+"]")
			if err != nil {
				return nil, err
			}
			qs[i] = q
		}
		return qs, nil
	})
	return ev, nil
}

func (e *Engine) prepareQuery(ctx context.Context, store storage.Store, query string) (rego.PreparedEvalQuery, error) {
	q, err := rego.New(
		rego.Query(query),
		rego.Compiler(e.compiler),
		rego.Store(store),
		rego.Capabilities(capabilities()),
		rego.Strict(true),
	).PrepareForEval(ctx)
	if err != nil {
		return rego.PreparedEvalQuery{}, fmt.Errorf("prepare policy query: %w", err)
	}
	return q, nil
}

// rawResult is one element of a control's results set.
type rawResult struct {
	Status   string
	Region   string
	Resource string
	Message  string
	Finding  *report.Finding
	invalid  string // why the element does not have the result shape
}

// statusUpcoming marks a finding within its SLA in a control's results: it
// is listed in the report's upcoming findings, never a verdict.
const statusUpcoming = "UPCOMING"

// account evaluates one account's input and applies the error rule.
// With oneByOne, every control is evaluated on its own under its own memory
// watch (see EvalMaxMemory).
func (ev *evaluation) account(ctx context.Context, collectedAt time.Time, acct *checks.AccountFacts, oneByOne bool) ([]report.Result, error) {
	input, err := inputValue(collectedAt, acct)
	if err != nil {
		return nil, err
	}
	controls := ev.engine.controls
	raw := make([][]rawResult, len(controls))
	evalErrs := make([]error, len(controls))

	var sets []any
	err = errMemoryLimit
	if !oneByOne {
		sets, err = ev.eval(ctx, ev.all, input, collectedAt, len(controls))
	}
	if err == nil {
		for i := range controls {
			raw[i] = decodeResults(sets[i])
		}
	} else {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A run-time error in one control (a conflict, say) must not hide
		// the others: evaluate them one by one.
		single, perr := ev.single()
		if perr != nil {
			return nil, perr
		}
		for i := range controls {
			qctx, stopWatch := ctx, func() {}
			if oneByOne {
				qctx, stopWatch = watchMemory(ctx, ev.maxMemory)
			}
			sets, err := ev.eval(qctx, single[i], input, collectedAt, 1)
			byMemory := oneByOne && stoppedByMemory(qctx, ctx)
			stopWatch()
			if err != nil {
				switch {
				case byMemory:
					evalErrs[i] = fmt.Errorf("exceeded the memory limit of %d MiB (--eval-max-memory)", ev.maxMemory>>20)
					runtime.GC()
					continue
				case ctx.Err() != nil:
					return nil, ctx.Err()
				}
				evalErrs[i] = err
				continue
			}
			raw[i] = decodeResults(sets[0])
		}
	}

	var out []report.Result
	for i := range controls {
		out = append(out, applyErrors(&controls[i], acct, raw[i], evalErrs[i])...)
	}
	return out, nil
}

// eval is evalQuery within the evaluation's time limit; a query stopped by
// the limit (not by ctx) returns an error saying so.
func (ev *evaluation) eval(ctx context.Context, q rego.PreparedEvalQuery, input ast.Value, collectedAt time.Time, n int) ([]any, error) {
	if ev.timeout <= 0 {
		return evalQuery(ctx, q, input, collectedAt, n)
	}
	qctx, cancel := context.WithTimeout(ctx, ev.timeout)
	defer cancel()
	sets, err := evalQuery(qctx, q, input, collectedAt, n)
	if err != nil && ctx.Err() == nil && qctx.Err() != nil {
		return nil, fmt.Errorf("exceeded the time limit of %s (--eval-timeout)", ev.timeout)
	}
	return sets, err
}

// evalQuery evaluates q on one account's input. The evaluation time is the
// collection time: built-ins that read "now" (io.jwt.decode_verify's expiry
// check) see collectedAt, so re-evaluating a snapshot gives the same verdicts.
func evalQuery(ctx context.Context, q rego.PreparedEvalQuery, input ast.Value, collectedAt time.Time, n int) ([]any, error) {
	rs, err := q.Eval(ctx, rego.EvalParsedInput(input), rego.EvalTime(collectedAt))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, errors.New("policy query is undefined")
	}
	sets, ok := rs[0].Expressions[0].Value.([]any)
	if !ok || len(sets) != n {
		return nil, fmt.Errorf("policy query returned %T, not %d result sets", rs[0].Expressions[0].Value, n)
	}
	return sets, nil
}

// decodeResults reads a control's results set; a set is returned as a list.
func decodeResults(v any) []rawResult {
	items, ok := v.([]any)
	if !ok {
		return []rawResult{{invalid: fmt.Sprintf("results is a %T, not a set", v)}}
	}
	out := make([]rawResult, 0, len(items))
	for _, item := range items {
		out = append(out, decodeResult(item))
	}
	return out
}

func decodeResult(item any) rawResult {
	obj, ok := item.(map[string]any)
	if !ok {
		return rawResult{invalid: fmt.Sprintf("a result is a %T, not an object", item)}
	}
	var r rawResult
	var problems []string
	field := func(key string) string {
		s, ok := obj[key].(string)
		if !ok {
			problems = append(problems, fmt.Sprintf("%q is not a string", key))
		}
		return s
	}
	r.Status, r.Region, r.Resource, r.Message = field("status"), field("region"), field("resource"), field("message")
	if f, ok := obj["finding"]; ok {
		finding, err := decodeFinding(f)
		if err != nil {
			problems = append(problems, "finding: "+err.Error())
		}
		r.Finding = finding
	}
	switch report.Status(r.Status) {
	case report.StatusPass, report.StatusFail, report.StatusError, report.StatusNotApplicable:
	case statusUpcoming:
		if r.Finding == nil {
			problems = append(problems, "status UPCOMING without a finding")
		}
	default:
		problems = append(problems, fmt.Sprintf("status %q is not PASS, FAIL, ERROR, NOT_APPLICABLE or UPCOMING", r.Status))
	}
	if len(problems) > 0 {
		r.invalid = strings.Join(problems, ", ")
	}
	return r
}

// applyErrors is the central error rule, applied after Rego so that no
// policy can turn a failed collection into PASS. For each cell the control
// covers (each region of the account, or "global" for account scope):
//   - a collection error of an action the control requires, of STS, or of
//     the listing of the account's regions, replaces the cell's results
//     with one ERROR naming the failed calls;
//   - a cell with no result gets an ERROR, so every cell has a verdict;
//   - results for regions outside the account's scope are dropped.
//
// An account with no region in scope (under --regions all, its role could
// not be assumed or its enabled regions could not be listed) observed
// nothing: every control, regional ones included, has the one cell
// "global", ERROR, rather than vanishing from the report.
func applyErrors(c *Control, acct *checks.AccountFacts, raw []rawResult, evalErr error) []report.Result {
	if len(acct.Regions) == 0 {
		res := newResult(c, acct, checks.Global, "", report.StatusError, failedCalls(c, acct, checks.Global))
		if res.Message == "" {
			res.Message = "no region in scope for this account"
		} else {
			res.Cause = report.CauseCollectionError
		}
		return []report.Result{res}
	}
	cells := acct.Regions
	if c.Scope == ScopeAccount {
		cells = []string{checks.Global}
	}
	byCell := make(map[string][]rawResult, len(cells))
	for _, r := range raw {
		if r.Region != "" || r.invalid == "" {
			byCell[r.Region] = append(byCell[r.Region], r)
		}
	}

	var out []report.Result
	for _, cell := range cells {
		if failed := failedCalls(c, acct, cell); failed != "" {
			res := newResult(c, acct, cell, "", report.StatusError, failed)
			res.Cause = report.CauseCollectionError
			out = append(out, res)
			continue
		}
		if evalErr != nil {
			out = append(out, newResult(c, acct, cell, "", report.StatusError, "policy evaluation failed: "+oneLine(evalErr.Error())))
			continue
		}
		rs := byCell[cell]
		if len(rs) == 0 {
			msg := "control produced no result for this region"
			if cell == checks.Global {
				msg = "control produced no result for this account"
			}
			out = append(out, newResult(c, acct, cell, "", report.StatusError, msg))
			continue
		}
		for _, r := range rs {
			if r.invalid != "" {
				out = append(out, newResult(c, acct, cell, r.Resource, report.StatusError, "control returned an invalid result: "+r.invalid))
				continue
			}
			res := newResult(c, acct, cell, r.Resource, report.Status(r.Status), r.Message)
			res.Finding = r.Finding
			out = append(out, res)
		}
	}
	return out
}

// failedCalls describes the collection errors that void a control's cell,
// or returns "" when there are none.
func failedCalls(c *Control, acct *checks.AccountFacts, cell string) string {
	var msgs []string
	for _, e := range acct.Errors {
		// Like failed credentials, regions that could not be listed leave
		// every control unobserved: no region was collected.
		if e.Service != "sts" && e.Action() != checks.ListRegionsAction && !slices.Contains(c.Requires, e.Action()) {
			continue
		}
		if c.Scope != ScopeAccount && e.Region != cell && e.Region != checks.Global {
			continue
		}
		where := ""
		if e.Region != cell && e.Region != checks.Global {
			where = " in " + e.Region
		}
		msg := fmt.Sprintf("%s failed%s: %s: %s", e.Action(), where, e.Code, oneLine(e.Message))
		if !slices.Contains(msgs, msg) {
			msgs = append(msgs, msg)
		}
	}
	return strings.Join(msgs, "; ")
}

func newResult(c *Control, acct *checks.AccountFacts, region, resource string, status report.Status, msg string) report.Result {
	return report.Result{
		ControlID:   c.ID,
		Control:     c.resultText(),
		Severity:    c.Severity,
		Status:      status,
		AccountID:   acct.AccountID,
		AccountName: acct.AccountName,
		Region:      region,
		Resource:    resource,
		Message:     msg,
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func sortResults(rs []report.Result) {
	slices.SortFunc(rs, func(a, b report.Result) int {
		return cmp.Or(
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(a.ControlID, b.ControlID),
			cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Resource, b.Resource),
			cmp.Compare(a.Status, b.Status),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(findingID(a.Finding), findingID(b.Finding)),
		)
	})
}

// flattenErrors are the snapshot's collection errors, sorted (sortErrors).
func flattenErrors(snap *checks.Snapshot) []report.Error {
	out := []report.Error{}
	for _, acct := range snap.Accounts {
		for _, e := range acct.Errors {
			id := e.AccountID
			if id == "" {
				id = acct.AccountID
			}
			out = append(out, report.Error{AccountID: id, Region: e.Region, Service: e.Service, Operation: e.Operation, Code: e.Code, Message: e.Message})
		}
	}
	sortErrors(out)
	return out
}

// sortErrors orders errors by account, region, service and operation,
// keeping the order of equal ones.
func sortErrors(out []report.Error) {
	slices.SortStableFunc(out, func(a, b report.Error) int {
		return cmp.Or(
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Service, b.Service),
			cmp.Compare(a.Operation, b.Operation),
		)
	})
}
