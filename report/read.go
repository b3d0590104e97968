package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// ReadReport loads a JSON report written by `--format json`, e.g. the
// previous scan to diff against. Errors are one line naming the file: not
// JSON (with line and column), not a baseline report, or a schema version
// this program does not read.
func ReadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	return ParseReport(path, data)
}

// ParseReport decodes a JSON report; name is used in errors. Unknown fields
// are ignored, so a report with additive fields of a later 1.x still reads.
func ParseReport(name string, data []byte) (*Report, error) {
	var probe struct {
		SchemaVersion *string `json:"schema_version"`
		Results       present `json:"results"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, reportJSONError(name, data, err)
	}
	if probe.SchemaVersion == nil || !probe.Results {
		return nil, fmt.Errorf("%s: not a baseline report: no schema_version and results (write one with --format json)", name)
	}
	if !slices.Contains(ReadableSchemaVersions, *probe.SchemaVersion) {
		return nil, fmt.Errorf("%s: report schema_version %q is not supported (this baseline reads %s)", name, *probe.SchemaVersion, strings.Join(ReadableSchemaVersions, ", "))
	}
	// The results are decoded in their contract's form, not through
	// Result.UnmarshalJSON, so that an error in one gives its line and
	// column in the whole document.
	var wire struct {
		Report
		Results []resultJSON `json:"results"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&wire); err != nil {
		return nil, reportJSONError(name, data, err)
	}
	r := wire.Report
	r.Results = make([]Result, len(wire.Results))
	for i := range wire.Results {
		r.Results[i] = wire.Results[i].result()
		wire.Results[i] = resultJSON{}
	}
	wire.Results = nil
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r.share()
	r.Upgrade()
	return &r, nil
}

// present records that a field is there (and not null) without keeping
// its value.
type present bool

// UnmarshalJSON implements json.Unmarshaler.
func (p *present) UnmarshalJSON(data []byte) error {
	*p = string(data) != "null"
	return nil
}

// share makes the strings that repeat across r's results one copy each:
// decoding gives every result its own copy of its control's title,
// remediation and references, its account's id and name, its region and
// status, and a report read for a diff, a merge or the history is held
// whole while it is compared.
func (r *Report) share() {
	strs := map[string]string{}
	one := func(s *string) {
		if c, ok := strs[*s]; ok {
			*s = c
			return
		}
		strs[*s] = *s
	}
	texts := map[controlTextKey]*ControlText{}
	for i := range r.Results {
		res := &r.Results[i]
		for _, s := range []*string{&res.ControlID, (*string)(&res.Severity), (*string)(&res.Status),
			&res.AccountID, &res.AccountName, &res.Region, &res.Message, &res.Team, &res.Cause} {
			one(s)
		}
		if c := res.Control; c != nil {
			key := controlTextKey{c.Title, c.Service, c.Remediation, strings.Join(c.References, "\x00"), c.References == nil}
			if shared, ok := texts[key]; ok && slices.Equal(shared.References, c.References) {
				res.Control = shared
			} else {
				for _, s := range []*string{&c.Title, &c.Service, &c.Remediation} {
					one(s)
				}
				for j := range c.References {
					one(&c.References[j])
				}
				texts[key] = c
			}
		}
		if f := res.Finding; f != nil {
			for _, s := range []*string{&f.Title, &f.Product, &f.ControlID, &f.Severity, &f.FirstObservedAt, &f.SLADue} {
				one(s)
			}
		}
		if w := res.Waiver; w != nil {
			for _, s := range []*string{&w.Control, &w.Reason, &w.Owner, &w.Expires} {
				one(s)
			}
		}
	}
}

// controlTextKey is a control text's content: its references joined by
// NUL, and whether they are absent.
type controlTextKey struct {
	title, service, remediation, refs string
	noRefs                            bool
}

// validStatuses are the statuses a report may hold.
var validStatuses = []Status{StatusPass, StatusFail, StatusError, StatusWaived, StatusNotApplicable}

// check rejects a report that decodes but cannot be compared: a result
// with a status this program does not know, or without the fields that
// identify it. A diff against it would call its results fixed or new
// wrongly, so it is an error, not a guess.
func (r *Report) check() error {
	for i, res := range r.Results {
		switch {
		case !slices.Contains(validStatuses, res.Status):
			return fmt.Errorf("results[%d] (%s, %s): status %q is not one of PASS, FAIL, ERROR, WAIVED, NOT_APPLICABLE", i, res.ControlID, res.AccountID, res.Status)
		case res.ControlID == "":
			return fmt.Errorf("results[%d]: control_id is missing", i)
		case res.AccountID == "":
			return fmt.Errorf("results[%d] (%s): account_id is missing", i, res.ControlID)
		case res.Region == "":
			return fmt.Errorf("results[%d] (%s, %s): region is missing", i, res.ControlID, res.AccountID)
		}
	}
	return nil
}

// Upgrade brings a report read from an older schema version to
// SchemaVersion, so that diff, merge and --previous compare like with like.
// 1.0 → 2.0: 2.0 adds the NOT_APPLICABLE status, summary.not_applicable and
// a score that leaves NOT_APPLICABLE out; a 1.0 report has no such result, so
// its results stand as they are and only its summary is recomputed. (Its
// vacuous PASS results, e.g. "no trails in this region", are not rewritten:
// they show as NOT_APPLICABLE now, which the diff does not count as a change
// of a failure.)
//
// 2.0 → 3.0: 3.0 adds the result id (ResultID) and finding-level results;
// the ids of an older report are computed from its fields, so that its
// results compare with the same results now. (Its findings controls have one
// result per region, which a 3.0 report replaces by one per finding: the
// diff shows those as fixed and new once.)
func (r *Report) Upgrade() {
	if r.SchemaVersion == SchemaVersion {
		return
	}
	r.SchemaVersion = SchemaVersion
	AssignIDs(r.Results)
	r.Summary = Summarize(r.Results)
}

func reportJSONError(name string, data []byte, err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := reportLineCol(data, max(syntax.Offset-1, 0))
		return fmt.Errorf("%s:%d:%d: invalid JSON: %v", name, line, col, syntax)
	case errors.As(err, &typeErr):
		line, col := reportLineCol(data, typeErr.Offset)
		// Named as the document has them: not the reader's embedding of
		// Report, not the contract form its results are decoded into.
		field := strings.TrimPrefix(typeErr.Field, "Report.")
		want := strings.ReplaceAll(typeErr.Type.String(), "report.resultJSON", "report.Result")
		return fmt.Errorf("%s:%d:%d: not a baseline report: %s is %s, want %s", name, line, col, field, typeErr.Value, want)
	}
	return fmt.Errorf("%s: not a baseline report: %v", name, err)
}

// reportLineCol converts a byte offset into a 1-based line and column.
func reportLineCol(data []byte, offset int64) (line, col int) {
	offset = min(offset, int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
