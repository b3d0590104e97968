package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultMarkdownMaxBytes is the largest Markdown report written by default:
// the size limit of a GitHub Actions step summary.
const DefaultMarkdownMaxBytes = 1 << 20

// markdownMessageWidth is the longest message shown in a Markdown table, in
// characters; the JSON and HTML reports have the full text.
const markdownMessageWidth = 200

// MarkdownWriter writes the weekly-review page: the totals and the score,
// then one section per team with its failing results by severity, what
// changed since the previous scan and its waivers, flagged when they expire
// soon. It renders as GitHub-flavoured Markdown and fits in a step summary:
// beyond MaxBytes whole rows are cut and a note says how many.
//
// Text from AWS is made inert: control characters become spaces and every
// character Markdown or HTML would interpret (| ` * _ [ ] ~ < > & \) is
// escaped, so a tag value cannot break a table, inject a link or markup.
type MarkdownWriter struct {
	MaxBytes int // 0 means DefaultMarkdownMaxBytes
}

// Extension implements Writer.
func (MarkdownWriter) Extension() string { return "md" }

// Write renders a report, a diff or the control catalogue as Markdown. It
// does not modify doc.
func (m MarkdownWriter) Write(w io.Writer, doc Document) error {
	switch doc := doc.(type) {
	case *Report:
		return m.writeReport(w, doc)
	case *Diff:
		return m.writeDiff(w, doc)
	case Catalogue:
		return m.writeCatalogue(w, doc)
	}
	return &UnsupportedError{Format: "markdown", Kind: doc.Kind()}
}

