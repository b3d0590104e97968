package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/baseline-scanner/baseline/report"
)

// sample is a report with two teams, a diff with one new critical failure
// whose resource name carries chat markup, and one collection error.
func sample() *report.Report {
	res := func(control, account, team string, sev report.Severity, st report.Status, resource string) report.Result {
		return report.Result{ControlID: control, AccountID: account, AccountName: "acct-" + account, Region: "us-east-1", Severity: sev, Status: st, Resource: resource, Team: team, Message: "msg of " + control}
	}
	r := &report.Report{
		SchemaVersion: "2.0",
		Results: []report.Result{
			res("securityhub.enabled", "111111111111", "platform", report.Severity("high"), report.StatusPass, ""),
			res("guardduty.enabled", "111111111111", "platform", report.Severity("high"), report.StatusFail, ""),
			res("securityhub.critical_findings", "222222222222", "payments", report.Severity("critical"), report.StatusFail, "<!channel> [x](https://evil.example)"),
			res("ssm.patch_compliant", "222222222222", "payments", report.Severity("low"), report.StatusFail, "i-1"),
			res("cloudtrail.validation", "333333333333", "", report.Severity("medium"), report.StatusError, ""),
		},
		Errors: []report.Error{{AccountID: "333333333333", Region: "us-east-1", Service: "cloudtrail", Operation: "GetTrailStatus", Code: "AccessDenied"}},
	}
	r.Diff = &report.Diff{
		New: []report.DiffResult{
			{ControlID: "securityhub.critical_findings", Severity: "critical", AccountID: "222222222222", AccountName: "acct-222222222222", Region: "us-east-1", Resource: "<!channel> [x](https://evil.example)", Team: "payments", Status: report.StatusFail, Message: "a & b"},
			{ControlID: "ssm.patch_compliant", Severity: "low", AccountID: "222222222222", Region: "us-east-1", Resource: "i-1", Team: "payments", Status: report.StatusFail},
		},
		StillFailing: []report.DiffResult{{ControlID: "guardduty.enabled", Severity: "high", AccountID: "111111111111", Region: "us-east-1", Team: "platform"}},
		Fixed:        []report.DiffResult{{ControlID: "ssm.managed", Severity: "medium", AccountID: "111111111111", Region: "us-east-1", Team: "platform"}},
	}
	return r
}

// post sends the payload of kind for opt to a local server and returns what
// it received, decoded.
func post(t *testing.T, rep *report.Report, opt Options) map[string]any {
	t.Helper()
	var mu sync.Mutex
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.URL.Path != "/services/T000/B000/XXXX" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		got, _ = io.ReadAll(r.Body)
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	s, err := Summarize(rep, opt)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := Payload(opt.Kind, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := Send(context.Background(), srv.Client(), srv.URL+"/services/T000/B000/XXXX", payload); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatalf("the server received no JSON: %v\n%s", err, got)
	}
	return m
}

func TestSlackPayload(t *testing.T) {
	m := post(t, sample(), Options{Kind: KindSlack, RunURL: "https://github.com/o/r/actions/runs/42", FailOn: "high", OnlyNew: true})
	text, _ := m["text"].(string)
	if !strings.Contains(text, "New or regressed failures at or above high") || !strings.Contains(text, "new or regressed 1") {
		t.Errorf("fallback text = %q", text)
	}
	blocks, _ := m["blocks"].([]any)
	if len(blocks) < 4 {
		t.Fatalf("blocks = %v", blocks)
	}
	all, _ := json.Marshal(blocks)
	for _, want := range []string{
		`"type":"header"`,
		"FAIL 3 · ERROR 1 · PASS 1",
		"1 collection error(s)",
		"at or above high: 1* (fixed since the previous report: 1)",
		"*securityhub.critical_findings*",
		"\\u0026lt;!channel\\u0026gt;", // escaped: no channel ping
		"a \\u0026amp; b",
		"• *payments*: FAIL 2, ERROR 0, new 1",
		"• *(no team)*: FAIL 0, ERROR 1, new 0",
		"\\u003chttps://github.com/o/r/actions/runs/42|View the run\\u003e",
	} {
		if !strings.Contains(string(all), want) {
			t.Errorf("blocks lack %s:\n%s", want, all)
		}
	}
	if strings.Contains(string(all), "<!channel>") || strings.Contains(string(all), "\\u003c!channel") {
		t.Error("a resource name pings the channel")
	}
	if strings.Contains(string(all), "ssm.patch_compliant") {
		t.Error("a low failure is listed as new at --fail-on high")
	}
	for _, b := range blocks {
		if tx, ok := b.(map[string]any)["text"].(map[string]any); ok && len([]rune(tx["text"].(string))) > slackSectionMax {
			t.Errorf("a block's text is over Slack's %d characters", slackSectionMax)
		}
	}
}

