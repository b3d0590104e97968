package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/baseline-scanner/baseline/report"
)

// Kinds of webhook.
const (
	KindSlack = "slack"
	KindTeams = "teams"
)

// Options choose what the message covers.
type Options struct {
	// Kind is KindSlack or KindTeams.
	Kind string
	// RunURL links the message to the CI run; empty for none. It must be
	// an http or https URL.
	RunURL string
	// Team restricts the message to one team's results; empty for all.
	// NoTeam ("-") selects the results without a team.
	Team string
	// FailOn is the threshold the verdict and the new-failure list use.
	FailOn report.Severity
	// OnlyNew judges only new and regressed failures (--fail-on-new).
	OnlyNew bool
	// MaxItems bounds the new failures listed (the count is always whole).
	MaxItems int
}

// NoTeam selects the results that have no team.
const NoTeam = "-"

// Summary is the content of a message, independent of the chat's format.
type Summary struct {
	Title    string
	Verdict  string
	ExitCode int
	Team     string
	Counts   report.Summary
	// Errors is the number of collection errors in scope.
	Errors int
	// Compared is true when the report carries a diff.
	Compared bool
	// New are the new and regressed failures at or above the threshold,
	// most severe first, at most MaxItems; NewTotal counts them all.
	New      []report.DiffResult
	NewTotal int
	Fixed    int
	Teams    []TeamLine
	RunURL   string
	FailOn   report.Severity
}

// TeamLine is one team's counts.
type TeamLine struct {
	Team   string
	Fail   int
	Error  int
	New    int
	Exists bool
}

// Summarize computes the message content of rep under opt.
func Summarize(rep *report.Report, opt Options) (*Summary, error) {
	if opt.RunURL != "" {
		u, err := url.Parse(opt.RunURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("--run-url: %q is not an http(s) URL", opt.RunURL)
		}
	}
	if opt.MaxItems <= 0 {
		opt.MaxItems = 10
	}
	inTeam := func(team string) bool {
		switch opt.Team {
		case "":
			return true
		case NoTeam:
			return team == ""
		default:
			return team == opt.Team
		}
	}
	// The team of an account, for the collection errors, which carry none.
	accountTeam := map[string]string{}
	var scoped report.Report
	scoped.SchemaVersion = rep.SchemaVersion
	found := opt.Team == ""
	for _, r := range rep.Results {
		accountTeam[r.AccountID] = r.Team
		if inTeam(r.Team) {
			scoped.Results = append(scoped.Results, r)
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("--team: no result of the report belongs to team %q", opt.Team)
	}
	for _, e := range rep.Errors {
		if inTeam(accountTeam[e.AccountID]) {
			scoped.Errors = append(scoped.Errors, e)
		}
	}
	s := &Summary{Team: opt.Team, RunURL: opt.RunURL, FailOn: opt.FailOn}
	if rep.Diff != nil {
		s.Compared = true
		d := *rep.Diff
		filter := func(l []report.DiffResult) []report.DiffResult {
			var out []report.DiffResult
			for _, r := range l {
				if inTeam(r.Team) {
					out = append(out, r)
				}
			}
			return out
		}
		d.New, d.Regressed, d.Fixed = filter(d.New), filter(d.Regressed), filter(d.Fixed)
		scoped.Diff = &d
		newFailures := d.NewFailures(opt.FailOn)
		sort.SliceStable(newFailures, func(i, j int) bool {
			return newFailures[i].Severity.Rank() > newFailures[j].Severity.Rank()
		})
		s.NewTotal = len(newFailures)
		s.New = newFailures[:min(len(newFailures), opt.MaxItems)]
		s.Fixed = len(d.Fixed)
	}
	s.Counts = report.Summarize(scoped.Results)
	s.Errors = len(scoped.Errors)
	if opt.OnlyNew {
		s.ExitCode = report.ExitCodeOnNew(&scoped, opt.FailOn)
	} else {
		s.ExitCode = report.ExitCode(&scoped, opt.FailOn)
	}
	what := "failures"
	if opt.OnlyNew && s.Compared {
		what = "new or regressed failures"
	}
	switch s.ExitCode {
	case report.ExitOK:
		s.Verdict = fmt.Sprintf("No %s at or above %s", what, opt.FailOn)
	case report.ExitFail:
		s.Verdict = fmt.Sprintf("%s%s at or above %s", strings.ToUpper(what[:1]), what[1:], opt.FailOn)
	default:
		s.Verdict = fmt.Sprintf("Incomplete scan: nothing failing at or above %s, but %d collection error(s) or ERROR result(s) mean some controls were not observed", opt.FailOn, s.Errors+s.Counts.Error)
	}
	s.Title = "baseline scan"
	if opt.Team != "" {
		s.Title += " — team " + teamName(opt.Team)
	}
	if opt.Team == "" {
		s.Teams = teamLines(rep, scoped.Diff, opt.FailOn)
	}
	return s, nil
}

func teamName(t string) string {
	if t == "" || t == NoTeam {
		return "(no team)"
	}
	return t
}

// teamLines counts each team's failures, errors and new failures; none when
// the report has no teams.
func teamLines(rep *report.Report, d *report.Diff, failOn report.Severity) []TeamLine {
	lines := map[string]*TeamLine{}
	get := func(t string) *TeamLine {
		l := lines[t]
		if l == nil {
			l = &TeamLine{Team: t}
			lines[t] = l
		}
		return l
	}
	hasTeam := false
	for _, r := range rep.Results {
		hasTeam = hasTeam || r.Team != ""
		l := get(r.Team)
		switch r.Status {
		case report.StatusFail:
			l.Fail++
		case report.StatusError:
			l.Error++
		}
	}
	if !hasTeam {
		return nil
	}
	if d != nil {
		for _, r := range d.NewFailures(failOn) {
			get(r.Team).New++
		}
	}
	out := make([]TeamLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		// Teams first by name, results without a team last.
		if (out[i].Team == "") != (out[j].Team == "") {
			return out[j].Team == ""
		}
		return out[i].Team < out[j].Team
	})
	return out
}

