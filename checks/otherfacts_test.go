package checks

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// noteFacts are a test service's facts in one region.
type noteFacts struct {
	Note *string `json:"note"`
	Seen int     `json:"seen"`
}

var notesService = Service{Name: "notes", NewFacts: func() Facts { return ByRegion[noteFacts]{} }}

func notesSnapshot() *Snapshot {
	note := "hello"
	return &Snapshot{
		SchemaVersion: SnapshotSchemaVersion,
		CollectedAt:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Scope:         Scope{Accounts: []string{"111111111111", "222222222222"}, Regions: []string{"eu-west-1"}},
		Accounts: []AccountFacts{
			{AccountID: "111111111111", Regions: []string{"eu-west-1"}, Other: OtherFacts{"notes": ByRegion[noteFacts]{"eu-west-1": {Note: &note, Seen: 2}}}},
			{AccountID: "222222222222", Regions: []string{"eu-west-1"}, Errors: []CollectionError{}},
		},
	}
}

// TestOtherFactsInSnapshot holds the facts of a registered service under its
// name in the snapshot, through WriteSnapshot, ReadSnapshot and
// ParseSnapshot, with the decoding as strict (and its errors as precisely
// placed) as for AccountFacts' own fields.
func TestOtherFactsInSnapshot(t *testing.T) {
	RegisterFacts(notesService)
	snap := notesSnapshot()
	var b bytes.Buffer
	if err := WriteSnapshot(&b, snap); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\"errors\": null,\n      \"notes\": {\n        \"eu-west-1\": {\n          \"note\": \"hello\",") {
		t.Fatalf("the notes facts are not under \"notes\" after the fields:\n%s", b.String())
	}
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	read, err := ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseSnapshot(path, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]*Snapshot{"ReadSnapshot": read, "ParseSnapshot": parsed} {
		g, _ := json.Marshal(got.Accounts[0].Other)
		w, _ := json.Marshal(snap.Accounts[0].Other)
		if !bytes.Equal(g, w) || got.Accounts[1].Other != nil {
			t.Errorf("%s: other facts %s / %v, want %s / nil", name, g, got.Accounts[1].Other, w)
		}
	}

	// Without other facts, the snapshot is encoding/json's of Snapshot.
	plain := notesSnapshot()
	plain.Accounts[0].Other = nil
	b.Reset()
	if err := WriteSnapshot(&b, plain); err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(plain, "", "  ")
	if strings.TrimSpace(b.String()) != string(want) {
		t.Errorf("a snapshot without other facts is written differently:\n%s\nwant\n%s", b.String(), want)
	}

	// Errors inside them are placed in the file; unknown keys stay errors.
	bad := map[string]string{
		"type":    "{\"schema_version\": \"1\",\n\"accounts\": [{\"account_id\": \"111111111111\",\n \"notes\": {\"eu-west-1\": {\"seen\": \"x\"}}}]}",
		"unknown": "{\"schema_version\": \"1\",\n\"accounts\": [{\"account_id\": \"111111111111\",\n \"notez\": {}}]}",
		"deep":    "{\"schema_version\": \"1\",\n\"accounts\": [{\"account_id\": \"111111111111\",\n \"notes\": {\"eu-west-1\": {\"sean\": 1}}}]}",
	}
	wantErr := map[string]string{
		"type":    `snap.json:3:37: accounts.notes.seen: expected int, got JSON string`,
		"unknown": `snap.json:3:2: unknown field "notez"`,
		"deep":    `snap.json:3:26: unknown field "sean"`,
	}
	for name, data := range bad {
		_, err := ParseSnapshot("snap.json", []byte(data))
		if err == nil || !strings.Contains(err.Error(), wantErr[name]) {
			t.Errorf("%s: ParseSnapshot() error = %v, want it to contain %q", name, err, wantErr[name])
		}
	}
}

// TestRegisterFactsRejectsClashes: a service cannot take the name of a
// field of AccountFacts, nor register two types under one name.
func TestRegisterFactsRejectsClashes(t *testing.T) {
	for name, s := range map[string]Service{
		"field name": {Name: "ssm", NewFacts: func() Facts { return ByRegion[noteFacts]{} }},
		"other type": {Name: "notes", NewFacts: func() Facts { return ByRegion[SSMRegion]{} }},
	} {
		t.Run(name, func(t *testing.T) {
			RegisterFacts(notesService)
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterFacts(%s) did not panic", s.Name)
				}
			}()
			RegisterFacts(s)
		})
	}
}
