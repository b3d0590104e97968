package checks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ReadSnapshot loads a snapshot file. Malformed JSON, an unknown field or a
// wrong type is an error naming the file, line and column; a snapshot of
// another schema version is refused rather than misread.
func ReadSnapshot(path string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	return ParseSnapshot(path, data)
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
