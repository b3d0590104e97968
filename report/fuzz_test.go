package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseReport holds the report reader (diff, merge, --previous) to its
// contract on any input: no panic, and either a report of the current
// schema version or a one-line error naming the file. The golden JSON
// reports seed it.
func FuzzParseReport(f *testing.F) {
	paths, err := filepath.Glob("testdata/json/*.golden")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, seed := range []string{
		`{"schema_version": "1.0", "results": []}`,
		`{"schema_version": "3.0", "results": []}`,
		"{\"schema_version\": \"2.0\",\n \"results\": {}}",
		`{"schema_version": "2.0", "results": [{"status": 5}]}`,
		``, `[]`, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReport("r.json", data)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "r.json") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		if r.SchemaVersion != SchemaVersion {
			t.Fatalf("read a report as version %q, want it upgraded to %q", r.SchemaVersion, SchemaVersion)
		}
	})
}