// writeReport renders r. It does not modify r.
func (m MarkdownWriter) writeReport(w io.Writer, r *Report) error {
	limit := cmp.Or(m.MaxBytes, DefaultMarkdownMaxBytes)
	doc := markdownDocument(r)
	if _, err := w.Write(doc.render(limit)); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// rowKind is what a cuttable row stands for, named in the truncation note.
type rowKind int

const (
	rowResult rowKind = iota
	rowTeam
	rowChange
	rowWaiver
	rowCollectionError
	rowCoverageGap
	rowKinds
)

var rowKindNouns = [rowKinds][2]string{
	rowResult:          {"result", "results"},
	rowTeam:            {"team", "teams"},
	rowChange:          {"change", "changes"},
	rowWaiver:          {"waiver", "waivers"},
	rowCollectionError: {"collection error", "collection errors"},
	rowCoverageGap:     {"coverage gap", "coverage gaps"},
}

// mdBlock is a heading or paragraph (head), then table rows that may be cut
// one by one, then text that closes the block (tail). When the first row
// does not fit, the head is left out too: no table without rows.
type mdBlock struct {
	head string
	rows []string
	kind rowKind
	tail string
}

type mdDocument []mdBlock

// render writes the blocks within limit bytes. Once a row does not fit,
// nothing more is written but the note saying what was cut.
func (d mdDocument) render(limit int) []byte {
	const noteReserve = 256
	budget := limit - noteReserve
	var buf bytes.Buffer
	var cut [rowKinds]int
	cutting := false
	for _, b := range d {
		if cutting {
			cut[b.kind] += len(b.rows)
			continue
		}
		first := ""
		if len(b.rows) > 0 {
			first = b.rows[0]
		}
		if buf.Len()+len(b.head)+len(first)+len(b.tail) > budget {
			cutting = true
			cut[b.kind] += len(b.rows)
			continue
		}
		buf.WriteString(b.head)
		for i, row := range b.rows {
			if buf.Len()+len(row)+len(b.tail) > budget {
				cutting = true
				cut[b.kind] += len(b.rows) - i
				break
			}
			buf.WriteString(row)
		}
		buf.WriteString(b.tail)
	}
	if cutting {
		var parts []string
		for k, n := range cut {
			if n > 0 {
				noun := rowKindNouns[k][1]
				if n == 1 {
					noun = rowKindNouns[k][0]
				}
				parts = append(parts, fmt.Sprintf("%d more %s", n, noun))
			}
		}
		if len(parts) == 0 {
			parts = []string{"the rest of the report"}
		}
		fmt.Fprintf(&buf, "\n> **Truncated:** … %s cut to fit %s. The JSON and HTML reports have everything.\n",
			joinAnd(parts), byteSize(limit))
	}
	return buf.Bytes()
}

func markdownDocument(r *Report) mdDocument {
	var d mdDocument
	var b strings.Builder

	b.WriteString("# Baseline report\n\n")
	fmt.Fprintf(&b, "%s · scanned %s · %s × %s\n\n",
		mdText(cmp.Or(r.Tool.Name, "baseline")+" "+r.Tool.Version, 0),
		formatScanTime(r.GeneratedAt),
		plural(len(r.Scope.Accounts), "account", "accounts"),
		plural(len(r.Scope.Regions), "region", "regions"))
	s := r.Summary
	fmt.Fprintf(&b, "**Score %s** · %s: %d FAIL, %d ERROR, %d WAIVED, %d PASS",
		strconv.FormatFloat(s.Score, 'f', 1, 64), plural(s.Total, "result", "results"), s.Fail, s.Error, s.Waived, s.Pass)
	if s.NotApplicable > 0 {
		fmt.Fprintf(&b, ", %d NOT_APPLICABLE (not shown, not scored)", s.NotApplicable)
	}
	b.WriteString("\n\n")
	b.WriteString("| Severity | FAIL | ERROR | WAIVED | PASS |\n|:--|--:|--:|--:|--:|\n")
	for _, sev := range Severities {
		c := s.BySeverity[sev]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", sev, c.Fail, c.Error, c.Waived, c.Pass)
	}
	b.WriteString("\n")
	d = append(d, mdBlock{head: b.String()})

	changes := changeRows(r.Diff)
	changesByTeam := map[string][]changeRow{}
	for _, c := range changes {
		changesByTeam[teamName(c.Team)] = append(changesByTeam[teamName(c.Team)], c)
	}
	teams := groupByTeam(r.Results, func(r *Result) bool { return r.Cause != CauseCollectionError })
	for _, name := range sortedKeys(mapKeys(changesByTeam)) {
		if !slices.ContainsFunc(teams, func(t teamResults) bool { return t.name == name }) {
			teams = append(teams, teamResults{name: name})
		}
	}
	sortTeams(teams)

	if r.Diff != nil {
		var b strings.Builder
		b.WriteString("## Changes since the previous scan\n\n")
		fmt.Fprintf(&b, "Compared with the scan of %s: %s", formatScanTime(r.Diff.Previous.GeneratedAt), diffCountsText(r.Diff.Summary))
		if s := r.Diff.Summary; s.CoverageLost+s.CoverageGained > 0 {
			fmt.Fprintf(&b, " · coverage: %d lost, %d gained", s.CoverageLost, s.CoverageGained)
		}
		b.WriteString(".\n\n")
		b.WriteString(scopeChangeLine(r.Diff))
		var rows []string
		for _, c := range r.Diff.CoverageLost {
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s → %s | %s |\n",
				mdText(c.AccountID, 0), mdText(c.Region, 0), mdText(c.Service, 0),
				mdText(cmp.Or(string(c.PreviousState), "absent"), 0), mdText(cmp.Or(string(c.State), "absent"), 0), mdText(teamName(c.Team), 0)))
		}
		block := mdBlock{head: b.String()}
		if len(rows) > 0 {
			block = mdBlock{
				head: b.String() + "Coverage lost:\n\n| Account | Region | Service | Before → now | Team |\n|:--|:--|:--|:--|:--|\n",
				rows: rows, kind: rowChange, tail: "\n",
			}
		}
		d = append(d, block)
	}

	if len(teams) > 1 {
		var rows []string
		for _, t := range teams {
			row := fmt.Sprintf("| %s | %d | %d | %d | %d | %d |",
				mdText(t.name, 0), t.count(StatusFail), t.count(StatusError), t.count(StatusWaived), t.expiringWaivers(r.GeneratedAt), t.count(StatusPass))
			if r.Diff != nil {
				n, f := 0, 0
				for _, c := range changesByTeam[t.name] {
					if c.Change == "fixed" {
						f++
					} else {
						n++
					}
				}
				row += fmt.Sprintf(" %d | %d |", n, f)
			}
			rows = append(rows, row+"\n")
		}
		head := "## Teams\n\n| Team | FAIL | ERROR | WAIVED | Waivers expiring ≤ 14 days | PASS |"
		sep := "|:--|--:|--:|--:|--:|--:|"
		if r.Diff != nil {
			head += " New or regressed | Fixed |"
			sep += "--:|--:|"
		}
		d = append(d, mdBlock{head: head + "\n" + sep + "\n", rows: rows, kind: rowTeam, tail: "\n"})
	}

	if trend := markdownTrend(r.History); trend != "" {
		d = append(d, mdBlock{head: trend})
	}

	for _, t := range teams {
		d = append(d, t.markdownBlocks(r.GeneratedAt, r.Diff != nil, changesByTeam[t.name])...)
	}

	var attention []WaiverStatus
	for _, w := range r.Waivers {
		if w.State == WaiverExpiring || w.State == WaiverExpired || w.State == WaiverUnused {
			attention = append(attention, w)
		}
	}
	if len(attention) > 0 {
		slices.SortStableFunc(attention, func(a, b WaiverStatus) int {
			return cmp.Or(cmp.Compare(a.Expires, b.Expires), cmp.Compare(a.Control, b.Control))
		})
		rows := make([]string, len(attention))
		for i, w := range attention {
			rows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |\n",
				mdText(string(w.State), 0), mdText(w.Control, 0), mdText(waiverScope(w), 80), mdText(w.Owner, 0),
				mdText(w.Expires, 0), mdText(waiverStateText(w), 0), mdText(w.Reason, markdownMessageWidth))
		}
		d = append(d, mdBlock{
			head: "## Waivers needing attention\n\nExpiring within 14 days, expired (their failures are FAIL again) or unused (nothing matched: remove or fix them).\n\n" +
				"| State | Control | Scope | Owner | Expires | | Reason |\n|:--|:--|:--|:--|:--|:--|:--|\n",
			rows: rows, kind: rowWaiver, tail: "\n",
		})
	}

	if owned := ErrorOwned(r.Results); len(owned) > 0 {
		rows := make([]string, len(owned))
		for i, res := range owned {
			rows[i] = mdResultRow(res)
		}
		d = append(d, mdBlock{
			head: fmt.Sprintf("## Not observed: for %s to fix (%d)\n\nERROR because a call failed (denied, throttled, unreachable): owned by the error owner (--error-owner), not by the accounts' teams.\n\n",
				mdText(owned[0].Team, 0), len(owned)) + mdResultHeader,
			rows: rows, kind: rowResult, tail: "\n",
		})
	}

	if len(r.Errors) > 0 {
		var rows []string
		for _, e := range sortedErrors(r.Errors) {
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n",
				mdText(e.AccountID, 0), mdText(e.Region, 0), mdText(e.Service, 0), mdText(e.Operation, 0),
				mdText(e.Code, 0), mdText(e.Message, markdownMessageWidth)))
		}
		d = append(d, mdBlock{
			head: fmt.Sprintf("## Collection errors (%d)\n\nNot observed, so reported as ERROR, never PASS.\n\n"+
				"| Account | Region | Service | Operation | Code | Message |\n|:--|:--|:--|:--|:--|:--|\n", len(r.Errors)),
			rows: rows, kind: rowCollectionError, tail: "\n",
		})
	}

	if len(r.CoverageGaps) > 0 {
		var rows []string
		for _, g := range sortedCoverageGaps(r.CoverageGaps) {
			rows = append(rows, fmt.Sprintf("- %s · %s · %s: %s\n",
				mdText(g.AccountID, 0), mdText(g.Region, 0), mdText(g.Service, 0), mdText(g.Reason, 0)))
		}
		d = append(d, mdBlock{
			head: fmt.Sprintf("## Administrator coverage gaps (%d)\n\nNot covered by the delegated administrator, so collected directly in the account.\n\n", len(r.CoverageGaps)),
			rows: rows, kind: rowCoverageGap, tail: "\n",
		})
	}
	return d
}

