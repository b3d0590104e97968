package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func renderHTML(t *testing.T, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := (HTMLWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestHTMLEscaping puts markup in every kind of string that comes from AWS:
// none of it may reach the page as markup.
func TestHTMLEscaping(t *testing.T) {
	const payload = `<script>alert(1)</script>`
	r := sampleReport()
	for i := range r.Results {
		r.Results[i].Message = payload + ` "quoted" 'single' & amp`
		r.Results[i].Resource = "arn:aws:ec2:eu-west-1:111111111111:instance/" + payload
		r.Results[i].AccountName = payload
		r.Results[i].Team = `team"><img src=x onerror=alert(3)>`
		r.Results[i].EditControl(func(c *ControlText) { c.References = []string{"javascript:alert(4)"} })
		if w := r.Results[i].Waiver; w != nil {
			w.Reason, w.Owner, w.Expires = payload, payload, payload
		}
	}
	r.Errors[0].Message = payload
	r.Coverage = append(r.Coverage, Coverage{AccountID: payload, Region: payload, Service: payload, State: CoverageState(payload)})
	out := renderHTML(t, r)

	for _, bad := range []string{payload, "<script>alert", "<img", "onerror=alert(3)>"} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	if n := strings.Count(out, "<script"); n != 1 {
		t.Errorf("page has %d <script elements, want only its own", n)
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the payload is not shown escaped")
	}
	if !strings.Contains(out, `data-team="team&#34;&gt;&lt;img src=x onerror=alert(3)&gt;"`) {
		t.Error("team not escaped in its data attribute")
	}
	if strings.Contains(out, `href="javascript`) {
		t.Error("a reference became a link")
	}
}

// TestHTMLNoExternalLoads: the page is self-contained, so nothing is loaded
// from a URL, and the CSP forbids it anyway.
func TestHTMLNoExternalLoads(t *testing.T) {
	out := renderHTML(t, demoLikeReport())
	// Links to the AWS documentation and console are navigation the reader
	// chooses, not loads: every one opens without a referrer.
	anchors := regexp.MustCompile(`<a href="https://[^"]*" rel="noreferrer" target="_blank">`)
	if len(anchors.FindAllString(out, -1)) == 0 {
		t.Error("the page has no links to the documentation or the console")
	}
	out = anchors.ReplaceAllString(out, "<a>")
	if strings.Contains(out, "<a ") {
		t.Error("a link without rel=noreferrer")
	}
	load := regexp.MustCompile(`(?i)\b(src|href|xlink:href|action|srcset|poster|data)\s*=\s*["']?\s*(https?:|//)`)
	if m := load.FindString(out); m != "" {
		t.Errorf("page loads from a URL: %s", m)
	}
	for _, bad := range []string{"url(", "@import", "<link", "<iframe", "<img", "fetch(", "XMLHttpRequest"} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(out, `content="default-src &#39;none&#39;;`) {
		t.Error("no default-src 'none' Content-Security-Policy")
	}
}

// TestHTMLCSPHashes checks the policy's hashes match the page's own style
// and script exactly; a mismatch would make the browser drop them.
func TestHTMLCSPHashes(t *testing.T) {
	out := renderHTML(t, sampleReport())
	for _, tag := range []string{"style", "script"} {
		m := regexp.MustCompile(`(?s)<` + tag + `>(.*?)</` + tag + `>`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no <%s>", tag)
		}
		sum := sha256.Sum256([]byte(m[1]))
		hash := tag + "-src &#39;sha256-" + strings.ReplaceAll(base64.StdEncoding.EncodeToString(sum[:]), "+", "&#43;") + "&#39;"
		if !strings.Contains(out, hash) {
			t.Errorf("CSP has no %s", hash)
		}
	}
}

// TestHTMLHeatmap: one cell per account × region × service, each with its
// state as text, so the grid reads without colour.
func TestHTMLHeatmap(t *testing.T) {
	r := demoLikeReport()
	out := renderHTML(t, r)
	cells := regexp.MustCompile(`<td class="cov cov-(\w+)" data-region="([^"]+)" data-service="([^"]+)" data-state="(\w+)" title="([^"]+)"[^>]*>([^<]+)</td>`).FindAllStringSubmatch(out, -1)
	if want := len(demoAccounts) * len(demoRegions) * len(demoServices); len(cells) != want {
		t.Fatalf("%d heatmap cells, want %d", len(cells), want)
	}
	states := map[string]int{}
	for _, c := range r.Coverage {
		states[string(c.State)]++
	}
	got := map[string]int{}
	for _, c := range cells {
		got[c[4]]++
		if !strings.HasSuffix(c[5], ": "+c[4]) || c[6] != coverageSymbols[c[4]] {
			t.Errorf("cell %s/%s: label %q, text %q", c[2], c[3], c[5], c[6])
		}
	}
	for state, n := range states {
		if got[state] != n {
			t.Errorf("%d %s cells, want %d", got[state], state, n)
		}
	}

	// A sparse coverage list leaves the rest "not observed", never enabled.
	out = renderHTML(t, sampleReport())
	if n := strings.Count(out, `data-state="unknown"`); n != 3*2*4-4 {
		t.Errorf("sample: %d unobserved cells, want %d", n, 3*2*4-4)
	}
}

func TestHTMLChart(t *testing.T) {
	out := renderHTML(t, sampleReport())
	for _, sev := range Severities {
		want := `class="value" data-count="` + string(sev) + `">1<`
		if !strings.Contains(out, want) {
			t.Errorf("chart has no %s", want)
		}
	}
	if !strings.Contains(out, `aria-label="FAIL results by severity: critical 1, high 1, medium 1, low 1"`) {
		t.Error("chart has no text alternative")
	}
	empty := renderHTML(t, emptyReport())
	if !strings.Contains(empty, `width="0" height="20"`) {
		t.Error("an empty report's bars are not empty")
	}
}
