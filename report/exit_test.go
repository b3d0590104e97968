package report

import (
	"strings"
	"testing"
)

func TestExitCode(t *testing.T) {
	collectionError := []Error{{AccountID: "111111111111", Region: "global", Service: "sts", Operation: "AssumeRole", Code: "AccessDenied"}}
	tests := []struct {
		name    string
		results []Result
		errors  []Error
		failOn  Severity
		want    int
	}{
		{"empty report", nil, nil, SeverityHigh, ExitOK},
		{"only passes", []Result{res(StatusPass, SeverityCritical)}, nil, SeverityLow, ExitOK},
		{"waived is not failing", []Result{res(StatusWaived, SeverityCritical)}, nil, SeverityLow, ExitOK},

		{"critical fail, fail-on critical", []Result{res(StatusFail, SeverityCritical)}, nil, SeverityCritical, ExitFail},
		{"high fail, fail-on critical", []Result{res(StatusFail, SeverityHigh)}, nil, SeverityCritical, ExitOK},
		{"high fail, fail-on high", []Result{res(StatusFail, SeverityHigh)}, nil, SeverityHigh, ExitFail},
		{"medium fail, fail-on high", []Result{res(StatusFail, SeverityMedium)}, nil, SeverityHigh, ExitOK},
		{"medium fail, fail-on medium", []Result{res(StatusFail, SeverityMedium)}, nil, SeverityMedium, ExitFail},
		{"low fail, fail-on medium", []Result{res(StatusFail, SeverityLow)}, nil, SeverityMedium, ExitOK},
		{"low fail, fail-on low", []Result{res(StatusFail, SeverityLow)}, nil, SeverityLow, ExitFail},
		{"critical fail, fail-on low", []Result{res(StatusFail, SeverityCritical)}, nil, SeverityLow, ExitFail},

		{"error result", []Result{res(StatusPass, SeverityHigh), res(StatusError, SeverityLow)}, nil, SeverityHigh, ExitIncomplete},
		{"collection error only", []Result{res(StatusPass, SeverityHigh)}, collectionError, SeverityHigh, ExitIncomplete},
		{"fail below threshold and error", []Result{res(StatusFail, SeverityLow), res(StatusError, SeverityHigh)}, nil, SeverityHigh, ExitIncomplete},
		{"fail at threshold beats error", []Result{res(StatusError, SeverityHigh), res(StatusFail, SeverityHigh)}, collectionError, SeverityHigh, ExitFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Results: tt.results, Errors: tt.errors}
			if got := ExitCode(r, tt.failOn); got != tt.want {
				t.Errorf("ExitCode(fail-on %s) = %d, want %d", tt.failOn, got, tt.want)
			}
		})
	}
}

func TestExitCodeSample(t *testing.T) {
	// The sample has a critical FAIL and a collection error.
	r := sampleReport()
	for _, sev := range Severities {
		if got := ExitCode(r, sev); got != ExitFail {
			t.Errorf("ExitCode(sample, %s) = %d, want %d", sev, got, ExitFail)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    Severity
		wantErr bool
	}{
		{"critical", SeverityCritical, false},
		{"high", SeverityHigh, false},
		{"medium", SeverityMedium, false},
		{"low", SeverityLow, false},
		{"HIGH", SeverityHigh, false},
		{" Medium ", SeverityMedium, false},
		{"", "", true},
		{"none", "", true},
		{"info", "", true},
		{"hi", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSeverity(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseSeverity(%q) = %q, want an error", tt.in, got)
				}
				want := `unknown severity "` + tt.in + `": valid values are critical, high, medium, low`
				if err.Error() != want {
					t.Errorf("error = %q, want %q", err, want)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseSeverity(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNewWriter(t *testing.T) {
	if got, want := strings.Join(Formats(), ","), "table,json,ndjson,markdown,html,junit,metrics,ocsf"; got != want {
		t.Errorf("Formats() = %s, want %s", got, want)
	}
	for _, f := range append(Formats(), "JSON", " table ") {
		if w, err := NewWriter(f); err != nil || w == nil {
			t.Errorf("NewWriter(%q) = %v, %v", f, w, err)
		}
	}
	for f, ext := range map[string]string{"table": "txt", "json": "json", "ndjson": "ndjson", "markdown": "md", "html": "html", "junit": "xml", "metrics": "prom", "ocsf": "ocsf.ndjson"} {
		if w, _ := NewWriter(f); w.Extension() != ext {
			t.Errorf("%s extension = %q, want %q", f, w.Extension(), ext)
		}
	}
	_, err := NewWriter("xml")
	if want := `unknown format "xml": valid formats are table, json, ndjson, markdown, html, junit, metrics, ocsf`; err == nil || err.Error() != want {
		t.Errorf("NewWriter(xml) error = %v, want %q", err, want)
	}
}
