package report

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// sparkBlocks are the eight levels of a text sparkline, lowest first.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// textSparkline draws values as block characters scaled between their
// minimum and maximum (a flat series is drawn at the lowest level).
func textSparkline(values []float64) string {
	if len(values) == 0 {
		return ""
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	var b strings.Builder
	for _, v := range values {
		i := 0
		if hi > lo {
			i = int((v - lo) / (hi - lo) * float64(len(sparkBlocks)-1))
		}
		b.WriteRune(sparkBlocks[i])
	}
	return b.String()
}

// svgSparkline draws values as an inline SVG polyline of width × height
// pixels (no external asset, nothing the CSP has to allow); label is its
// accessible name.
func svgSparkline(values []float64, width, height int, label string) string {
	if len(values) == 0 {
		return ""
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	pad := 2.0
	w, h := float64(width)-2*pad, float64(height)-2*pad
	var pts []string
	for i, v := range values {
		x := pad
		if len(values) > 1 {
			x += w * float64(i) / float64(len(values)-1)
		}
		y := pad + h/2
		if hi > lo {
			y = pad + h*(1-(v-lo)/(hi-lo))
		}
		pts = append(pts, strconv.FormatFloat(x, 'f', 1, 64)+","+strconv.FormatFloat(y, 'f', 1, 64))
	}
	return fmt.Sprintf(`<svg class="spark" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="%s"/></svg>`,
		width, height, width, height, html.EscapeString(label), strings.Join(pts, " "))
}

// trendSeries returns a team's failing counts and scores, oldest first.
func (t TeamTrend) trendSeries() (failing, score []float64) {
	for _, p := range t.Points {
		failing = append(failing, float64(p.Failing))
		score = append(score, p.Score)
	}
	return failing, score
}

// markdownTrend is the "Trend" section of the Markdown report; empty
// without history.
func markdownTrend(h *History) string {
	if h == nil || len(h.Trend) == 0 {
		return ""
	}
	scans := 0
	for _, t := range h.Trend {
		scans = max(scans, len(t.Points)-1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## Trend\n\nFAIL count and score per team over the last %s and this one (oldest first).\n\n", plural(scans, "earlier scan", "earlier scans"))
	b.WriteString("| Team | FAIL | Score | FAIL trend | Score trend |\n|:--|:--|:--|:--|:--|\n")
	for _, t := range h.Trend {
		failing, score := t.trendSeries()
		var f, s []string
		for i := range failing {
			f = append(f, strconv.Itoa(int(failing[i])))
			s = append(s, strconv.FormatFloat(score[i], 'f', 1, 64))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdText(teamName(t.Team), 0), strings.Join(f, " → "), strings.Join(s, " → "), textSparkline(failing), textSparkline(score))
	}
	b.WriteString("\n")
	return b.String()
}
