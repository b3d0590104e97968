package waivers

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"

	"github.com/baseline-scanner/baseline/internal/yamlfile"
)

// DateLayout is the layout of expires: a calendar date, YYYY-MM-DD.
const DateLayout = "2006-01-02"

// Waiver accepts the failures of the controls matching Control, in Accounts,
// Regions and resources matching Resource (each empty means any), and, when
// ID is set, only the result with that id (report.ResultID), until the end
// of the day Expires (UTC).
type Waiver struct {
	ID       string
	Control  string
	Accounts []string
	Regions  []string
	Resource string
	Reason   string
	Owner    string
	Expires  time.Time // midnight UTC of the last day the waiver applies
	// Line is where the waiver starts in its file.
	Line int

	control, resource *regexp.Regexp
}

// entry is one waiver as written in the file; pointers tell a missing field
// from an empty one.
type entry struct {
	ID       *string  `yaml:"id"`
	Control  *string  `yaml:"control"`
	Accounts []string `yaml:"accounts"`
	Regions  []string `yaml:"regions"`
	Resource *string  `yaml:"resource"`
	Reason   *string  `yaml:"reason"`
	Owner    *string  `yaml:"owner"`
	Expires  *string  `yaml:"expires"`
}

// Load reads and validates a waivers file.
func Load(ctx context.Context, path string) ([]Waiver, error) {
	data, err := yamlfile.Read(ctx, path, yamlfile.Config)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	return Parse(ctx, path, data)
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

var resultID = regexp.MustCompile(`^[0-9a-f]{16}$`)

// Parse decodes a waivers document, a YAML list of waivers; name is used in
// errors, which are one line: "name:line:column: field: problem".
func Parse(ctx context.Context, name string, data []byte) ([]Waiver, error) {
	doc, err := yamlfile.Parse(ctx, name, data, yamlfile.Config)
	if err != nil {
		return nil, err
	}
	if doc.Body != nil {
		if _, ok := doc.Resolve(doc.Body).(*ast.SequenceNode); !ok {
			return nil, doc.Errorf(doc.Body, "a waivers file is a YAML list of waivers (- control: …), not a mapping")
		}
	}
	var entries []entry
	if err := doc.Decode(ctx, &entries); err != nil {
		return nil, err
	}
	out := make([]Waiver, 0, len(entries))
	for i, e := range entries {
		fail := func(field, format string, args ...any) error {
			return doc.Errorf(fieldNode(doc, i, field), "%s: %s", field, fmt.Sprintf(format, args...))
		}
		for _, req := range []struct {
			name string
			v    *string
		}{{"control", e.Control}, {"reason", e.Reason}, {"owner", e.Owner}, {"expires", e.Expires}} {
			if req.v == nil {
				return nil, doc.Errorf(doc.Locate(i), "waiver %d has no %s (every waiver needs control, reason, owner and expires)", i+1, req.name)
			}
			if strings.TrimSpace(*req.v) == "" {
				return nil, fail(req.name, "must not be empty")
			}
		}
		w := Waiver{
			Control:  *e.Control,
			Accounts: e.Accounts,
			Regions:  e.Regions,
			Reason:   *e.Reason,
			Owner:    *e.Owner,
			Line:     line(doc.Locate(i)),
		}
		if e.ID != nil {
			if !resultID.MatchString(*e.ID) {
				return nil, fail("id", "%q is not a result id (16 lowercase hex digits, results[].id of a report)", *e.ID)
			}
			w.ID = *e.ID
		}
		if w.control, err = compileGlob(w.Control); err != nil {
			return nil, fail("control", "%q is not a valid glob: %v", w.Control, err)
		}
		if e.Resource != nil {
			w.Resource = *e.Resource
			if w.resource, err = compileGlob(w.Resource); err != nil {
				return nil, fail("resource", "%q is not a valid glob: %v", w.Resource, err)
			}
		}
		for j, a := range w.Accounts {
			if !accountID.MatchString(a) {
				return nil, fail(fmt.Sprintf("accounts[%d]", j), "%q is not a 12-digit AWS account id", a)
			}
		}
		for j, r := range w.Regions {
			if r != checks.Global && !slices.Contains(checks.KnownRegions, r) {
				return nil, fail(fmt.Sprintf("regions[%d]", j), "%q is not an AWS region or %q", r, checks.Global)
			}
		}
		if w.Expires, err = time.Parse(DateLayout, *e.Expires); err != nil {
			return nil, fail("expires", "%q is not a date (YYYY-MM-DD)", *e.Expires)
		}
		out = append(out, w)
	}
	return out, nil
}

// Matches reports whether the waiver covers a result, whatever its status
// and the date.
func (w *Waiver) Matches(r *report.Result) bool {
	if w.control == nil { // built in code rather than parsed
		if re, err := compileGlob(w.Control); err == nil {
			w.control = re
		} else {
			return false
		}
	}
	if w.Resource != "" && w.resource == nil {
		if re, err := compileGlob(w.Resource); err == nil {
			w.resource = re
		} else {
			return false
		}
	}
	return (w.ID == "" || w.ID == r.StableID()) &&
		w.control.MatchString(r.ControlID) &&
		(len(w.Accounts) == 0 || slices.Contains(w.Accounts, r.AccountID)) &&
		(len(w.Regions) == 0 || slices.Contains(w.Regions, r.Region)) &&
		(w.resource == nil || w.resource.MatchString(r.Resource))
}

// DaysLeft is the number of whole days from now's date (UTC) to the expiry
// date: 0 on the last day the waiver applies, negative once it has expired.
func (w *Waiver) DaysLeft(now time.Time) int {
	return report.DaysUntil(w.Expires, now)
}

// Apply turns every FAIL result matched by an unexpired waiver into WAIVED
// and attaches the waiver; the first matching waiver in file order wins.
// PASS and ERROR results are never touched: a waiver accepts a known
// failure, it cannot vouch for what was not observed. It returns the state
// of every waiver, in file order. now is the report time, against which
// expiry is judged; the caller recomputes the summary.
func Apply(results []report.Result, ws []Waiver, now time.Time) []report.WaiverStatus {
	states := make([]report.WaiverStatus, len(ws))
	for i := range ws {
		w := &ws[i]
		states[i] = report.WaiverStatus{
			ID:       w.ID,
			Control:  w.Control,
			Accounts: slices.Clone(w.Accounts),
			Regions:  slices.Clone(w.Regions),
			Resource: w.Resource,
			Reason:   w.Reason,
			Owner:    w.Owner,
			Expires:  w.Expires.Format(DateLayout),
			DaysLeft: w.DaysLeft(now),
		}
	}
	for k := range results {
		r := &results[k]
		if r.Status != report.StatusFail {
			continue
		}
		for i := range ws {
			if states[i].DaysLeft < 0 || !ws[i].Matches(r) {
				continue
			}
			r.Status = report.StatusWaived
			r.Waiver = &report.Waiver{ID: ws[i].ID, Control: ws[i].Control, Reason: ws[i].Reason, Owner: ws[i].Owner, Expires: states[i].Expires}
			states[i].Matched++
			break
		}
	}
	for i := range states {
		s := &states[i]
		switch {
		case s.DaysLeft < 0:
			s.State = report.WaiverExpired
		case s.Matched == 0:
			s.State = report.WaiverUnused
		case s.DaysLeft <= report.ExpiringWithinDays:
			s.State = report.WaiverExpiring
		default:
			s.State = report.WaiverActive
		}
	}
	return states
}

// fieldNode is the value of field in the i-th waiver ("accounts[2]" for a
// list item), or the waiver itself when field is absent.
func fieldNode(doc *yamlfile.Document, i int, field string) ast.Node {
	path := []any{i, field}
	if j := strings.IndexByte(field, '['); j > 0 {
		var index int
		fmt.Sscanf(field[j:], "[%d]", &index)
		path = []any{i, field[:j], index}
	}
	n := doc.Value(path...)
	if a, ok := n.(*ast.AnchorNode); ok {
		n = a.Value
	}
	if n != nil {
		return n
	}
	return doc.Locate(i)
}

// line is the line of n, 0 when it has no position.
func line(n ast.Node) int {
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return 0
	}
	return n.GetToken().Position.Line
}
