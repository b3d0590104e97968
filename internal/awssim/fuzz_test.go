package awssim

import (
	"os"
	"strings"
	"testing"
)

// FuzzParseWorld holds the world loader (--world) to its contract on any
// input: no panic, and either a valid world or a one-line error naming the
// file. The repository's worlds seed it.
func FuzzParseWorld(f *testing.F) {
	for _, p := range []string{"sample/world.yaml", "testdata/world.yaml", "../cli/testdata/healthy.yaml", "../cli/testdata/low-only-fault.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("regions: [us-east-1]\naccounts:\n  - {id: \"12\"}\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseWorld(t.Context(), "w.yaml", data); err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "w.yaml") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
		}
	})
}
