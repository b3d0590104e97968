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
	"strings"
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
				if err := dec.Decode(&snap.Accounts[len(snap.Accounts)-1]); err != nil {
					return nil, err
				}
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
	for _, a := range snap.Accounts {
		if !accountIDPattern.MatchString(a.AccountID) {
			return nil, fmt.Errorf("account_id %q is not a 12-digit AWS account id", a.AccountID)
		}
	}
	if snap.CollectedAt.IsZero() {
		return nil, errors.New("collected_at: missing")
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
	var snap Snapshot
	if err := dec.Decode(&snap); err != nil {
		var syntax *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &syntax) && !errors.As(err, &typeErr) {
			// e.g. an unknown field: encoding/json gives no offset, the
			// decoder's position is just past the offending key.
			return nil, fmt.Errorf("%s:%s: %s", name, position(data, dec.InputOffset()), strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil, JSONError(name, data, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: %s: unexpected data after the snapshot", name, position(data, dec.InputOffset()))
	}
	for i, a := range snap.Accounts {
		if !accountIDPattern.MatchString(a.AccountID) {
			return nil, fmt.Errorf("%s: accounts[%d].account_id: %q is not a 12-digit AWS account id", name, i, a.AccountID)
		}
	}
	if snap.CollectedAt.IsZero() {
		// Policies measure every age from it: without it, every finding
		// would look brand new and pass its SLA.
		return nil, fmt.Errorf("%s: collected_at: missing; it is the time every age is measured from", name)
	}
	return &snap, nil
}

// WriteSnapshot writes the snapshot as indented JSON.
func WriteSnapshot(w io.Writer, snap *Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(snap)
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
