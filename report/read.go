package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// ReadReport loads a JSON report written by `--format json`, e.g. the
// previous scan to diff against. Errors are one line naming the file: not
// JSON (with line and column), not a baseline report, or a schema version
// this program does not read. The file is decoded as it is read, one
// result at a time: a merged organization's report is gigabytes of JSON,
// and neither its bytes nor its results' decoded JSON form are ever held
// whole.
func ReadReport(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	if !fi.Mode().IsRegular() {
		// A pipe or a device cannot be read again to place an error (a
		// FIFO would wait for ever): read whole, as it was before.
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, fmt.Errorf("read report: %w", err)
		}
		return ParseReport(path, data)
	}
	return decodeReport(path, bufio.NewReaderSize(f, 1<<16), source{
		size:  fi.Size(),
		at:    func(offset int64) (int, int) { return fileLineCol(path, offset) },
		whole: func() ([]byte, error) { return os.ReadFile(path) },
	})
}

// ParseReport decodes a JSON report; name is used in errors. Unknown fields
// are ignored, so a report with additive fields of a later 1.x still reads.
func ParseReport(name string, data []byte) (*Report, error) {
	return decodeReport(name, bytes.NewReader(data), source{
		size:  int64(len(data)),
		at:    func(offset int64) (int, int) { return reportLineCol(data, offset) },
		whole: func() ([]byte, error) { return data, nil },
	})
}

// source is what is known of a report's document: its size in bytes (0:
// unknown) and where its errors are: at gives the line and column of a byte
// offset; whole gives the whole document again, read only to place a
// syntax error (json.Decoder gives the offsets of some relative to the
// value it was reading).
type source struct {
	size  int64
	at    func(int64) (int, int)
	whole func() ([]byte, error)
}

// errNotReport is a JSON document that is not a baseline report: no
// schema_version (a string) and results, or not an object. --history
// leaves such files out; a report that does not read is an error.
var errNotReport = errors.New("not a baseline report")

// resultDecoded, when set (tests), runs after each result is decoded.
var resultDecoded func()

// minResultBytes is the least JSON a result takes (its control_id,
// account_id, region and status): what a document's size says of how many
// results it can hold, so that its summary.total reserves no more.
const minResultBytes = 64

