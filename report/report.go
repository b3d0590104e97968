package report

import (
	"encoding/json"
	"time"
)

// SchemaVersion is the version of the JSON report contract. Renaming or
// removing a field, or changing its meaning, bumps it; report.schema.json
// documents it and tests validate real reports against it.
const SchemaVersion = "3.0"

// ReadableSchemaVersions are the report versions ParseReport reads, oldest
// first; an older one is upgraded to SchemaVersion when read (see Upgrade).
var ReadableSchemaVersions = []string{"1.0", "2.0", SchemaVersion}

// Global is the region of account-scoped results.
const Global = "global"

// Status of one result.
type Status string

const (
	StatusPass   Status = "PASS"
	StatusFail   Status = "FAIL"
	StatusError  Status = "ERROR"  // the facts could not be collected
	StatusWaived Status = "WAIVED" // a failing result matched by an unexpired waiver
	// StatusNotApplicable: nothing to judge (no trail homed in the region, no
	// running instance, a plan the region does not offer). Not a pass: it is
	// excluded from the score and from the pass counts.
	StatusNotApplicable Status = "NOT_APPLICABLE"
)

// Severity of a control, from most to least severe.
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

// Severities lists every severity, most severe first.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}

// Rank orders severities: critical is 4, low is 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 4
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 1
	}
	return 0
}

