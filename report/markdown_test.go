package report

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestMarkdownCap renders a report far over the cap: the output stays
// within it, ends with the note, and the note counts exactly the rows cut.
func TestMarkdownCap(t *testing.T) {
	r := largeReport(20000, 150)
	for _, limit := range []int{0, 64 << 10} {
		var buf bytes.Buffer
		if err := (MarkdownWriter{MaxBytes: limit}).Write(&buf, r); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		max := limit
		if max == 0 {
			max = DefaultMarkdownMaxBytes
		}
		if len(out) > max {
			t.Errorf("limit %d: %d bytes written", max, len(out))
		}
		note := regexp.MustCompile(`\n> \*\*Truncated:\*\* … (\d+) more results cut to fit (1 MiB|64 KiB)\. [^\n]*\n$`).FindStringSubmatch(out)
		if note == nil {
			t.Fatalf("limit %d: no truncation note at the end:\n%s", max, out[len(out)-min(400, len(out)):])
		}
		cut, _ := strconv.Atoi(note[1])
		shown := strings.Count(out, "\n| FAIL | ")
		if shown == 0 || shown+cut != len(r.Results) {
			t.Errorf("limit %d: %d rows shown + %d cut, want %d results", max, shown, cut, len(r.Results))
		}
		// No table was left with a header and no rows.
		if strings.Contains(out, "|:--|:--|:--|:--|:--|:--|:--|\n\n") {
			t.Errorf("limit %d: a table without rows", max)
		}
	}
}

func TestMarkdownUnderCapHasNoNote(t *testing.T) {
	var buf bytes.Buffer
	if err := (MarkdownWriter{}).Write(&buf, largeReport(50, 0)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Truncated") {
		t.Error("a small report has a truncation note")
	}
}

// TestMarkdownEscape puts Markdown- and HTML-significant text from AWS in a
// result and checks that each table row still has its seven cells and that
// nothing renders as markup.
func TestMarkdownEscape(t *testing.T) {
	r := sampleReport()
	for i := range r.Results {
		r.Results[i].Team = "a|team"
	}
	r.Results[0].Message = "pipe | newline\nbacktick ` <img src=x> [link](javascript:x) *bold* _em_ ~~del~~ \\|"
	r.Results[0].Resource = "arn:aws:ec2:eu-west-1:111111111111:instance/|<script>"
	var buf bytes.Buffer
	if err := (MarkdownWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, raw := range []string{"<img", "<script", "[link](", " *bold*", " _em_", "~~del"} {
		if strings.Contains(out, raw) {
			t.Errorf("output contains unescaped %q", raw)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| FAIL |") && !strings.HasPrefix(line, "| ERROR |") {
			continue
		}
		// Count cell separators: pipes not preceded by an odd number of backslashes.
		n, backslashes := 0, 0
		for i := range line {
			switch {
			case line[i] == '\\':
				backslashes++
				continue
			case line[i] == '|' && backslashes%2 == 0:
				n++
			}
			backslashes = 0
		}
		if n != 8 {
			t.Errorf("row has %d cell separators, want 8: %s", n, line)
		}
	}
	if !strings.Contains(out, `pipe \| newline backtick \`+"`"+` &lt;img src=x&gt; \[link\](javascript:x) \*bold\* \_em\_ \~\~del\~\~ \\\|`) {
		t.Errorf("message not escaped as expected:\n%s", out)
	}
	if !strings.Contains(out, "## a\\|team\n") {
		t.Error("team heading not escaped")
	}
}

// TestMarkdownWaivers flags the waiver that expires within 14 days of the
// scan, not the one that expires later, and lists waivers needing attention.
func TestMarkdownWaivers(t *testing.T) {
	var buf bytes.Buffer
	if err := (MarkdownWriter{}).Write(&buf, demoLikeReport()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"| bob@example.com | 2025-03-20 ⚠️ expires in 6 days | migrating |",
		"| carol@example.com | 2025-12-31 | &lt;b&gt;long-term&lt;/b&gt; |",
		"## Waivers needing attention",
		"| expired | ssm.agent\\_online | 444444444444 | dan@example.com | 2025-03-01 | expired 13 days ago | old |",
		"| expiring | guardduty.enabled | everywhere | bob@example.com | 2025-03-20 | expires in 6 days | migrating |",
		"⚠️ 1 waiver expiring within 14 days",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown has no %q", want)
		}
	}
}

func TestWaiverDaysLeft(t *testing.T) {
	now := sampleReport().GeneratedAt // 2025-03-14 09:26 UTC
	for _, tt := range []struct {
		expires string
		days    int
		ok      bool
	}{
		{"2025-03-14", 0, true},
		{"2025-03-15", 1, true},
		{"2025-03-28", 14, true},
		{"2025-03-13", -1, true},
		{"next week", 0, false},
	} {
		days, ok := waiverDaysLeft(&Waiver{Expires: tt.expires}, now)
		if days != tt.days || ok != tt.ok {
			t.Errorf("waiverDaysLeft(%s) = %d, %v, want %d, %v", tt.expires, days, ok, tt.days, tt.ok)
		}
	}
}

// TestGoldenWithDiff renders the demo-like report, which has teams, waivers
// and a diff, in the weekly-review formats and compares it with
// testdata/<format>/diff.golden (refreshed with -update).
func TestGoldenWithDiff(t *testing.T) {
	for _, format := range []string{"markdown", "html"} {
		t.Run(format, func(t *testing.T) {
			w, err := NewWriter(format)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := w.Write(&buf, demoLikeReport()); err != nil {
				t.Fatal(err)
			}
			assertGolden(t, filepath.Join("testdata", format, "diff.golden"), buf.Bytes())
		})
	}
}