// Payload renders s for the webhook kind.
func Payload(kind string, s *Summary) ([]byte, error) {
	switch kind {
	case KindSlack:
		return json.Marshal(slackPayload(s))
	case KindTeams:
		return json.Marshal(teamsPayload(s))
	default:
		return nil, fmt.Errorf("--kind: %q is not slack or teams", kind)
	}
}

// countsLine is the one-line count summary, plain text.
func countsLine(s *Summary) string {
	c := s.Counts
	return fmt.Sprintf("FAIL %d · ERROR %d · PASS %d · WAIVED %d · N/A %d · score %.1f%% · %d collection error(s)",
		c.Fail, c.Error, c.Pass, c.Waived, c.NotApplicable, c.Score, s.Errors)
}

// item is one new failure, as plain text pieces.
func item(r report.DiffResult) (sev, control, where, msg string) {
	where = r.AccountID
	if r.AccountName != "" {
		where += " (" + r.AccountName + ")"
	}
	where += " " + r.Region
	if r.Resource != "" {
		where += " " + r.Resource
	}
	if r.Team != "" {
		where += " [" + r.Team + "]"
	}
	msg = r.Message
	if len([]rune(msg)) > 200 {
		msg = string([]rune(msg)[:199]) + "…"
	}
	return string(r.Severity), r.ControlID, where, msg
}

// Send posts payload to webhookURL. Errors never contain the URL: it is a
// credential (whoever has it can post to the channel).
func Send(ctx context.Context, client *http.Client, webhookURL string, payload []byte) error {
	if err := CheckURL(webhookURL); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(payload))
	if err != nil {
		return errors.New("webhook: cannot build the request (URL redacted)")
	}
	req.Header.Set("Content-Type", "application/json")
	// A redirect is not followed: it would re-send the POST to where the
	// server says, past CheckURL's https rule. It is answered as an error.
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("webhook: POST [REDACTED URL]: %s", hideURL(err.Error(), webhookURL))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		text := hideURL(strings.TrimSpace(string(body)), webhookURL)
		return fmt.Errorf("webhook: POST [REDACTED URL]: HTTP %d: %s", resp.StatusCode, report.TerminalText(text))
	}
	return nil
}

// hideURL removes the webhook URL from text, and each secret part of it on
// its own (every path segment and every query value, which a server's error
// may echo one by one): whoever holds them can post to the channel.
func hideURL(text, webhookURL string) string {
	text = strings.ReplaceAll(text, webhookURL, "[REDACTED URL]")
	u, err := url.Parse(webhookURL)
	if err != nil {
		return text
	}
	parts := []string{u.EscapedPath(), u.Path, u.RawQuery}
	parts = append(parts, strings.Split(u.Path, "/")...)
	for _, values := range u.Query() {
		parts = append(parts, values...)
	}
	for _, part := range parts {
		if len(part) >= 4 {
			text = strings.ReplaceAll(text, part, "[REDACTED]")
		}
	}
	return text
}

// CheckURL accepts an https URL, or http to a loopback address (a local
// relay or a test server): the URL is a credential, never sent in clear
// over a network.
func CheckURL(raw string) error {
	if raw == "" {
		return errors.New("webhook: the URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("webhook: the URL is not a valid URL (value redacted)")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
		return errors.New("webhook: the URL must be https (plain http only to a loopback address); value redacted")
	default:
		return errors.New("webhook: the URL must be https; value redacted")
	}
}