// decodeReport decodes a report from in, in the order json.Unmarshal of
// the whole document would judge it: not JSON, then not a report (no
// schema_version and results, as encoding/json matches member names,
// ignoring case), then a schema version this program does not read, then
// the first value of the wrong type in the document. Results are decoded as
// they stream, each into its contract's form and then into a Result
// sharing the strings that repeat (sharer); the other top-level members are
// kept as raw JSON and decoded, in the document's order, once it has been
// read. src places errors.
func decodeReport(name string, in io.Reader, src source) (*Report, error) {
	dec := json.NewDecoder(in)
	dec.UseNumber() // a number token is never a decoding error
	fail := func(err error) error { return decodeError(name, src, err) }
	tok, err := dec.Token()
	if err != nil {
		return nil, fail(err)
	}
	if tok != json.Delim('{') {
		line, col := src.at(dec.InputOffset())
		if err := skipValue(dec, tok); err != nil {
			return nil, fail(err)
		}
		if err := skipRest(dec); err != nil {
			return nil, fail(err)
		}
		return nil, fmt.Errorf("%s:%d:%d: %w: the document is %s, want an object", name, line, col, errNotReport, jsonKind(tok))
	}
	var (
		members      []rawMember // but results, in the document's order
		results      []Result
		haveResults  bool  // results is there and not null
		resultsErr   error // the first value of the wrong type in results
		resultsStart int64 // where that value is
		share        sharer
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		key, _ := tok.(string)
		if !strings.EqualFold(key, "results") {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, fail(err)
			}
			members = append(members, rawMember{key, raw, dec.InputOffset() - int64(len(raw))})
			continue
		}
		// A later results replaces an earlier one.
		results, haveResults, resultsErr = nil, false, nil
		start := dec.InputOffset()
		tok, err = dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		if tok == nil {
			continue // null: no results
		}
		haveResults = true
		if tok != json.Delim('[') {
			resultsErr = &kindError{path: "results", kind: jsonKind(tok), want: "[]report.Result", offset: dec.InputOffset()}
			resultsStart = start
			if err := skipValue(dec, tok); err != nil {
				return nil, fail(err)
			}
			continue
		}
		results = make([]Result, 0, resultsHint(members, src.size))
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, fail(err)
			}
			if resultsErr != nil {
				continue // the document is still read to its end: it may not be JSON
			}
			var w resultJSON
			at := dec.InputOffset() - int64(len(raw))
			if err := json.Unmarshal(raw, &w); err != nil {
				resultsErr, resultsStart = atOffset(err, "results", at), at
				continue
			}
			results = append(results, w.result())
			share.result(&results[len(results)-1])
			if resultDecoded != nil {
				resultDecoded()
			}
		}
		if _, err := dec.Token(); err != nil { // ]
			return nil, fail(err)
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return nil, fail(err)
	}
	if err := skipRest(dec); err != nil {
		return nil, fail(err)
	}

	// What json.Unmarshal of a probe for schema_version and results said.
	var version *string
	for _, m := range members {
		if strings.EqualFold(m.key, "schema_version") {
			var v *string
			if err := json.Unmarshal(m.raw, &v); err != nil {
				err := atOffset(err, m.key, m.start)
				if placed, ok := err.(*offsetError); ok {
					placed.notReport = true // no schema_version a report has
				}
				return nil, fail(err)
			}
			version = v
		}
	}
	if version == nil || !haveResults {
		return nil, fmt.Errorf("%s: %w: no schema_version and results (write one with --format json)", name, errNotReport)
	}
	if !slices.Contains(ReadableSchemaVersions, *version) {
		return nil, fmt.Errorf("%s: report schema_version %q is not supported (this baseline reads %s)", name, *version, strings.Join(ReadableSchemaVersions, ", "))
	}
	// The members, in order, each as the one member of an object so that
	// a type error names it by its path; the first error in the document
	// is the one said, results' among them.
	var r Report
	for _, m := range members {
		if resultsErr != nil && m.start > resultsStart {
			break
		}
		key, err := json.Marshal(m.key)
		if err != nil {
			return nil, fail(err)
		}
		doc := append(append(append(append([]byte(`{`), key...), ':'), m.raw...), '}')
		prefix := int64(len(doc) - len(m.raw) - 1)
		if err := json.Unmarshal(doc, &r); err != nil {
			return nil, fail(atOffset(err, "", m.start-prefix))
		}
	}
	if resultsErr != nil {
		return nil, fail(resultsErr)
	}
	r.Results = results
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r.Upgrade()
	return &r, nil
}

// rawMember is a top-level member of a report but its results, as read:
// its name, its JSON and where that starts in the document.
type rawMember struct {
	key   string
	raw   json.RawMessage
	start int64
}

// resultsHint is the capacity to reserve for results: the total of the
// last summary before them, as far as a document of size bytes could hold
// that many (minResultBytes).
func resultsHint(members []rawMember, size int64) int {
	for i := len(members) - 1; i >= 0; i-- {
		if strings.EqualFold(members[i].key, "summary") {
			var sum struct{ Total int64 }
			if json.Unmarshal(members[i].raw, &sum) != nil || sum.Total <= 0 {
				return 0
			}
			return int(min(sum.Total, size/minResultBytes))
		}
	}
	return 0
}

// skipValue reads the rest of the value whose first token was tok.
func skipValue(dec *json.Decoder, tok json.Token) error {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// kindError is a value of the wrong JSON kind where the reader streams
// (the document, results): what encoding/json would call a type error at
// offset.
type kindError struct {
	path, kind, want string
	offset           int64
}

func (e *kindError) Error() string {
	return fmt.Sprintf("%s is %s, want %s", e.path, e.kind, e.want)
}

// skipRest reads what follows the document: nothing but white space.
func skipRest(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return &json.SyntaxError{Offset: dec.InputOffset()}
		}
		return err
	}
	return nil
}

// jsonKind names the JSON type of a token, as encoding/json's type errors do.
func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		if tok == json.Delim('[') {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return "number"
}

// offsetError is a type error of a value that starts at a byte offset of
// the document, under a path.
type offsetError struct {
	err       *json.UnmarshalTypeError
	path      string
	start     int64
	notReport bool // the error says the document is not a report (errNotReport)
}

func (e *offsetError) Error() string { return e.err.Error() }

// atOffset places a type error of a value decoded on its own at the
// offset where it starts in the document, under path.
func atOffset(err error, path string, start int64) error {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err
	}
	return &offsetError{err: typeErr, path: path, start: start}
}

