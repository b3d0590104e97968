package teams

import (
	"strings"
	"testing"
)

// FuzzParse holds the teams loader to its contract on any input: no panic,
// and either a mapping of 12-digit account ids or a one-line error naming
// the file.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"# owners\n\"111111111111\": platform\n222222222222: payments\n012345678901: data team\n",
		`{"111111111111": platform, "333333333333": "payments"}`,
		"111111111111: &t platform\n222222222222: *t\n",
		"111111111111: |\n  block\n", "- a\n", "", "x: [",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(t.Context(), "teams.yaml", data)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "teams.yaml") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		for id := range m {
			if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
				t.Fatalf("accepted account id %q", id)
			}
		}
	})
}
