package checks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReadSnapshot loads a snapshot file. It decodes one account at a time from
// the file, so memory holds the decoded snapshot and not also the file's bytes
// (twice, with encoding/json's buffer): a million findings fit in about half
// the memory. On any problem it re-reads the file with ParseSnapshot for an
// error naming the line and column.
func ReadSnapshot(path string) (*Snapshot, error) {
	snap, err := streamSnapshot(path)
	if err == nil {
		return snap, nil
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		return nil, fmt.Errorf("read snapshot: %w", rerr)
	}
	if _, perr := ParseSnapshot(path, data); perr != nil {
		return nil, perr
	}
	return nil, fmt.Errorf("%s: %v", path, err)
}

// streamSnapshot decodes the top-level object token by token and the
// accounts one by one. Its errors carry no position; ReadSnapshot adds one.
func streamSnapshot(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	dec.DisallowUnknownFields()
	delim := func(want json.Delim) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok != want {
			return fmt.Errorf("expected %v, got %v", want, tok)
		}
		return nil
	}
	var snap Snapshot
	if err := delim('{'); err != nil {
		return nil, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch key, _ := tok.(string); key {
		case "accounts":
			if err := delim('['); err != nil {
				return nil, err
			}
			for dec.More() {
				snap.Accounts = append(snap.Accounts, AccountFacts{})
				into, done := decodableAccount(&snap.Accounts[len(snap.Accounts)-1])
				if err := dec.Decode(into); err != nil {
					return nil, err
				}
				done()
			}
			err = delim(']')
		case "schema_version":
			err = dec.Decode(&snap.SchemaVersion)
		case "tool":
			err = dec.Decode(&snap.Tool)
		case "collected_at":
			err = dec.Decode(&snap.CollectedAt)
		case "scope":
			err = dec.Decode(&snap.Scope)
		case "coverage_gaps":
			err = dec.Decode(&snap.CoverageGaps)
		default:
			err = fmt.Errorf("unknown field %q", key)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := delim('}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the snapshot")
	}
	if snap.SchemaVersion != SnapshotSchemaVersion {
		return nil, fmt.Errorf("snapshot schema_version %q is not supported", snap.SchemaVersion)
	}
	if err := checkSnapshot(&snap); err != nil {
		return nil, err
	}
	return &snap, nil
}

// ParseSnapshot decodes a snapshot; name is used in error messages.
func ParseSnapshot(name string, data []byte) (*Snapshot, error) {
	var probe struct {
		SchemaVersion *string `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, JSONError(name, data, err)
	}
	if probe.SchemaVersion == nil {
		return nil, fmt.Errorf("%s: not a baseline snapshot: no schema_version (write one with `baseline collect -o FILE`)", name)
	}
	if *probe.SchemaVersion != SnapshotSchemaVersion {
		return nil, fmt.Errorf("%s: snapshot schema_version %q is not supported (this baseline reads %q)", name, *probe.SchemaVersion, SnapshotSchemaVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	into, decoded := decodable()
	if err := dec.Decode(into); err != nil {
		var syntax *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		var timeErr *time.ParseError
		switch {
		case errors.As(err, &syntax), errors.As(err, &typeErr):
			return nil, JSONError(name, data, err)
		case errors.As(err, &timeErr):
			// encoding/json gives no offset for a value its Unmarshaler
			// refused: find the value itself.
			key, off := locate(data, timeErr.Value, false)
			return nil, fmt.Errorf("%s:%s: %s: %q is not an RFC 3339 time", name, position(data, off), key, timeErr.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			_, off := locate(data, field, true)
			return nil, fmt.Errorf("%s:%s: unknown field %q", name, position(data, off), field)
		}
		return nil, fmt.Errorf("%s:%s: %s", name, position(data, dec.InputOffset()), strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: %s: unexpected data after the snapshot", name, position(data, dec.InputOffset()))
	}
	snap := decoded()
	if err := checkSnapshot(&snap); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &snap, nil
}

// checkSnapshot holds a decoded snapshot to what collection writes: 12-digit
// account ids, each once, regions within the scope, and a collection time.
func checkSnapshot(snap *Snapshot) error {
	seen := map[string]int{}
	for i, a := range snap.Accounts {
		if !accountIDPattern.MatchString(a.AccountID) {
			return fmt.Errorf("accounts[%d].account_id: %q is not a 12-digit AWS account id", i, a.AccountID)
		}
		if j, dup := seen[a.AccountID]; dup {
			return fmt.Errorf("accounts[%d].account_id: %q appears twice (also accounts[%d])", i, a.AccountID, j)
		}
		seen[a.AccountID] = i
		// A region outside the scope was never collected: the controls of
		// account-wide facts would judge it on nothing.
		if len(snap.Scope.Regions) > 0 {
			for _, r := range a.Regions {
				if !slices.Contains(snap.Scope.Regions, r) {
					return fmt.Errorf("accounts[%d].regions: %q is not in scope.regions (%s)", i, r, strings.Join(snap.Scope.Regions, ", "))
				}
			}
		}
	}
	if snap.CollectedAt.IsZero() {
		// Policies measure every age from it: without it, every finding
		// would look brand new and pass its SLA.
		return errors.New("collected_at: missing; it is the time every age is measured from")
	}
	return nil
}

// locate finds the first string token equal to want, as an object key
// (key true) or as a value, and returns the key it belongs to (for a value)
// and the offset of its opening quote; the end of data when not found.
func locate(data []byte, want string, key bool) (string, int64) {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		isKey  bool // the next token of this object is a key
	}
	var stack []frame
	lastKey := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return lastKey, int64(len(data))
		}
		end := dec.InputOffset()
		atKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].isKey
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].isKey = !atKey
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, frame{object: true, isKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].isKey = true
				}
			}
		case string:
			if v == want && atKey == key {
				return lastKey, quoteStart(data, end)
			}
			if atKey {
				lastKey = v
			}
		}
	}
}

// quoteStart is the offset of the opening quote of the string token that
// ends at end.
func quoteStart(data []byte, end int64) int64 {
	for i := end - 2; i >= 0; i-- {
		if data[i] == '"' && (i == 0 || data[i-1] != '\\') {
			return i
		}
	}
	return end
}

// WriteSnapshot writes the snapshot as indented JSON, with the facts of
// services outside AccountFacts (AccountFacts.Other) under their names.
func WriteSnapshot(w io.Writer, snap *Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(encodable(snap))
}

// JSONError turns an encoding/json error into one line naming the file and
// the line and column where decoding failed.
func JSONError(name string, data []byte, err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// Offset is just past the offending byte; point at the byte itself.
		return fmt.Errorf("%s:%s: invalid JSON: %v", name, position(data, max(syntax.Offset-1, 0)), syntax)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "value"
		}
		return fmt.Errorf("%s:%s: %s: expected %s, got JSON %s", name, position(data, typeErr.Offset), field, typeErr.Type, typeErr.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: invalid JSON: unexpected end of file", name)
	}
	return fmt.Errorf("%s: %v", name, err)
}

// position renders a byte offset as "line:column" (both from 1).
func position(data []byte, offset int64) string {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("%d:%d", line, col)
}