// Report is the baseline report.
type Report struct {
	SchemaVersion string     `json:"schema_version"`
	Tool          Tool       `json:"tool"`
	GeneratedAt   time.Time  `json:"generated_at"`
	Scope         Scope      `json:"scope"`
	Summary       Summary    `json:"summary"`
	Results       []Result   `json:"results"`
	Coverage      []Coverage `json:"coverage"`
	Errors        []Error    `json:"errors"`
	// Waivers lists every waiver of the --waivers file with its state;
	// absent when no waivers file was given. Additive in 1.0.
	Waivers []WaiverStatus `json:"waivers,omitempty"`
	// Diff is what changed since the --previous report; absent without
	// one. Additive in 1.0.
	Diff *Diff `json:"diff,omitempty"`
	// CoverageGaps are the (account, region) cells the Security Hub
	// delegated administrator's finding aggregator did not cover, so they
	// were collected directly; absent when none. Additive in 1.0.
	CoverageGaps []CoverageGap `json:"coverage_gaps,omitempty"`
	// ScanSeconds is the wall time of the scan that produced the report,
	// from the start of discovery to the report, in seconds (millisecond
	// precision); for a merge, the longest shard's. Absent when no scan
	// produced it (evaluate of a saved snapshot). Additive in 2.0.
	ScanSeconds float64 `json:"scan_seconds,omitempty"`
	// History is what the --history reports say: how many were read and
	// each team's trend. Absent without --history. Additive in 3.0.
	History *History `json:"history,omitempty"`
	// Upcoming are the open findings still within their SLA (what falls due
	// next), by due date; absent when none. Not results: never failing,
	// never counted. New in 3.0.
	Upcoming []Upcoming `json:"upcoming,omitempty"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Revision is the VCS commit the program was built from; absent when
	// unknown. Additive in 2.0, as are the fields below.
	Revision string `json:"revision,omitempty"`
	// RevisionTime is the commit's time (RFC 3339); absent when unknown.
	RevisionTime string `json:"revision_time,omitempty"`
	// Modified is true when the build had uncommitted changes; absent
	// otherwise.
	Modified bool `json:"modified,omitempty"`
	// OPAVersion is the version of OPA that evaluated the policies; absent
	// when unknown.
	OPAVersion string `json:"opa_version,omitempty"`
}

// Scope is what the scan covered.
type Scope struct {
	Accounts []string `json:"accounts"`
	Regions  []string `json:"regions"`
	// RegionsMode is "all" (--regions all: Regions is the union of the
	// accounts' enabled regions) or "list" (regions named, or the SDK's
	// region); absent when unknown. Additive in 1.0.
	RegionsMode string `json:"regions_mode,omitempty"`
	// Shard is the --shard K/N the scan covered; absent for a whole scan,
	// including the merge of every shard. Additive in 1.0.
	Shard *Shard `json:"shard,omitempty"`
}

// Shard is shard Index of Count (1 ≤ Index ≤ Count), as in --shard K/N.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// CoverageGap is one (account, region) that delegated-administrator
// collection did not cover, and why; its facts were collected directly.
type CoverageGap struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	// Reason is "not a member" (of the administrator) or "region not
	// linked" (to the finding aggregator).
	Reason string `json:"reason"`
}

// Summary counts results.
type Summary struct {
	Total  int `json:"total"`
	Pass   int `json:"pass"`
	Fail   int `json:"fail"`
	Error  int `json:"error"`
	Waived int `json:"waived"`
	// NotApplicable counts NOT_APPLICABLE results (nothing to judge). New in 2.0.
	NotApplicable int                       `json:"not_applicable"`
	BySeverity    map[Severity]StatusCounts `json:"by_severity"`
	// Score is 100 × (pass + waived) / (total − not_applicable), one decimal;
	// ERROR results count against it because nothing unobserved is passing,
	// NOT_APPLICABLE ones are left out because nothing was judged. 100 when
	// nothing was judged.
	Score float64 `json:"score"`
}

// StatusCounts counts results of one severity by status.
type StatusCounts struct {
	Total         int `json:"total"`
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Error         int `json:"error"`
	Waived        int `json:"waived"`
	NotApplicable int `json:"not_applicable"`
}

// Result is one control's verdict on one account, region and resource.
//
// What a result says about its control (title, service, remediation and
// references) is the same for every result of the control and is held
// once, in Control: a large organization's report holds millions of
// results. Its JSON is the contract's (MarshalJSON): those four fields
// appear in their places, as if they were the result's own.
type Result struct {
	// ID is the result's stable id (see ResultID): the same for one check
	// on one thing in every scan. New in 3.0.
	ID        string `json:"id"`
	ControlID string `json:"control_id"`
	// Control is the control's title, service, remediation and
	// references, shared by its results; nil reads as empty (the
	// accessors Title, Service, Remediation and References).
	Control     *ControlText `json:"-"`
	Severity    Severity     `json:"severity"`
	Status      Status       `json:"status"`
	AccountID   string       `json:"account_id"`
	AccountName string       `json:"account_name"`
	// Region is "global" for account-scoped controls.
	Region   string  `json:"region"`
	Resource string  `json:"resource"`
	Message  string  `json:"message"`
	Waiver   *Waiver `json:"waiver,omitempty"`
	Team     string  `json:"team,omitempty"`
	// FailingSince is when the result began failing without a break, from
	// the --history reports (FAIL and WAIVED results only; absent without
	// --history). Additive in 3.0.
	FailingSince *time.Time `json:"failing_since,omitempty"`
	// Finding is the security finding the result is about; absent for
	// results that are not about one finding. New in 3.0.
	Finding *Finding `json:"finding,omitempty"`
	// Cause is "collection_error" when the result is ERROR because a call
	// it needs failed (denied, throttled, unreachable): such a result is
	// owned by the error owner (--error-owner), not the account's team.
	// Absent otherwise. New in 3.0.
	Cause string `json:"cause,omitempty"`
}

// ControlText is what every result of one control says about it. It is
// shared between results: change a result's by giving it another.
type ControlText struct {
	Title       string
	Service     string
	Remediation string
	References  []string
}

// Title is the control's title.
func (r *Result) Title() string {
	if r.Control == nil {
		return ""
	}
	return r.Control.Title
}

// Service is the control's service.
func (r *Result) Service() string {
	if r.Control == nil {
		return ""
	}
	return r.Control.Service
}

// Remediation is how to fix a failing result of the control.
func (r *Result) Remediation() string {
	if r.Control == nil {
		return ""
	}
	return r.Control.Remediation
}

// References are the control's references (shared: do not modify).
func (r *Result) References() []string {
	if r.Control == nil {
		return nil
	}
	return r.Control.References
}

// EditControl gives r a copy of its control text changed by edit: the
// text is shared with the control's other results.
func (r *Result) EditControl(edit func(*ControlText)) {
	var c ControlText
	if r.Control != nil {
		c = *r.Control
	}
	edit(&c)
	r.Control = &c
}

// resultJSON is a result as the JSON contract has it
// (schema/report.schema.json $defs/result), field for field in its order.
type resultJSON struct {
	ID           string     `json:"id"`
	ControlID    string     `json:"control_id"`
	Title        string     `json:"title"`
	Service      string     `json:"service"`
	Severity     Severity   `json:"severity"`
	Status       Status     `json:"status"`
	AccountID    string     `json:"account_id"`
	AccountName  string     `json:"account_name"`
	Region       string     `json:"region"`
	Resource     string     `json:"resource"`
	Message      string     `json:"message"`
	Remediation  string     `json:"remediation"`
	References   []string   `json:"references"`
	Waiver       *Waiver    `json:"waiver,omitempty"`
	Team         string     `json:"team,omitempty"`
	FailingSince *time.Time `json:"failing_since,omitempty"`
	Finding      *Finding   `json:"finding,omitempty"`
	Cause        string     `json:"cause,omitempty"`
}

// wire is r as the contract writes it: references never null.
func (r *Result) wire() resultJSON {
	refs := r.References()
	if refs == nil {
		refs = []string{}
	}
	return resultJSON{
		ID: r.ID, ControlID: r.ControlID, Title: r.Title(), Service: r.Service(),
		Severity: r.Severity, Status: r.Status, AccountID: r.AccountID, AccountName: r.AccountName,
		Region: r.Region, Resource: r.Resource, Message: r.Message, Remediation: r.Remediation(),
		References: refs, Waiver: r.Waiver, Team: r.Team, FailingSince: r.FailingSince,
		Finding: r.Finding, Cause: r.Cause,
	}
}

// result is the result w stands for, with a control text of its own
// (Report.share makes the report's results share theirs).
func (w *resultJSON) result() Result {
	r := Result{
		ID: w.ID, ControlID: w.ControlID, Severity: w.Severity, Status: w.Status,
		AccountID: w.AccountID, AccountName: w.AccountName, Region: w.Region, Resource: w.Resource,
		Message: w.Message, Waiver: w.Waiver, Team: w.Team, FailingSince: w.FailingSince,
		Finding: w.Finding, Cause: w.Cause,
	}
	if w.Title != "" || w.Service != "" || w.Remediation != "" || w.References != nil {
		r.Control = &ControlText{Title: w.Title, Service: w.Service, Remediation: w.Remediation, References: w.References}
	}
	return r
}

// MarshalJSON writes the result as the contract has it.
func (r Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.wire()) }

// UnmarshalJSON reads a result as the contract has it. (ParseReport
// decodes a report's results without it, so that its errors give their
// place in the whole document.)
func (r *Result) UnmarshalJSON(data []byte) error {
	var w resultJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = w.result()
	return nil
}

// CauseCollectionError is the cause of an ERROR result whose facts could not
// be collected.
const CauseCollectionError = "collection_error"

// Waiver is the waiver that turned a FAIL into WAIVED.
type Waiver struct {
	// ID is the result id the waiver names; absent when it has none. New
	// in 3.0.
	ID      string `json:"id,omitempty"`
	Control string `json:"control"`
	Reason  string `json:"reason"`
	Owner   string `json:"owner"`
	Expires string `json:"expires"` // YYYY-MM-DD
}

// CoverageState says whether a service is on in an account and region.
type CoverageState string

const (
	CoverageEnabled  CoverageState = "enabled"
	CoverageDisabled CoverageState = "disabled"
	CoverageError    CoverageState = "error"
)

// Coverage is one service's state in one account and region.
type Coverage struct {
	AccountID string        `json:"account_id"`
	Region    string        `json:"region"`
	Service   string        `json:"service"`
	State     CoverageState `json:"state"`
}

// Error is a collection error, as recorded in the snapshot.
type Error struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}
