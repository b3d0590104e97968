package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHTMLInBrowser renders the demo-like report in headless Chromium and
// checks what a person would see once the page's script has run: the
// heatmap cells, the counts, and the findings table filtered from the URL
// fragment. It skips where Chromium is not installed (.ci/run installs the
// Debian package).
func TestHTMLInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not on PATH: skipping the browser test of the HTML report (apt-get install chromium)")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	r := demoLikeReport()
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(renderHTML(t, r)), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("unfiltered", func(t *testing.T) {
		dom := dumpDOM(t, chromium, dir, "file://"+page)
		if regexp.MustCompile(`<form id="filters"[^>]*\bhidden`).MatchString(dom) {
			t.Fatal("the filter form is still hidden: the page's script did not run (CSP hash mismatch?)")
		}

		heatmap := section(t, dom, `<table id="heatmap"`, `</table>`)
		cells := regexp.MustCompile(`<td class="cov cov-\w+"[^>]*data-state="(\w+)"[^>]*>([^<]*)</td>`).FindAllStringSubmatch(heatmap, -1)
		if want := len(demoAccounts) * len(demoRegions) * len(demoServices); len(cells) != want {
			t.Errorf("%d heatmap cells, want accounts × regions × services = %d", len(cells), want)
		}
		for _, c := range cells {
			if c[2] != coverageSymbols[c[1]] {
				t.Errorf("%s cell shows %q, want %q", c[1], c[2], coverageSymbols[c[1]])
			}
		}

		s := r.Summary
		for name, want := range map[string]int{"fail": s.Fail, "error": s.Error, "waived": s.Waived, "pass": s.Pass, "total": s.Total} {
			if got := textOf(t, dom, `data-count="`+name+`">`); got != strconv.Itoa(want) {
				t.Errorf("%s card shows %q, want %d", name, got, want)
			}
		}
		for _, sev := range Severities {
			if got := textOf(t, dom, `class="value" data-count="`+string(sev)+`">`); got != strconv.Itoa(s.BySeverity[sev].Fail) {
				t.Errorf("chart label for %s shows %q, want %d", sev, got, s.BySeverity[sev].Fail)
			}
		}
		checkRows(t, dom, r, nil)
		if n := strings.Count(dom, "<script"); n != 1 {
			t.Errorf("the page has %d script elements, want only its own", n)
		}
	})

	for _, tt := range []struct {
		fragment string
		want     map[string]string
	}{
		{"#severity=critical", map[string]string{"severity": "critical"}},
		{"#team=payments&status=FAIL", map[string]string{"team": "payments", "status": "FAIL"}},
		{"#Status=waived", map[string]string{"status": "WAIVED"}}, // case does not matter
		{"#service=ssm&severity=high&team=unassigned", map[string]string{"service": "ssm", "severity": "high", "team": "unassigned"}},
	} {
		t.Run(tt.fragment, func(t *testing.T) {
			dom := dumpDOM(t, chromium, dir, "file://"+page+tt.fragment)
			checkRows(t, dom, r, tt.want)
			if team := tt.want["team"]; team != "" {
				checkTeamCards(t, dom, r, team)
			}
		})
	}
}

