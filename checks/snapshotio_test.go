package checks

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseSnapshotErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"schema_version\": \"1\",\n  \"accounts\": [,]\n}", "snap.json:3:16: invalid JSON"},
		{"no version", `{"accounts": []}`, "snap.json: not a baseline snapshot: no schema_version"},
		{"other version", `{"schema_version": "9"}`, `snap.json: snapshot schema_version "9" is not supported`},
		{"wrong type", "{\"schema_version\": \"1\",\n\"accounts\": [{\"account_id\": 5}]}", "snap.json:2:30: accounts.account_id: expected string, got JSON number"},
		{"unknown field", "{\"schema_version\": \"1\",\n \"acounts\": []}", `unknown field "acounts"`},
		{"unknown field line", "{\"schema_version\": \"1\",\n \"acounts\": []}", `snap.json:2:`},
		{"bad account", `{"schema_version": "1", "accounts": [{"account_id": "12"}]}`, `accounts[0].account_id: "12" is not a 12-digit AWS account id`},
		{"no collected_at", `{"schema_version": "1", "accounts": []}`, "snap.json: collected_at: missing"},
		{"empty", ``, "snap.json:1:1: invalid JSON: unexpected end of JSON input"},
		// The position is the field's, not the end of the file.
		{"unknown field deep", "{\"schema_version\": \"1\",\n\"collected_at\": \"2025-01-01T00:00:00Z\",\n\"accounts\": [{\"account_id\": \"111111111111\",\n  \"bogus\": 1}],\n\"scope\": {\"accounts\": [], \"regions\": []}\n}\n", `snap.json:4:3: unknown field "bogus"`},
		{"bad time", "{\"schema_version\": \"1\",\n\"collected_at\": \"2025-13-01T00:00:00Z\",\n\"accounts\": []\n}\n", `snap.json:2:17: collected_at: "2025-13-01T00:00:00Z" is not an RFC 3339 time`},
		{"duplicate account", `{"schema_version": "1", "collected_at": "2025-01-01T00:00:00Z", "scope": {"accounts": ["111111111111"], "regions": ["eu-west-1"]}, "accounts": [{"account_id": "111111111111", "regions": ["eu-west-1"]}, {"account_id": "111111111111", "regions": ["eu-west-1"]}]}`, `snap.json: accounts[1].account_id: "111111111111" appears twice (also accounts[0])`},
		{"region outside scope", `{"schema_version": "1", "collected_at": "2025-01-01T00:00:00Z", "scope": {"accounts": ["111111111111"], "regions": ["eu-west-1"]}, "accounts": [{"account_id": "111111111111", "regions": ["eu-west-1", "mars-1"]}]}`, `snap.json: accounts[0].regions: "mars-1" is not in scope.regions (eu-west-1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSnapshot("snap.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("ParseSnapshot() = nil error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseSnapshot() error = %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

func TestSnapshotRoundTripKeepsNullVersusEmpty(t *testing.T) {
	enabled := true
	snap := &Snapshot{
		SchemaVersion: SnapshotSchemaVersion,
		CollectedAt:   time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		Accounts: []AccountFacts{{
			AccountID: "111111111111",
			Regions:   []string{"us-east-1"},
			SecurityHub: map[string]*SecurityHubRegion{
				"us-east-1": {Enabled: &enabled, Standards: []EnabledStandard{}, Findings: nil},
			},
		}},
	}
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, snap); err != nil {
		t.Fatal(err)
	}
	got, err := ParseSnapshot("rt.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	hub := got.Accounts[0].SecurityHub["us-east-1"]
	if hub.Standards == nil || len(hub.Standards) != 0 {
		t.Errorf("observed-empty standards came back as %#v, want an empty list", hub.Standards)
	}
	if hub.Findings != nil {
		t.Errorf("unobserved findings came back as %#v, want null", hub.Findings)
	}
}

func TestParseRegions(t *testing.T) {
	got, err := ParseRegions("--regions", " us-east-1,eu-west-1,us-east-1,")
	if err != nil || strings.Join(got, ",") != "us-east-1,eu-west-1" {
		t.Errorf("ParseRegions() = %v, %v", got, err)
	}
	if _, err := ParseRegions("--regions", "us-east-1,us-est-1"); err == nil || !strings.Contains(err.Error(), `--regions: unknown region "us-est-1"`) {
		t.Errorf("ParseRegions(typo) error = %v", err)
	}
	if _, err := ParseRegions("--regions", ","); err == nil {
		t.Error("ParseRegions(empty) = nil error")
	}
}

// TestReadSnapshotFile holds the streaming reader equal to ParseSnapshot,
// for good files and for the positioned errors of bad ones.
func TestReadSnapshotFile(t *testing.T) {
	enabled := true
	snap := &Snapshot{
		SchemaVersion: SnapshotSchemaVersion,
		CollectedAt:   time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		Scope:         Scope{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1"}},
		Accounts: []AccountFacts{{
			AccountID: "111111111111", Regions: []string{"us-east-1"},
			SecurityHub: map[string]*SecurityHubRegion{"us-east-1": {Enabled: &enabled, Standards: []EnabledStandard{}}},
		}},
	}
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, snap); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := dir + "/good.json"
	if err := os.WriteFile(good, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSnapshot(good)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ParseSnapshot(good, buf.Bytes())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadSnapshot = %+v, want %+v", got, want)
	}

	for name, data := range map[string]string{
		"syntax":  "{\n  \"schema_version\": \"1\",\n  \"accounts\": [,]\n}",
		"version": `{"accounts": [], "schema_version": "9"}`,
		"unknown": "{\"schema_version\": \"1\",\n \"acounts\": []}",
		"trailer": `{"schema_version": "1"} {}`,
		"no time": `{"schema_version": "1", "accounts": []}`,
	} {
		p := dir + "/" + name + ".json"
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		_, streamErr := ReadSnapshot(p)
		_, parseErr := ParseSnapshot(p, []byte(data))
		if streamErr == nil || parseErr == nil || streamErr.Error() != parseErr.Error() {
			t.Errorf("%s: ReadSnapshot error %v, want ParseSnapshot's %v", name, streamErr, parseErr)
		}
	}
	if _, err := ReadSnapshot(dir + "/missing.json"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}
