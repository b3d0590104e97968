package report

import (
	"bytes"
	"strings"
	"testing"
)

// hostileDiff is a diff whose AWS- and user-supplied names carry Markdown
// links, inline HTML and terminal escape sequences (clipboard write, clear
// screen).
func hostileDiff() *Diff {
	return &Diff{
		New: []DiffResult{{
			ControlID: "ssm.instances_managed", Severity: SeverityMedium, AccountID: "111111111111",
			AccountName: "[x](https://evil.example)", Region: "eu-west-1",
			Resource: "i-1\x1b]52;c;ZXZpbA==\x07<img src=x>", Team: "pay\x1b[2Jments", Status: StatusFail,
		}},
		Summary: DiffSummary{New: 1},
		ByTeam:  []TeamDiffSummary{{Team: "pay\x1b[2Jments", New: 1}},
	}
}

// TestDiffWritersEscapeWhatTheyDidNotWrite: the diff's Markdown renders no
// link or HTML from a name, and its table passes no control character to
// the terminal, like the report writers.
func TestDiffWritersEscapeWhatTheyDidNotWrite(t *testing.T) {
	var md bytes.Buffer
	if err := (MarkdownWriter{}).Write(&md, hostileDiff()); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"[x](https://evil.example)", "<img", "\x1b", "\x07"} {
		if strings.Contains(md.String(), bad) {
			t.Errorf("diff Markdown contains %q:\n%s", bad, md.String())
		}
	}
	var table bytes.Buffer
	if err := (TableWriter{}).Write(&table, hostileDiff()); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\x1b", "\x07"} {
		if strings.Contains(table.String(), bad) {
			t.Errorf("diff table contains %q:\n%q", bad, table.String())
		}
	}
	if !strings.Contains(table.String(), "[x](https://evil.example) (111111111111)") {
		t.Errorf("the table lost the account's name: %q", table.String())
	}
}

func TestTerminalText(t *testing.T) {
	if got := TerminalText("open \x1b[2J\x1b]52;c;ZXZpbA==\x07a.json:\nno such\tfile \u202e"); got != "open a.json: no such file" {
		t.Errorf("TerminalText = %q", got)
	}
}
