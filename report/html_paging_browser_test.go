package report

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/internal/cdp"
)

// pagingState is what the reader sees of the findings table.
type pagingState struct {
	Rows        int      `json:"rows"`        // rows in the table
	AllTeams    []string `json:"allTeams"`    // every row's team, in the table's order
	Displayed   []int    `json:"displayed"`   // indexes of the rows not hidden
	Teams       []string `json:"teams"`       // their teams
	HiddenTall  int      `json:"hiddenTall"`  // hidden rows that still take height
	Shown       string   `json:"shown"`       // the "Showing N" count
	PageCount   string   `json:"pageCount"`   // "the first N are displayed"
	PagingShown bool     `json:"pagingShown"` // the more/all buttons
	More        string   `json:"more"`
	ScrollWidth int      `json:"scrollWidth"`
}

const pagingStateJS = `(function () {
  var st = {rows: 0, allTeams: [], displayed: [], teams: [], hiddenTall: 0};
  document.querySelectorAll("#findings tbody tr").forEach(function (tr, i) {
    st.rows++;
    st.allTeams.push(tr.getAttribute("data-team"));
    if (tr.hidden) { if (tr.getBoundingClientRect().height > 0) { st.hiddenTall++; } return; }
    st.displayed.push(i); st.teams.push(tr.getAttribute("data-team"));
  });
  st.shown = document.getElementById("shown-count").textContent;
  st.pageCount = document.getElementById("page-count").textContent;
  st.pagingShown = !document.getElementById("paging").hidden;
  st.more = document.getElementById("show-more").textContent;
  st.scrollWidth = document.documentElement.scrollWidth;
  return st;
})()`

// TestHTMLPagingInBrowser drives the paged findings table as a reader
// would, in headless Chromium at desktop and phone width: the first
// htmlPageRows rows, "Show more", "Show all", a filter (which starts again
// from the first matching rows) and a filtered link. Hidden rows take no
// height at 390 px and nothing scrolls sideways.
func TestHTMLPagingInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not on PATH: skipping the browser test of the HTML report (apt-get install chromium)")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	const n = 2*htmlPageRows + 50
	r := pagedReport(n)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(renderHTML(t, r)), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, width := range []int{1280, 390} {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		b, err := cdp.Start(ctx, chromium, dir, width, 800)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		state := func(step, action string) pagingState {
			t.Helper()
			if action != "" {
				if err := b.Evaluate(action, nil); err != nil {
					t.Fatalf("%d px, %s: %v", width, step, err)
				}
			}
			var st pagingState
			if err := b.Evaluate(pagingStateJS, &st); err != nil {
				t.Fatalf("%d px, %s: %v", width, step, err)
			}
			if st.Rows != n {
				t.Errorf("%d px, %s: %d rows in the table, want %d", width, step, st.Rows, n)
			}
			if st.HiddenTall != 0 {
				t.Errorf("%d px, %s: %d hidden rows take height", width, step, st.HiddenTall)
			}
			if st.ScrollWidth > width {
				t.Errorf("%d px, %s: the page is %d px wide: it scrolls sideways", width, step, st.ScrollWidth)
			}
			return st
		}
		want := func(step string, st pagingState, shown string, displayed []int, more string) {
			t.Helper()
			got, _ := json.Marshal(st.Displayed)
			exp, _ := json.Marshal(displayed)
			if string(got) != string(exp) {
				t.Errorf("%d px, %s: rows %s displayed, want %s", width, step, got, exp)
			}
			if st.Shown != shown || st.PageCount != strconv.Itoa(len(displayed)) {
				t.Errorf("%d px, %s: says showing %s, first %s displayed; want %s and %d", width, step, st.Shown, st.PageCount, shown, len(displayed))
			}
			if st.PagingShown != (more != "") || (more != "" && st.More != more) {
				t.Errorf("%d px, %s: paging buttons shown=%v %q, want %q", width, step, st.PagingShown, st.More, more)
			}
		}

		if err := b.Open(page, ""); err != nil {
			t.Fatal(err)
		}
		opened := state("opened", "")
		teamRows := map[string][]int{} // team → its rows' indexes in the table
		for i, team := range opened.AllTeams {
			teamRows[team] = append(teamRows[team], i)
		}
		if len(teamRows["data"]) == 0 || len(teamRows["payments"]) == 0 {
			t.Fatalf("%d px: no rows of teams data and payments: %v", width, opened.AllTeams)
		}
		want("opened", opened, strconv.Itoa(n), span(0, htmlPageRows), "Show 100 more rows")
		want("show more", state("show more", `document.getElementById("show-more").click()`), strconv.Itoa(n), span(0, 2*htmlPageRows), "Show 50 more rows")
		want("show more again", state("show more again", `document.getElementById("show-more").click()`), strconv.Itoa(n), span(0, n), "")

		setTeam := `(function (team) { var f = document.getElementById("filters"); f.elements.team.value = team; f.dispatchEvent(new Event("change")); })`
		st := state("team data", setTeam+`("data")`)
		want("team data", st, strconv.Itoa(len(teamRows["data"])), teamRows["data"], "")
		for _, team := range st.Teams {
			if team != "data" {
				t.Errorf("%d px: a row of team %s is displayed under the data filter", width, team)
			}
		}
		// A new filter starts again from its first page.
		want("all teams", state("all teams", setTeam+`("")`), strconv.Itoa(n), span(0, htmlPageRows), "Show 100 more rows")
		want("show all", state("show all", `document.getElementById("show-all").click()`), strconv.Itoa(n), span(0, n), "")

		if err := b.Open(page, "#team=payments"); err != nil {
			t.Fatal(err)
		}
		want("#team=payments", state("#team=payments", ""), strconv.Itoa(len(teamRows["payments"])), teamRows["payments"], "")
		b.Close()
		cancel()
	}
}

func span(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// TestHTMLCoverageSummaryFollowsTeamInBrowser: on a page whose coverage is
// summarized, the team filter shows that team's counts and no other body.
func TestHTMLCoverageSummaryFollowsTeamInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not on PATH: skipping the browser test of the HTML report (apt-get install chromium)")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(renderHTML(t, coverageReport(htmlMaxGridAccounts+10))), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := cdp.Start(ctx, chromium, dir, 1280, 800)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const shownBodies = `Array.prototype.filter.call(document.querySelectorAll("#heatmap-summary tbody"),
		function (tb) { return !tb.hidden && tb.getBoundingClientRect().height > 0; }).map(function (tb) { return tb.getAttribute("data-team"); })`
	for _, tt := range []struct{ fragment, action, want string }{
		{"", "", ""},
		{"#team=b", "", "b"},
		{"#team=b", `(function () { var f = document.getElementById("filters"); f.elements.team.value = "a"; f.dispatchEvent(new Event("change")); })()`, "a"},
		{"#team=a", `document.querySelector("#filters button[type=reset]").click()`, ""},
	} {
		if err := b.Open(page, tt.fragment); err != nil {
			t.Fatal(err)
		}
		if tt.action != "" {
			if err := b.Evaluate(tt.action, nil); err != nil {
				t.Fatal(err)
			}
		}
		var shown []string
		// The reset applies after a zero timeout: wait for the next task.
		if err := b.Evaluate(`new Promise(function (resolve) { setTimeout(function () { resolve(`+shownBodies+`); }, 0); })`, &shown); err != nil {
			t.Fatal(err)
		}
		if len(shown) != 1 || shown[0] != tt.want {
			t.Errorf("%s then %q: coverage bodies shown %q, want only %q", tt.fragment, tt.action, shown, tt.want)
		}
	}
}
