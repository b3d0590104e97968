package checks

import (
	"strings"
	"testing"
)

// FuzzParseSnapshot holds the snapshot reader to its contract on any input:
// no panic, and either a snapshot or a one-line error naming the file. The
// seeds (run by go test ./...) are snapshots the repository writes and
// broken variants of them.
func FuzzParseSnapshot(f *testing.F) {
	for _, seed := range []string{
		`{"schema_version": "1", "collected_at": "2025-01-01T00:00:00Z", "scope": {"accounts": ["111111111111"], "regions": ["eu-west-1"]}, "accounts": [{"account_id": "111111111111", "account_name": "a", "regions": ["eu-west-1"], "securityhub": {"eu-west-1": {"enabled": true, "standards": [], "findings": []}}, "guardduty": null, "cloudtrail": {"trails": []}, "ssm": null, "errors": []}]}`,
		`{"schema_version": "1", "collected_at": "2025-13-01T00:00:00Z", "accounts": []}`,
		`{"schema_version": "1", "accounts": [{"account_id": "12"}]}`,
		"{\"schema_version\": \"1\",\n \"acounts\": []}",
		`{"schema_version": "1", "collected_at": "2025-01-01T00:00:00Z", "accounts": [{"account_id": "111111111111", "bogus": {"\"": [1, {"a": "\u0000"}]}}]}`,
		``, `[]`, `{`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		snap, err := ParseSnapshot("snap.json", data)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "snap.json") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		if snap == nil || snap.CollectedAt.IsZero() {
			t.Fatalf("accepted a snapshot without collected_at: %+v", snap)
		}
	})
}