// decodeError is err as one line naming the document, with the line and
// column where it is.
func decodeError(name string, src source, err error) error {
	var syntax *json.SyntaxError
	var placed *offsetError
	var kind *kindError
	switch {
	case errors.As(err, &kind):
		line, col := src.at(kind.offset)
		return fmt.Errorf("%s:%d:%d: not a baseline report: %v", name, line, col, kind)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntax):
		// Not JSON: json.Unmarshal of the whole document says where, as
		// it said before reports were streamed.
		data, rerr := src.whole()
		if rerr != nil {
			return fmt.Errorf("%s: %w", name, rerr)
		}
		if !errors.As(json.Unmarshal(data, new(any)), &syntax) {
			return fmt.Errorf("%s: invalid JSON: %v", name, err)
		}
		line, col := reportLineCol(data, max(syntax.Offset-1, 0))
		return fmt.Errorf("%s:%d:%d: invalid JSON: %v", name, line, col, syntax)
	case errors.As(err, &placed):
		line, col := src.at(placed.start + placed.err.Offset)
		// Named as the document has them: not the contract form results
		// are decoded into.
		field := placed.err.Field
		if placed.path != "" {
			field = strings.TrimSuffix(placed.path+"."+field, ".")
		}
		want := strings.ReplaceAll(placed.err.Type.String(), "report.resultJSON", "report.Result")
		err := fmt.Errorf("%s:%d:%d: not a baseline report: %s is %s, want %s", name, line, col, field, placed.err.Value, want)
		if placed.notReport {
			err = fmt.Errorf("%s:%d:%d: %w: %s is %s, want %s", name, line, col, errNotReport, field, placed.err.Value, want)
		}
		return err
	}
	return fmt.Errorf("%s: not a baseline report: %v", name, err)
}

// fileLineCol is reportLineCol of the file at path, read again up to the
// offset (only for an error).
func fileLineCol(path string, offset int64) (int, int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	// Counted as it is read: the offset may be gigabytes in.
	line, lastNL, pos := 1, int64(-1), int64(0)
	buf := make([]byte, 1<<16)
	for r := io.LimitReader(f, offset); ; {
		n, err := r.Read(buf)
		for i, b := range buf[:n] {
			if b == '\n' {
				line, lastNL = line+1, pos+int64(i)
			}
		}
		pos += int64(n)
		if err != nil {
			break
		}
	}
	return line, int(pos - lastNL)
}

// sharer makes the strings that repeat across a report's results one copy
// each: decoding gives every result its own copy of its control's title,
// remediation and references, its account's id and name, its region and
// status, and a report read for a diff, a merge or the history is held
// whole while it is compared. Its state: one copy of each string, one of
// each control text.
type sharer struct {
	strs  map[string]string
	texts map[controlTextKey]*ControlText
}

// result makes res's strings the shared copies.
func (s *sharer) result(res *Result) {
	if s.strs == nil {
		s.strs, s.texts = map[string]string{}, map[controlTextKey]*ControlText{}
	}
	one := func(p *string) {
		if c, ok := s.strs[*p]; ok {
			*p = c
			return
		}
		s.strs[*p] = *p
	}
	for _, p := range []*string{&res.ControlID, (*string)(&res.Severity), (*string)(&res.Status),
		&res.AccountID, &res.AccountName, &res.Region, &res.Message, &res.Team, &res.Cause} {
		one(p)
	}
	if c := res.Control; c != nil {
		key := controlTextKey{c.Title, c.Service, c.Remediation, strings.Join(c.References, "\x00"), c.References == nil}
		if shared, ok := s.texts[key]; ok && slices.Equal(shared.References, c.References) {
			res.Control = shared
		} else {
			for _, p := range []*string{&c.Title, &c.Service, &c.Remediation} {
				one(p)
			}
			for j := range c.References {
				one(&c.References[j])
			}
			s.texts[key] = c
		}
	}
	if f := res.Finding; f != nil {
		for _, p := range []*string{&f.Title, &f.Product, &f.ControlID, &f.Severity, &f.FirstObservedAt, &f.SLADue} {
			one(p)
		}
	}
	if w := res.Waiver; w != nil {
		for _, p := range []*string{&w.Control, &w.Reason, &w.Owner, &w.Expires} {
			one(p)
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

// reportLineCol converts a byte offset into a 1-based line and column.
func reportLineCol(data []byte, offset int64) (line, col int) {
	offset = min(offset, int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
