package report

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// MetricsWriter writes the report as OpenMetrics 1.0 text
// (application/openmetrics-text; version=1.0.0): gauges of one scan, for the
// node_exporter textfile collector (report.prom in its directory), a
// Pushgateway or any scrape, and Grafana on top. Every family has # HELP and
// # TYPE, a unit family # UNIT, and the text ends with # EOF. No sample has
// a timestamp: the scan's time is baseline_scan_timestamp_seconds.
//
// Counts are zero-filled: every status and severity appears for each
// (team, service) that has results, and every coverage state for each
// service with coverage, so a count that drops to zero is a 0 sample, not
// a series that disappears. Numbers are written as the Prometheus client
// library's OpenMetrics encoder writes them (a test holds this).
type MetricsWriter struct{}

// Extension implements Writer: .prom is the name the textfile collector
// reads.
func (MetricsWriter) Extension() string { return "prom" }

// metricFamily is one family of gauges and its samples, in order.
type metricFamily struct {
	name, help, unit string
	samples          []metricSample
}

type metricSample struct {
	labels [][2]string // name, value; names in sorted order
	value  float64
}

// unassignedTeam is the team label of results without a team, as the other
// formats name them.
const unassignedTeam = "unassigned"

// Write renders r.
func (MetricsWriter) Write(w io.Writer, doc Document) error {
	r, ok := doc.(*Report)
	if !ok {
		return &UnsupportedError{Format: "metrics", Kind: doc.Kind()}
	}
	bw := bufio.NewWriter(w)
	for _, f := range metricFamilies(r) {
		if len(f.samples) > 0 { // no errors, no gaps: no family
			writeMetricFamily(bw, f)
		}
	}
	bw.WriteString("# EOF\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write metrics report: %w", err)
	}
	return nil
}

func metricFamilies(r *Report) []metricFamily {
	version := cmp.Or(r.SchemaVersion, SchemaVersion)
	fams := []metricFamily{
		{name: "baseline_scan_info", help: "The scan's tool version and report schema version, as labels; always 1.",
			samples: []metricSample{{labels: [][2]string{{"schema_version", version}, {"version", r.Tool.Version}}, value: 1}}},
		{name: "baseline_scan_timestamp_seconds", unit: "seconds", help: "When the report was generated, in seconds since the Unix epoch.",
			samples: []metricSample{{value: float64(r.GeneratedAt.Unix())}}},
	}
	if r.ScanSeconds > 0 {
		fams = append(fams, metricFamily{name: "baseline_scan_duration_seconds", unit: "seconds",
			help:    "Wall time of the scan, from the start of discovery to the report (the longest shard's for a merge).",
			samples: []metricSample{{value: r.ScanSeconds}}})
	}
	fams = append(fams,
		metricFamily{name: "baseline_accounts", help: "Accounts in the scan's scope.", samples: []metricSample{{value: float64(len(r.Scope.Accounts))}}},
		metricFamily{name: "baseline_regions", help: "Regions in the scan's scope.", samples: []metricSample{{value: float64(len(r.Scope.Regions))}}},
	)
	// A scan that judged nothing (an empty shard, no accounts) has no score
	// sample: the report's 100 would graph as a perfect baseline.
	var score []metricSample
	if r.Summary.Total-r.Summary.NotApplicable > 0 {
		score = []metricSample{{value: r.Summary.Score}}
	}
	fams = append(fams, metricFamily{name: "baseline_score", help: "100 x (pass + waived) / (total - not_applicable), as in the report's summary.score; no sample when nothing was judged.",
		samples: score})

	// Results by team, service, status and severity.
	type cell struct{ team, service string }
	type key struct {
		cell
		status   Status
		severity Severity
	}
	counts := map[key]int{}
	cells := map[cell]bool{}
	for _, res := range r.Results {
		c := cell{cmp.Or(res.Team, unassignedTeam), res.Service()}
		cells[c] = true
		counts[key{c, res.Status, res.Severity}]++
	}
	statuses := []Status{StatusPass, StatusFail, StatusError, StatusWaived, StatusNotApplicable}
	results := metricFamily{name: "baseline_results", help: "Results of the scan by service, severity, status (PASS, FAIL, ERROR, WAIVED, NOT_APPLICABLE) and team (unassigned without one)."}
	for _, c := range slices.SortedFunc(maps.Keys(cells), func(a, b cell) int {
		return cmp.Or(cmp.Compare(a.team, b.team), cmp.Compare(a.service, b.service))
	}) {
		for _, st := range statuses {
			for _, sev := range Severities {
				results.samples = append(results.samples, metricSample{
					labels: [][2]string{{"service", c.service}, {"severity", string(sev)}, {"status", string(st)}, {"team", c.team}},
					value:  float64(counts[key{c, st, sev}]),
				})
			}
		}
	}
	// A severity the report does not know (a custom policy's) is counted
	// too, after the known ones, rather than dropped.
	var odd []key
	for k := range counts {
		if k.severity.Rank() == 0 || !slices.Contains(statuses, k.status) {
			odd = append(odd, k)
		}
	}
	slices.SortFunc(odd, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.team, b.team), cmp.Compare(a.service, b.service), cmp.Compare(a.status, b.status), cmp.Compare(a.severity, b.severity))
	})
	for _, k := range odd {
		results.samples = append(results.samples, metricSample{
			labels: [][2]string{{"service", k.service}, {"severity", string(k.severity)}, {"status", string(k.status)}, {"team", k.team}},
			value:  float64(counts[k]),
		})
	}
	fams = append(fams, results)

	// Coverage cells by service and state.
	cov := map[[2]string]int{}
	covServices := map[string]bool{}
	for _, c := range r.Coverage {
		covServices[c.Service] = true
		cov[[2]string{c.Service, string(c.State)}]++
	}
	coverage := metricFamily{name: "baseline_coverage_cells", help: "(account, region) cells of each security service by state: enabled, disabled, or error (not observed)."}
	states := []string{string(CoverageEnabled), string(CoverageDisabled), string(CoverageError)}
	for _, svc := range slices.Sorted(maps.Keys(covServices)) {
		for _, st := range states {
			coverage.samples = append(coverage.samples, metricSample{labels: [][2]string{{"service", svc}, {"state", st}}, value: float64(cov[[2]string{svc, st}])})
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(cov), func(a, b [2]string) int { return cmp.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) }) {
		if !slices.Contains(states, k[1]) {
			coverage.samples = append(coverage.samples, metricSample{labels: [][2]string{{"service", k[0]}, {"state", k[1]}}, value: float64(cov[k])})
		}
	}
	fams = append(fams, coverage)

	fams = append(fams, countBy("baseline_collection_errors", "Failed AWS calls of the scan by service and AWS error code: each makes the controls that needed it ERROR.",
		len(r.Errors), func(i int) [2]string { return [2]string{r.Errors[i].Service, r.Errors[i].Code} }, "code"))
	fams = append(fams, countBy("baseline_coverage_gaps", "(account, region) cells the delegated administrator did not cover, by service and reason; they were collected directly.",
		len(r.CoverageGaps), func(i int) [2]string { return [2]string{r.CoverageGaps[i].Service, r.CoverageGaps[i].Reason} }, "reason"))
	return fams
}