const mdResultHeader = "| Status | Severity | Control | Account | Region | Resource | Message |\n|:--|:--|:--|:--|:--|:--|:--|\n"

func mdResultRow(res Result) string {
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |\n",
		mdText(string(res.Status), 0), mdText(string(res.Severity), 0), mdText(res.ControlID, 0),
		mdAccount(res), mdText(res.Region, 0), mdText(shortResource(res), 0), mdText(res.Message, markdownMessageWidth))
}

func (t teamResults) markdownBlocks(now time.Time, hasDiff bool, changes []changeRow) []mdBlock {
	var failing, waived []*Result
	for _, res := range attentionOrder(t.results) {
		switch res.Status {
		case StatusFail, StatusError:
			failing = append(failing, res)
		case StatusWaived:
			waived = append(waived, res)
		}
	}
	slices.SortStableFunc(waived, func(a, b *Result) int {
		return cmp.Compare(waiverExpires(a.Waiver), waiverExpires(b.Waiver))
	})

	heading := fmt.Sprintf("## %s\n\n%d FAIL · %d ERROR · %d WAIVED · %d PASS",
		mdText(t.name, 0), t.count(StatusFail), t.count(StatusError), t.count(StatusWaived), t.count(StatusPass))
	if n := t.expiringWaivers(now); n > 0 {
		heading += fmt.Sprintf(" · ⚠️ %s expiring within %d days", plural(n, "waiver", "waivers"), ExpiringWithinDays)
	}
	heading += "\n\n"

	var blocks []mdBlock
	if len(failing) == 0 {
		heading += "No failing controls.\n\n"
	} else {
		rows := make([]string, len(failing))
		for i, res := range failing {
			rows[i] = mdResultRow(*res)
		}
		blocks = append(blocks, mdBlock{head: heading + "### Failing\n\n" + mdResultHeader, rows: rows, kind: rowResult, tail: "\n"})
		heading = ""
	}

	if hasDiff {
		if len(changes) == 0 {
			heading += "No changes since the previous scan.\n\n"
		} else {
			rows := make([]string, len(changes))
			for i, c := range changes {
				rows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |\n",
					mdText(c.changeLabel(), 0), mdText(string(c.Severity), 0), mdText(c.ControlID, 0),
					mdAccount(Result{AccountID: c.AccountID, AccountName: c.AccountName}), mdText(c.Region, 0),
					mdText(shortResource(Result{AccountID: c.AccountID, Resource: c.Resource}), 0), mdText(c.Message, markdownMessageWidth))
			}
			blocks = append(blocks, mdBlock{
				head: heading + "### Changes since the previous scan\n\n| Change | Severity | Control | Account | Region | Resource | Message |\n|:--|:--|:--|:--|:--|:--|:--|\n",
				rows: rows, kind: rowChange, tail: "\n",
			})
			heading = ""
		}
	}

	if len(waived) > 0 {
		rows := make([]string, len(waived))
		for i, res := range waived {
			owner, reason := "", ""
			if res.Waiver != nil {
				owner, reason = res.Waiver.Owner, res.Waiver.Reason
			}
			rows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |\n",
				mdText(res.ControlID, 0), mdAccount(*res), mdText(res.Region, 0), mdText(shortResource(*res), 0),
				mdText(owner, 0), mdExpiry(res.Waiver, now), mdText(reason, markdownMessageWidth))
		}
		blocks = append(blocks, mdBlock{
			head: heading + "### Waived\n\n| Control | Account | Region | Resource | Owner | Expires | Reason |\n|:--|:--|:--|:--|:--|:--|:--|\n",
			rows: rows, kind: rowResult, tail: "\n",
		})
		heading = ""
	}
	if heading != "" {
		blocks = append(blocks, mdBlock{head: heading})
	}
	return blocks
}