// checkRows checks that exactly the results matching the filter are visible
// in the findings table and that the live counts say so.
func checkRows(t *testing.T, dom string, r *Report, filter map[string]string) {
	t.Helper()
	body := section(t, dom, `<table id="findings"`, `</table>`)
	rows := regexp.MustCompile(`<tr ([^>]*)>`).FindAllStringSubmatch(body, -1)
	attr := regexp.MustCompile(`([\w-]+)(?:="([^"]*)")?`)
	visible, want := 0, 0
	byStatus := map[string]int{}
	for _, res := range r.Results {
		if matches(res, filter) {
			want++
			byStatus[string(res.Status)]++
		}
	}
	for _, row := range rows { // the header's <tr> has no attributes
		attrs := map[string]string{}
		hidden := false
		for _, a := range attr.FindAllStringSubmatch(row[1], -1) {
			attrs[a[1]] = a[2]
			hidden = hidden || a[1] == "hidden"
		}
		match := true
		for k, v := range filter {
			match = match && attrs["data-"+k] == v
		}
		if hidden == match {
			t.Errorf("row %v: hidden=%v, but matches the filter %v: %v", attrs, hidden, filter, match)
		}
		if !hidden {
			visible++
		}
	}
	if len(rows) != len(r.Results) {
		t.Errorf("%d rows, want %d", len(rows), len(r.Results))
	}
	if visible != want {
		t.Errorf("%d rows visible with filter %v, want %d", visible, filter, want)
	}
	if got := textOf(t, dom, `<strong id="shown-count">`); got != strconv.Itoa(want) {
		t.Errorf("shown count says %q, want %d", got, want)
	}
	wantCounts := strconv.Itoa(byStatus["FAIL"]) + " FAIL · " + strconv.Itoa(byStatus["ERROR"]) + " ERROR · " +
		strconv.Itoa(byStatus["WAIVED"]) + " WAIVED · " + strconv.Itoa(byStatus["PASS"]) + " PASS"
	if got := textOf(t, dom, `<span id="shown-by-status">`); got != wantCounts {
		t.Errorf("status counts say %q, want %q", got, wantCounts)
	}
}

func matches(res Result, filter map[string]string) bool {
	values := map[string]string{
		"team": teamName(res.Team), "severity": string(res.Severity), "status": string(res.Status), "service": res.Service(),
	}
	for k, v := range filter {
		if values[k] != v {
			return false
		}
	}
	return true
}

// dumpDOM loads url in headless Chromium, without network or profile, and
// returns the DOM after the page's script has run.
func dumpDOM(t *testing.T, chromium, dir, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	profile, err := os.MkdirTemp(dir, "profile-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir="+profile, "--dump-dom", url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom %s: %v\n%s", url, err, stderr.String())
	}
	if stdout.Len() == 0 {
		t.Fatalf("chromium dumped nothing for %s\n%s", url, stderr.String())
	}
	return stdout.String()
}

// section is the part of s from the first start to the next end.
func section(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("no %q in the page", start)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("no %q after %q", end, start)
	}
	return s[i : i+j]
}

// textOf is the text right after the first occurrence of marker, up to the
// next tag.
func textOf(t *testing.T, s, marker string) string {
	t.Helper()
	i := strings.Index(s, marker)
	if i < 0 {
		t.Fatalf("no %q in the page", marker)
	}
	rest := s[i+len(marker):]
	if j := strings.IndexByte(rest, '<'); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// checkTeamCards: under a team filter the headline cards count that team's
// results, and the coverage grid shows only the team's accounts.
func checkTeamCards(t *testing.T, dom string, r *Report, team string) {
	t.Helper()
	var mine []Result
	accounts := map[string]bool{}
	for _, res := range r.Results {
		if teamName(res.Team) == team {
			mine = append(mine, res)
			accounts[res.AccountID] = true
		}
	}
	s := Summarize(mine)
	for name, want := range map[string]int{"fail": s.Fail, "error": s.Error, "pass": s.Pass, "total": s.Total} {
		if got := textOf(t, dom, `data-count="`+name+`">`); got != strconv.Itoa(want) {
			t.Errorf("team %s: %s card shows %q, want %d", team, name, got, want)
		}
	}
	grid := section(t, dom, `<table id="heatmap"`, `</table>`)
	rows := regexp.MustCompile(`<tr data-teams="[^"]*"[^>]*>\s*<th scope="row">[^<]*\((\d{12})\)`).FindAllStringSubmatch(grid, -1)
	if len(rows) != len(demoAccounts) {
		t.Errorf("team %s: %d coverage rows found, want %d", team, len(rows), len(demoAccounts))
	}
	for _, row := range rows {
		hidden := strings.Contains(row[0], " hidden")
		if hidden == accounts[row[1]] {
			t.Errorf("team %s: coverage row of %s hidden=%v", team, row[1], hidden)
		}
	}
}
