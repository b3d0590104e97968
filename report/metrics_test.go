package report

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func renderMetrics(t *testing.T, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (MetricsWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parseMetrics parses OpenMetrics text with the Prometheus client's text
// parser (the one node_exporter's textfile collector uses) after checking
// the OpenMetrics framing: one # EOF, last. It returns the families and the
// names in the order of their # TYPE lines, with the units of # UNIT lines.
func parseMetrics(t *testing.T, out []byte) (map[string]*dto.MetricFamily, []string) {
	t.Helper()
	text := string(out)
	if !strings.HasSuffix(text, "\n# EOF\n") && text != "# EOF\n" {
		t.Fatalf("output does not end with the # EOF line:\n%s", text)
	}
	if strings.Count(text, "# EOF") != 1 {
		t.Fatalf("# EOF appears %d times", strings.Count(text, "# EOF"))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("not parseable: %v\n%s", err, text)
	}
	var order []string
	units := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 4 && f[0] == "#" && f[1] == "TYPE":
			order = append(order, f[2])
		case len(f) == 4 && f[0] == "#" && f[1] == "UNIT":
			units[f[2]] = f[3]
			if !strings.HasSuffix(f[2], "_"+f[3]) {
				t.Errorf("%s has unit %s but its name does not end with _%s (OpenMetrics requires it)", f[2], f[3], f[3])
			}
		}
	}
	for name, unit := range units {
		if fams[name] == nil {
			t.Fatalf("# UNIT for %s, which has no samples", name)
		}
		fams[name].Unit = &unit
	}
	if len(order) != len(fams) {
		t.Errorf("%d # TYPE lines for %d families", len(order), len(fams))
	}
	return fams, order
}

// hostileMetricsReport has label values that must be escaped and a severity
// and team the writer does not know beforehand.
func hostileMetricsReport() *Report {
	r := demoLikeReport()
	r.Results[0].Team = "a \"quoted\" \\ team\nwith a newline and \xff bad UTF-8"
	r.Results[1].Severity = "informational"
	r.ScanSeconds = 17.25
	r.Finalize()
	return r
}

// TestMetricsIsOpenMetrics renders reports and checks that the output is
// what the Prometheus client library's own OpenMetrics encoder writes for
// the same families, byte for byte, # EOF included: HELP, TYPE and UNIT
// before the samples, each family once, values and label escaping as
// OpenMetrics 1.0 has them.
func TestMetricsIsOpenMetrics(t *testing.T) {
	for name, r := range map[string]*Report{"sample": sampleReport(), "gaps": gapsReport(), "demo": demoLikeReport(), "empty": emptyReport(), "hostile": hostileMetricsReport()} {
		t.Run(name, func(t *testing.T) {
			out := renderMetrics(t, r)
			fams, order := parseMetrics(t, out)
			var want bytes.Buffer
			for _, n := range order {
				if fams[n].GetType() != dto.MetricType_GAUGE {
					t.Errorf("%s is a %s, want a gauge", n, fams[n].GetType())
				}
				if _, err := expfmt.MetricFamilyToOpenMetrics(&want, fams[n]); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := expfmt.FinalizeOpenMetrics(&want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, want.Bytes()) {
				t.Errorf("output differs from the reference OpenMetrics encoding\ngot:\n%s\nwant:\n%s", out, want.Bytes())
			}
		})
	}
}

// sumWhere adds the samples of family name whose labels include every pair
// of match.
func sumWhere(fams map[string]*dto.MetricFamily, name string, match map[string]string) float64 {
	total := 0.0
	for _, m := range fams[name].GetMetric() {
		ok := true
		for k, v := range match {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			ok = ok && found
		}
		if ok {
			total += m.GetGauge().GetValue()
		}
	}
	return total
}

// TestMetricsCounts checks the numbers against the report: results by
// status, team, severity and service, coverage, errors, score, scope and
// time, and that counts are zero-filled.
func TestMetricsCounts(t *testing.T) {
	r := hostileMetricsReport()
	fams, _ := parseMetrics(t, renderMetrics(t, r))
	for st, want := range map[Status]int{StatusPass: r.Summary.Pass, StatusFail: r.Summary.Fail, StatusError: r.Summary.Error, StatusWaived: r.Summary.Waived, StatusNotApplicable: r.Summary.NotApplicable} {
		if got := sumWhere(fams, "baseline_results", map[string]string{"status": string(st)}); got != float64(want) {
			t.Errorf("results with status %s: %v, want %d", st, got, want)
		}
	}
	type k struct{ team, service, status, severity string }
	want := map[k]int{}
	for _, res := range r.Results {
		team := res.Team
		if team == "" {
			team = "unassigned"
		}
		want[k{strings.ToValidUTF8(team, "\uFFFD"), res.Service(), string(res.Status), string(res.Severity)}]++
	}
	for key, n := range want {
		if got := sumWhere(fams, "baseline_results", map[string]string{"team": key.team, "service": key.service, "status": key.status, "severity": key.severity}); got != float64(n) {
			t.Errorf("results %+v: %v, want %d", key, got, n)
		}
	}
	if got := sumWhere(fams, "baseline_results", nil); got != float64(len(r.Results)) {
		t.Errorf("all results: %v, want %d", got, len(r.Results))
	}
	// Zero-filled: every status × severity for the payments team's ssm.
	if got := len(fams["baseline_results"].GetMetric()); got < 5*4 {
		t.Errorf("%d result samples", got)
	}
	n := 0
	for _, m := range fams["baseline_results"].GetMetric() {
		var team, svc string
		for _, l := range m.GetLabel() {
			switch l.GetName() {
			case "team":
				team = l.GetValue()
			case "service":
				svc = l.GetValue()
			}
		}
		if team == "payments" && svc == "ssm" {
			n++
		}
	}
	if n != 5*4 {
		t.Errorf("payments/ssm has %d samples, want every status × severity (20)", n)
	}
	if got := sumWhere(fams, "baseline_coverage_cells", nil); got != float64(len(r.Coverage)) {
		t.Errorf("coverage cells: %v, want %d", got, len(r.Coverage))
	}
	if got := sumWhere(fams, "baseline_coverage_cells", map[string]string{"state": "disabled"}); got == 0 {
		t.Error("no disabled coverage cell counted")
	}
	if got := sumWhere(fams, "baseline_collection_errors", map[string]string{"service": "guardduty", "code": "AccessDeniedException"}); got != float64(len(r.Errors)) {
		t.Errorf("collection errors: %v, want %d", got, len(r.Errors))
	}
	for name, v := range map[string]float64{
		"baseline_score":                  r.Summary.Score,
		"baseline_scan_duration_seconds":  17.25,
		"baseline_scan_timestamp_seconds": float64(r.GeneratedAt.Unix()),
		"baseline_accounts":               float64(len(r.Scope.Accounts)),
		"baseline_regions":                float64(len(r.Scope.Regions)),
		"baseline_scan_info":              1,
	} {
		if got := sumWhere(fams, name, nil); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	// Without a scan time there is no duration family; without gaps, no
	// gaps family.
	fams, _ = parseMetrics(t, renderMetrics(t, sampleReport()))
	for _, absent := range []string{"baseline_scan_duration_seconds", "baseline_coverage_gaps"} {
		if fams[absent] != nil {
			t.Errorf("%s written for a report without it", absent)
		}
	}
}
