package waivers

import (
	"strings"
	"testing"
)

// FuzzParse holds the waivers loader to its contract on any input: no
// panic, and either waivers or a one-line error naming the file.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"- control: ssm.*\n  accounts: [\"222222222222\"]\n  regions: [eu-west-1]\n  resource: \"*instance/i-0f3b*\"\n  reason: legacy\n  owner: payments\n  expires: 2026-09-30\n",
		"- control: guardduty.enabled\n  reason: r\n  owner: o\n  expires: \"2026-13-01\"\n",
		"- &a {control: x, reason: r, owner: o, expires: 2026-01-01}\n- *a\n",
		"x: [1, 2\n", "", "- |\n  block\n", "- control: \"[\"\n  reason: r\n  owner: o\n  expires: 2026-01-01\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Parse(t.Context(), "w.yaml", data); err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "w.yaml") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
		}
	})
}