// countBy is a family counting n items by service and one other label, in
// label order; with no items it has no samples and is not written.
func countBy(name, help string, n int, labels func(int) [2]string, other string) metricFamily {
	counts := map[[2]string]int{}
	for i := range n {
		counts[labels(i)]++
	}
	f := metricFamily{name: name, help: help}
	for _, k := range slices.SortedFunc(maps.Keys(counts), func(a, b [2]string) int { return cmp.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) }) {
		l := [][2]string{{"service", k[0]}, {other, k[1]}}
		slices.SortFunc(l, func(a, b [2]string) int { return cmp.Compare(a[0], b[0]) })
		f.samples = append(f.samples, metricSample{labels: l, value: float64(counts[k])})
	}
	return f
}

func writeMetricFamily(w *bufio.Writer, f metricFamily) {
	fmt.Fprintf(w, "# HELP %s %s\n", f.name, escapeMetricText(f.help))
	fmt.Fprintf(w, "# TYPE %s gauge\n", f.name)
	if f.unit != "" {
		fmt.Fprintf(w, "# UNIT %s %s\n", f.name, f.unit)
	}
	for _, s := range f.samples {
		w.WriteString(f.name)
		if len(s.labels) > 0 {
			w.WriteByte('{')
			for i, l := range s.labels {
				if i > 0 {
					w.WriteByte(',')
				}
				w.WriteString(l[0])
				w.WriteString(`="`)
				w.WriteString(escapeMetricText(l[1]))
				w.WriteByte('"')
			}
			w.WriteByte('}')
		}
		w.WriteByte(' ')
		w.WriteString(metricFloat(s.value))
		w.WriteByte('\n')
	}
}

// escapeMetricText escapes a label value or help text as OpenMetrics
// requires (backslash, double quote, newline); invalid UTF-8 (label values
// must be UTF-8) becomes U+FFFD.
func escapeMetricText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// metricFloat formats v as the Prometheus client's OpenMetrics encoder does:
// shortest representation, with ".0" on integers.
func metricFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	b := strconv.AppendFloat(nil, v, 'g', -1, 64)
	if !bytes.ContainsAny(b, "e.") {
		b = append(b, '.', '0')
	}
	return string(b)
}