func TestTeamsPayload(t *testing.T) {
	m := post(t, sample(), Options{Kind: KindTeams, RunURL: "https://github.com/o/r/actions/runs/42", FailOn: "high"})
	if m["type"] != "message" {
		t.Errorf("type = %v, want message", m["type"])
	}
	atts, _ := m["attachments"].([]any)
	if len(atts) != 1 {
		t.Fatalf("attachments = %v", atts)
	}
	att := atts[0].(map[string]any)
	if att["contentType"] != "application/vnd.microsoft.card.adaptive" {
		t.Errorf("contentType = %v", att["contentType"])
	}
	if v, ok := att["contentUrl"]; !ok || v != nil {
		t.Errorf("contentUrl = %v, want null", v)
	}
	card := att["content"].(map[string]any)
	if card["type"] != "AdaptiveCard" || card["version"] != "1.4" {
		t.Errorf("card type %v version %v", card["type"], card["version"])
	}
	all, _ := json.Marshal(card)
	for _, want := range []string{
		`"text":"Failures at or above high"`,
		`{"title":"FAIL","value":"3"}`,
		`{"title":"Collection errors","value":"1"}`,
		`\\[x\\]\\(https://evil.example\\)`, // no link from a resource name
		`{"title":"payments","value":"FAIL 2, ERROR 0, new 1"}`,
		`"type":"Action.OpenUrl"`,
		`"url":"https://github.com/o/r/actions/runs/42"`,
	} {
		if !strings.Contains(string(all), want) {
			t.Errorf("card lacks %s:\n%s", want, all)
		}
	}
}

func TestSummarizeTeamFilterAndBaseline(t *testing.T) {
	s, err := Summarize(sample(), Options{Kind: KindSlack, Team: "platform", FailOn: "high", OnlyNew: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Counts.Fail != 1 || s.Counts.Pass != 1 || s.NewTotal != 0 || s.Fixed != 1 || s.Errors != 0 || s.Teams != nil {
		t.Errorf("platform: %+v", s)
	}
	// With --fail-on-new, platform's known failure is no new failure: exit 0.
	if s.ExitCode != report.ExitOK || s.Title != "baseline scan — team platform" {
		t.Errorf("platform: exit %d, title %q", s.ExitCode, s.Title)
	}
	s, err = Summarize(sample(), Options{Kind: KindSlack, Team: NoTeam, FailOn: "high"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Counts.Error != 1 || s.Errors != 1 || s.ExitCode != report.ExitIncomplete || !strings.HasPrefix(s.Verdict, "Incomplete scan") {
		t.Errorf("no team: %+v", s)
	}
	if _, err := Summarize(sample(), Options{Kind: KindSlack, Team: "nobody", FailOn: "high"}); err == nil || !strings.Contains(err.Error(), `"nobody"`) {
		t.Errorf("unknown team: %v", err)
	}
	rep := sample()
	rep.Diff = nil
	s, err = Summarize(rep, Options{Kind: KindTeams, FailOn: "high"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := Payload(KindTeams, s)
	if !strings.Contains(string(p), "No previous report") {
		t.Errorf("without a diff the message does not say there was nothing to compare:\n%s", p)
	}
	if _, err := Summarize(sample(), Options{Kind: KindSlack, RunURL: "javascript:alert(1)", FailOn: "high"}); err == nil {
		t.Error("a javascript: run URL was accepted")
	}
}

// TestSendNeverPrintsTheURL: the webhook URL is a credential; no error says it,
// even when the server echoes it.
func TestSendNeverPrintsTheURL(t *testing.T) {
	const secretPath = "/services/T111/B222/s3cr3tT0k3n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "invalid_token for "+r.Host+secretPath, http.StatusForbidden)
	}))
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + secretPath
	closed.Close()
	defer srv.Close()
	// A server that echoes the secret parts one by one.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "sig="+r.URL.Query().Get("sig")+" not valid for workflow "+strings.Split(r.URL.Path, "/")[2], http.StatusBadRequest)
	}))
	defer echo.Close()
	// A redirect to plain http must not be followed with the payload.
	followed := make(chan string, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed <- r.Method }))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/stolen", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	for name, tc := range map[string]struct{ url, want string }{
		"rejected":     {srv.URL + secretPath, "HTTP 403"},
		"echoed parts": {echo.URL + "/workflows/s3cr3tT0k3nWorkflow/triggers?sig=s3cr3tT0k3nSig", "HTTP 400"},
		"redirected":   {redirect.URL + secretPath, "HTTP 307"},
		"unreachable":  {closedURL, "[REDACTED URL]"},
		"plain http":   {"http://hooks.example.com" + secretPath, "must be https"},
		"no scheme":    {"hooks.example.com" + secretPath, "not a valid URL"},
	} {
		t.Run(name, func(t *testing.T) {
			err := Send(context.Background(), srv.Client(), tc.url, []byte(`{}`))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cr3tT0k3n") {
				t.Errorf("the error prints the webhook URL: %v", err)
			}
			select {
			case m := <-followed:
				t.Errorf("a redirect was followed with a %s", m)
			default:
			}
		})
	}
}
