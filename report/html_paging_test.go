package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// pagedReport has n FAIL results of one account, owned in turn by three
// teams, severities in turn: more than htmlPageRows makes a paged table.
func pagedReport(n int) *Report {
	teams := []string{"payments", "data", "web"}
	r := &Report{Tool: Tool{Name: "baseline", Version: "test"}, GeneratedAt: sampleReport().GeneratedAt}
	r.Scope.Accounts = []string{"111122223333"}
	r.Scope.Regions = []string{"eu-west-1"}
	for i := range n {
		r.Results = append(r.Results, Result{
			ControlID: "ec2.imdsv2",
			Control:   &ControlText{Title: "Instances require IMDSv2", Service: "ec2"}, Severity: Severities[i%len(Severities)],
			Status: StatusFail, AccountID: "111122223333", Region: "eu-west-1", Team: teams[i%len(teams)],
			Resource: fmt.Sprintf("arn:aws:ec2:eu-west-1:111122223333:instance/i-%017x", i), Message: "IMDSv1 allowed",
		})
	}
	r.Finalize()
	return r
}

var findingsRow = regexp.MustCompile(`<tr data-team="[^"]*" data-severity="[^"]*" data-status="[^"]*" data-service="[^"]*"( hidden)?>`)

// TestHTMLPagesLongTables: a findings table longer than htmlPageRows displays
// its first htmlPageRows rows and hides the rest (which cost the browser no
// style or layout work), so a 1,000-account page opens in seconds; a short
// table is not paged at all.
func TestHTMLPagesLongTables(t *testing.T) {
	for _, tt := range []struct {
		results, hidden int
		paged           bool
	}{
		{htmlPageRows, 0, false},
		{htmlPageRows + 1, 1, true},
		{2*htmlPageRows + 50, htmlPageRows + 50, true},
	} {
		t.Run(fmt.Sprint(tt.results), func(t *testing.T) {
			page := renderHTML(t, pagedReport(tt.results))
			rows := findingsRow.FindAllStringSubmatch(section(t, page, `<table id="findings"`, `</table>`), -1)
			if len(rows) != tt.results {
				t.Fatalf("%d rows, want %d", len(rows), tt.results)
			}
			for i, row := range rows {
				if hidden := row[1] != ""; hidden != (i >= htmlPageRows) {
					t.Errorf("row %d hidden=%v, want the first %d rows displayed and the rest hidden", i, hidden, htmlPageRows)
				}
			}
			for _, marker := range []string{fmt.Sprintf(`data-page="%d"`, htmlPageRows), `id="paging"`, `id="show-more"`, `id="page-note"`} {
				if strings.Contains(page, marker) != tt.paged {
					t.Errorf("page has %s: %v, want %v", marker, !tt.paged, tt.paged)
				}
			}
		})
	}
}

// coverageReport has accounts accounts in two regions, owned by teams a
// (even accounts) and b (odd), Security Hub enabled in the even ones and
// disabled in the odd ones.
func coverageReport(accounts int) *Report {
	r := &Report{Tool: Tool{Name: "baseline", Version: "test"}, GeneratedAt: sampleReport().GeneratedAt}
	r.Scope.Regions = []string{"eu-west-1", "us-east-1"}
	for a := range accounts {
		account := fmt.Sprintf("%012d", 200000000000+a)
		r.Scope.Accounts = append(r.Scope.Accounts, account)
		team, state := "a", CoverageEnabled
		if a%2 == 1 {
			team, state = "b", CoverageDisabled
		}
		for _, region := range r.Scope.Regions {
			r.Coverage = append(r.Coverage, Coverage{AccountID: account, Region: region, Service: "securityhub", State: state})
			r.Results = append(r.Results, Result{ControlID: "securityhub.enabled",
				Control:  &ControlText{Title: "Security Hub is enabled", Service: "securityhub"},
				Severity: SeverityHigh, Status: map[bool]Status{true: StatusPass, false: StatusFail}[state == CoverageEnabled],
				AccountID: account, Region: region, Team: team, Message: "Security Hub is " + string(state)})
		}
	}
	r.Finalize()
	return r
}

// TestHTMLCoverageSummaryByTeam: above htmlMaxGridAccounts the coverage is
// summarized per region, and counted again for each team's accounts so that
// it follows the team filter as the grid does.
func TestHTMLCoverageSummaryByTeam(t *testing.T) {
	const accounts = htmlMaxGridAccounts + 10
	page := renderHTML(t, coverageReport(accounts))
	summary := section(t, page, `<table id="heatmap-summary"`, `</table>`)
	bodies := regexp.MustCompile(`(?s)<tbody data-team="([^"]*)"( hidden)?>(.*?)</tbody>`).FindAllStringSubmatch(summary, -1)
	want := []struct {
		team, label string
		hidden      bool
	}{
		{"", fmt.Sprintf("eu-west-1 · securityhub: %d enabled, %d disabled, 0 error, 0 not observed", accounts/2, accounts/2), false},
		{"a", fmt.Sprintf("eu-west-1 · securityhub: %d enabled, 0 disabled, 0 error, 0 not observed", accounts/2), true},
		{"b", fmt.Sprintf("eu-west-1 · securityhub: 0 enabled, %d disabled, 0 error, 0 not observed", accounts/2), true},
	}
	if len(bodies) != len(want) {
		t.Fatalf("%d bodies in the coverage summary, want %d (all, a, b)", len(bodies), len(want))
	}
	for i, w := range want {
		b := bodies[i]
		if b[1] != w.team || (b[2] != "") != w.hidden {
			t.Errorf("body %d: team %q hidden=%v, want %q hidden=%v", i, b[1], b[2] != "", w.team, w.hidden)
		}
		if !strings.Contains(b[3], `title="`+w.label+`"`) {
			t.Errorf("body of team %q has no cell %q:\n%s", w.team, w.label, b[3])
		}
		if n := strings.Count(b[3], "<tr>"); n != 2 {
			t.Errorf("body of team %q has %d rows, want one per region", w.team, n)
		}
	}
}
