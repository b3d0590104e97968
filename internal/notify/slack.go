package notify

import (
	"fmt"
	"strings"
)

// Slack limits (Block Kit reference): a header's text is at most 150
// characters, a section's text at most 3000; a message at most 50 blocks.
const (
	slackHeaderMax  = 150
	slackSectionMax = 3000
)

// slackEscape escapes the three characters Slack's mrkdwn treats as markup
// (& < >): "<!channel>" or "<https://evil|click>" in a resource name stays
// text.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func clip(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// slackLines joins lines into one section text within Slack's limit,
// saying how many lines were left out.
func slackLines(head string, lines []string) string {
	text := head
	for i, l := range lines {
		more := fmt.Sprintf("\n… and %d more", len(lines)-i)
		if len([]rune(text))+len([]rune(l))+1+len([]rune(more)) > slackSectionMax {
			return text + more
		}
		text += "\n" + l
	}
	return text
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackMessage struct {
	// Text is the notification's fallback when blocks are present.
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

func slackPayload(s *Summary) slackMessage {
	section := func(text string) slackBlock {
		return slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: text}}
	}
	m := slackMessage{Text: fallback(s)}
	m.Blocks = append(m.Blocks,
		slackBlock{Type: "header", Text: &slackText{Type: "plain_text", Text: clip(s.Title, slackHeaderMax)}},
		section(clip("*"+slackEscape(s.Verdict)+"*\n"+slackEscape(countsLine(s)), slackSectionMax)),
	)
	switch {
	case !s.Compared:
		m.Blocks = append(m.Blocks, section("No previous report: nothing to compare, these failures are the baseline."))
	default:
		head := fmt.Sprintf("*New or regressed failures at or above %s: %d* (fixed since the previous report: %d)", s.FailOn, s.NewTotal, s.Fixed)
		var lines []string
		for _, r := range s.New {
			sev, control, where, msg := item(r)
			lines = append(lines, fmt.Sprintf("• `%s` *%s* %s: %s", sev, slackEscape(control), slackEscape(where), slackEscape(msg)))
		}
		if s.NewTotal > len(s.New) {
			lines = append(lines, fmt.Sprintf("… and %d more in the report", s.NewTotal-len(s.New)))
		}
		m.Blocks = append(m.Blocks, section(slackLines(head, lines)))
	}
	if len(s.Teams) > 0 {
		var lines []string
		for _, t := range s.Teams {
			lines = append(lines, fmt.Sprintf("• *%s*: FAIL %d, ERROR %d, new %d", slackEscape(teamName(t.Team)), t.Fail, t.Error, t.New))
		}
		m.Blocks = append(m.Blocks, section(slackLines("*By team*", lines)))
	}
	if s.RunURL != "" {
		m.Blocks = append(m.Blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: "<" + slackEscape(s.RunURL) + "|View the run>"}}})
	}
	return m
}

// fallback is the plain notification text (Slack's text, shown where blocks
// are not).
func fallback(s *Summary) string {
	t := fmt.Sprintf("%s: %s — FAIL %d, ERROR %d", s.Title, s.Verdict, s.Counts.Fail, s.Counts.Error)
	if s.Compared {
		t += fmt.Sprintf(", new or regressed %d", s.NewTotal)
	}
	return slackEscape(t)
}
