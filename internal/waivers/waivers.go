package waivers

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"

	"github.com/baseline-scanner/baseline/internal/yamlguard"
)

// DateLayout is the layout of expires: a calendar date, YYYY-MM-DD.
const DateLayout = "2006-01-02"

// Waiver accepts the failures of the controls matching Control, in Accounts,
// Regions and resources matching Resource (each empty means any), until the
// end of the day Expires (UTC).
type Waiver struct {
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
	Control  *string  `yaml:"control"`
	Accounts []string `yaml:"accounts"`
	Regions  []string `yaml:"regions"`
	Resource *string  `yaml:"resource"`
	Reason   *string  `yaml:"reason"`
	Owner    *string  `yaml:"owner"`
	Expires  *string  `yaml:"expires"`
}

// Load reads and validates a waivers file.
func Load(path string) ([]Waiver, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	return Parse(path, data)
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// Parse decodes a waivers document, a YAML list of waivers; name is used in
// errors, which are one line: "name:line:column: field: problem".
func Parse(name string, data []byte) (_ []Waiver, err error) {
	if err := yamlguard.Check(name, data); err != nil {
		return nil, err
	}
	defer yamlguard.Recover(name, &err)
	var entries []entry
	if err := yaml.UnmarshalWithOptions(data, &entries, yaml.Strict()); err != nil {
		return nil, yamlError(name, err)
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	out := make([]Waiver, 0, len(entries))
	for i, e := range entries {
		at := func(field string) string { return position(name, file, i, field) }
		fail := func(field, format string, args ...any) error {
			return fmt.Errorf("%s: %s: %s", at(field), field, fmt.Sprintf(format, args...))
		}
		for _, req := range []struct {
			name string
			v    *string
		}{{"control", e.Control}, {"reason", e.Reason}, {"owner", e.Owner}, {"expires", e.Expires}} {
			if req.v == nil {
				return nil, fmt.Errorf("%s: waiver %d has no %s (every waiver needs control, reason, owner and expires)", at(""), i+1, req.name)
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
			Line:     line(file, i),
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
	return w.control.MatchString(r.ControlID) &&
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
			r.Waiver = &report.Waiver{Control: ws[i].Control, Reason: ws[i].Reason, Owner: ws[i].Owner, Expires: states[i].Expires}
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

// yamlError turns a decoder error into one line: name:line:col: message.
func yamlError(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := strings.Join(strings.Fields(ye.GetMessage()), " ")
		if msg == "mapping was used where sequence is expected" {
			msg = "a waivers file is a YAML list of waivers (- control: …), not a mapping"
		}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return fmt.Errorf("%s:%d:%d: %s", name, tk.Position.Line, tk.Position.Column, msg)
		}
		return fmt.Errorf("%s: %s", name, msg)
	}
	return fmt.Errorf("%s: %s", name, strings.Join(strings.Fields(err.Error()), " "))
}

// item is the mapping of the i-th waiver.
func item(file *ast.File, i int) ast.Node {
	if file == nil || len(file.Docs) == 0 {
		return nil
	}
	seq, ok := unwrap(file.Docs[0].Body).(*ast.SequenceNode)
	if !ok || i >= len(seq.Values) {
		return nil
	}
	return unwrap(seq.Values[i])
}

// line is the line of the i-th waiver's first key.
func line(file *ast.File, i int) int {
	n := item(file, i)
	if mv := mappingValues(n); len(mv) > 0 {
		n = mv[0].Key
	}
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// position is name:line:col of the value of field in the i-th waiver
// ("accounts[2]" for a list item), of the waiver itself when field is empty
// or absent, or name alone when the waiver cannot be found.
func position(name string, file *ast.File, i int, field string) string {
	n := item(file, i)
	var target ast.Node
	if mv := mappingValues(n); len(mv) > 0 {
		target = mv[0].Key
	}
	key, index := field, -1
	if j := strings.IndexByte(field, '['); j > 0 {
		key = field[:j]
		fmt.Sscanf(field[j:], "[%d]", &index)
	}
	for _, mv := range mappingValues(n) {
		if k, ok := mv.Key.(ast.ScalarNode); !ok || fmt.Sprint(k.GetValue()) != key || key == "" {
			continue
		}
		target = unwrap(mv.Value)
		if seq, ok := target.(*ast.SequenceNode); ok && index >= 0 && index < len(seq.Values) {
			target = seq.Values[index]
		}
	}
	if target == nil || target.GetToken() == nil || target.GetToken().Position == nil {
		return name
	}
	pos := target.GetToken().Position
	return fmt.Sprintf("%s:%d:%d", name, pos.Line, pos.Column)
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.DocumentNode:
			n = v.Body
		default:
			return n
		}
	}
}

func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}
	}
	return nil
}
