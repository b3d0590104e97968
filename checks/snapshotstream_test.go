package checks

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

// TestSnapshotWriterWritesWriteSnapshotsBytes holds the account-by-account
// writer to WriteSnapshot's bytes, with no account, with accounts with and
// without another service's facts, and with coverage gaps after the
// accounts; and EncodeAccount/DecodeAccount to a lossless round trip.
func TestSnapshotWriterWritesWriteSnapshotsBytes(t *testing.T) {
	RegisterFacts(notesService)
	enabled := true
	withGaps := notesSnapshot()
	withGaps.Tool = Tool{Name: "baseline", Version: "\"accounts\": [] <x>"}
	withGaps.CoverageGaps = []CoverageGap{{AccountID: "222222222222", Region: "eu-west-1", Service: "securityhub", Reason: "not a member"}}
	withGaps.Accounts[1].SecurityHub = map[string]*SecurityHubRegion{"eu-west-1": {Enabled: &enabled, Standards: []EnabledStandard{}}}
	plain := notesSnapshot()
	plain.Accounts = plain.Accounts[1:]
	for name, snap := range map[string]*Snapshot{
		"no account":  {SchemaVersion: SnapshotSchemaVersion, CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Accounts: []AccountFacts{}},
		"other facts": notesSnapshot(),
		"gaps":        withGaps,
		"plain":       plain,
	} {
		t.Run(name, func(t *testing.T) {
			var want, got bytes.Buffer
			if err := WriteSnapshot(&want, snap); err != nil {
				t.Fatal(err)
			}
			sw, err := NewSnapshotWriter(&got, snap)
			if err != nil {
				t.Fatal(err)
			}
			for i := range snap.Accounts {
				data, err := EncodeAccount(&snap.Accounts[i])
				if err != nil {
					t.Fatal(err)
				}
				back, err := DecodeAccount(data)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(back, snap.Accounts[i]) {
					t.Errorf("account %d round trip:\n got %#v\nwant %#v", i, back, snap.Accounts[i])
				}
				if err := sw.Account(&back); err != nil {
					t.Fatal(err)
				}
			}
			if err := sw.Close(); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("streamed snapshot differs from WriteSnapshot:\n--- got\n%s\n--- want\n%s", got.String(), want.String())
			}
		})
	}
}
