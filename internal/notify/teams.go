package notify

import (
	"fmt"
	"strings"
)

// Microsoft Teams: incoming webhooks created with the Workflows app ("Post to
// a channel when a webhook request is received") accept Adaptive Cards only,
// not the Office 365 connectors' MessageCard; the connectors themselves are
// being retired. The card is sent as a message with one attachment of
// contentType application/vnd.microsoft.card.adaptive, the format Microsoft
// documents for sending Adaptive Cards to a webhook. Version 1.4 is within
// what Teams renders.
// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using

type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"`
	Content     teamsCard `json:"content"`
}

type teamsCard struct {
	Schema  string           `json:"$schema"`
	Type    string           `json:"type"`
	Version string           `json:"version"`
	Body    []map[string]any `json:"body"`
	Actions []map[string]any `json:"actions,omitempty"`
	MSTeams map[string]any   `json:"msteams,omitempty"`
}

// teamsEscape backslash-escapes the Markdown characters Adaptive Card text
// blocks interpret, so a resource name cannot become a link or formatting.
func teamsEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\*_[]()<>#~`+"`", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func teamsPayload(s *Summary) teamsMessage {
	text := func(t string, extra map[string]any) map[string]any {
		m := map[string]any{"type": "TextBlock", "text": t, "wrap": true}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	color := map[int]string{0: "Good", 1: "Attention", 3: "Warning"}[s.ExitCode]
	body := []map[string]any{
		text(teamsEscape(s.Title), map[string]any{"size": "Large", "weight": "Bolder"}),
		text(teamsEscape(s.Verdict), map[string]any{"weight": "Bolder", "color": color}),
		{"type": "FactSet", "facts": []map[string]string{
			{"title": "FAIL", "value": fmt.Sprint(s.Counts.Fail)},
			{"title": "ERROR", "value": fmt.Sprint(s.Counts.Error)},
			{"title": "PASS", "value": fmt.Sprint(s.Counts.Pass)},
			{"title": "WAIVED", "value": fmt.Sprint(s.Counts.Waived)},
			{"title": "Score", "value": fmt.Sprintf("%.1f%%", s.Counts.Score)},
			{"title": "Collection errors", "value": fmt.Sprint(s.Errors)},
		}},
	}
	if !s.Compared {
		body = append(body, text("No previous report: nothing to compare, these failures are the baseline.", nil))
	} else {
		body = append(body, text(fmt.Sprintf("**New or regressed failures at or above %s: %d** (fixed since the previous report: %d)", s.FailOn, s.NewTotal, s.Fixed), map[string]any{"separator": true}))
		for _, r := range s.New {
			sev, control, where, msg := item(r)
			body = append(body, text(fmt.Sprintf("- %s **%s** %s: %s", sev, teamsEscape(control), teamsEscape(where), teamsEscape(msg)), map[string]any{"spacing": "None"}))
		}
		if s.NewTotal > len(s.New) {
			body = append(body, text(fmt.Sprintf("… and %d more in the report", s.NewTotal-len(s.New)), map[string]any{"spacing": "None"}))
		}
	}
	if len(s.Teams) > 0 {
		var facts []map[string]string
		for _, t := range s.Teams {
			facts = append(facts, map[string]string{"title": teamsEscape(teamName(t.Team)), "value": fmt.Sprintf("FAIL %d, ERROR %d, new %d", t.Fail, t.Error, t.New)})
		}
		body = append(body, text("**By team**", map[string]any{"separator": true}), map[string]any{"type": "FactSet", "facts": facts})
	}
	card := teamsCard{
		Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:    "AdaptiveCard",
		Version: "1.4",
		Body:    body,
		MSTeams: map[string]any{"width": "Full"},
	}
	if s.RunURL != "" {
		card.Actions = []map[string]any{{"type": "Action.OpenUrl", "title": "View the run", "url": s.RunURL}}
	}
	return teamsMessage{
		Type: "message",
		Attachments: []teamsAttachment{{
			ContentType: "application/vnd.microsoft.card.adaptive",
			Content:     card,
		}},
	}
}