func mdAccount(res Result) string {
	if res.AccountName == "" {
		return mdText(res.AccountID, 0)
	}
	return mdText(res.AccountName, 40) + " (" + mdText(res.AccountID, 0) + ")"
}

// mdExpiry is the waiver's expiry date, flagged when it is close.
func mdExpiry(w *Waiver, now time.Time) string {
	if w == nil {
		return ""
	}
	days, ok := waiverDaysLeft(w, now)
	switch {
	case !ok:
		return mdText(w.Expires, 0)
	case days < 0:
		return mdText(w.Expires, 0) + " ⚠️ expired"
	case days <= ExpiringWithinDays:
		return mdText(w.Expires, 0) + " ⚠️ " + daysLeftText(days)
	}
	return mdText(w.Expires, 0)
}

// joinAnd is "a", "a and b", "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// byteSize is e.g. "1 MiB" or "4096 bytes".
func byteSize(n int) string {
	if n%(1<<20) == 0 {
		return strconv.Itoa(n>>20) + " MiB"
	}
	if n%(1<<10) == 0 {
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// writeDiff writes a diff as GitHub-flavoured Markdown.
func (MarkdownWriter) writeDiff(w io.Writer, d *Diff) error {
	var b strings.Builder
	s := d.Summary
	fmt.Fprintf(&b, "## Changes since the previous scan\n\nCompared with the report of %s.\n\n", d.Previous.GeneratedAt.UTC().Format(time.RFC3339))
	b.WriteString(scopeChangeLine(d))
	b.WriteString("| new | regressed | fixed | still failing | waived | unobserved | coverage lost | coverage gained |\n|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d |\n", s.New, s.Regressed, s.Fixed, s.StillFailing, s.Waived, s.Unobserved, s.CoverageLost, s.CoverageGained)
	for _, t := range diffTeams(d) {
		var rows []string
		for _, c := range diffCategories {
			for _, r := range c.list(t) {
				rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |", c.label, mdText(string(r.Severity), 0), mdText(r.ControlID, 0), mdText(diffAccount(r), 0), mdText(r.Region, 0),
					mdText(r.Resource, 0), mdText(diffStatusChange(string(r.PreviousStatus), string(r.Status)), 0)))
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n| change | severity | control | account | region | resource | status |\n|:--|:--|:--|:--|:--|:--|:--|\n%s\n", mdText(teamName(t.Team), 0), strings.Join(rows, "\n"))
	}
	if len(d.CoverageLost)+len(d.CoverageGained) > 0 {
		b.WriteString("\n### Coverage\n\n| change | service | account | region | state |\n|:--|:--|:--|:--|:--|\n")
		for _, l := range []struct {
			label string
			list  []CoverageChange
		}{{"LOST", d.CoverageLost}, {"GAINED", d.CoverageGained}} {
			for _, c := range l.list {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", l.label, mdText(c.Service, 0), mdText(c.AccountID, 0), mdText(c.Region, 0), mdText(diffStatusChange(string(c.PreviousState), string(c.State)), 0))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCatalogue writes the control catalogue as the Markdown table of
// `policies doc` (the README embeds it). Descriptions are the control
// authors' Markdown and stay Markdown, kept inside their cell.
func (MarkdownWriter) writeCatalogue(w io.Writer, c Catalogue) error {
	var b strings.Builder
	b.WriteString("| control | severity | scope | passes when | references |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, ctl := range c {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n",
			ctl.ID, ctl.Severity, ctl.Scope, mdCell(ctl.Description), mdCell(strings.Join(ctl.References, "; ")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// scopeChangeLine says once that the scan scope changed and how many
// failures that leaves out of the comparison; empty when it did not.
func scopeChangeLine(d *Diff) string {
	if d.ScopeChange.Empty() {
		return ""
	}
	return fmt.Sprintf("**The scan scope changed** (%s): %s in accounts or regions this scan no longer covers %s out of scope, not fixed; failures where it newly looks are new.\n\n",
		mdText(d.ScopeChange.Text(), 0), plural(d.Summary.OutOfScope, "failure", "failures"), map[bool]string{true: "is", false: "are"}[d.Summary.OutOfScope == 1])
}
