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
			ControlID: "ec2.imdsv2", Title: "Instances require IMDSv2", Service: "ec2", Severity: Severities[i%len(Severities)],
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
