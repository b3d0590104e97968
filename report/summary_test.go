package report

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func res(status Status, sev Severity) Result {
	return Result{Status: status, Severity: sev}
}

func TestSummarize(t *testing.T) {
	zero := map[Severity]StatusCounts{
		SeverityCritical: {}, SeverityHigh: {}, SeverityMedium: {}, SeverityLow: {},
	}
	with := func(m map[Severity]StatusCounts) map[Severity]StatusCounts {
		out := map[Severity]StatusCounts{}
		for k, v := range zero {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name    string
		results []Result
		want    Summary
	}{
		{
			name:    "no results scores 100 with every severity present",
			results: nil,
			want:    Summary{BySeverity: zero, Score: 100},
		},
		{
			name:    "all pass",
			results: []Result{res(StatusPass, SeverityHigh), res(StatusPass, SeverityLow)},
			want: Summary{Total: 2, Pass: 2, Score: 100, BySeverity: with(map[Severity]StatusCounts{
				SeverityHigh: {Total: 1, Pass: 1},
				SeverityLow:  {Total: 1, Pass: 1},
			})},
		},
		{
			name: "waived counts as passing, error against",
			results: []Result{
				res(StatusPass, SeverityCritical),
				res(StatusWaived, SeverityCritical),
				res(StatusError, SeverityMedium),
			},
			want: Summary{Total: 3, Pass: 1, Waived: 1, Error: 1, Score: 66.7, BySeverity: with(map[Severity]StatusCounts{
				SeverityCritical: {Total: 2, Pass: 1, Waived: 1},
				SeverityMedium:   {Total: 1, Error: 1},
			})},
		},
		{
			name: "score rounds to one decimal",
			results: []Result{
				res(StatusPass, SeverityLow), res(StatusFail, SeverityLow), res(StatusFail, SeverityLow),
			},
			want: Summary{Total: 3, Pass: 1, Fail: 2, Score: 33.3, BySeverity: with(map[Severity]StatusCounts{
				SeverityLow: {Total: 3, Pass: 1, Fail: 2},
			})},
		},
		{
			name:    "all failing scores 0",
			results: []Result{res(StatusFail, SeverityHigh)},
			want: Summary{Total: 1, Fail: 1, Score: 0, BySeverity: with(map[Severity]StatusCounts{
				SeverityHigh: {Total: 1, Fail: 1},
			})},
		},
		{
			name:    "unknown severity counts in totals only",
			results: []Result{res(StatusFail, "urgent"), res(StatusPass, SeverityHigh)},
			want: Summary{Total: 2, Pass: 1, Fail: 1, Score: 50, BySeverity: with(map[Severity]StatusCounts{
				SeverityHigh: {Total: 1, Pass: 1},
			})},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summarize(tt.results); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Summarize() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestSort(t *testing.T) {
	r := func(account, region, control, resource, msg string) Result {
		return Result{AccountID: account, Region: region, ControlID: control, Resource: resource, Message: msg}
	}
	tests := []struct {
		name string
		in   []Result
		want []Result
	}{
		{"empty", []Result{}, []Result{}},
		{
			name: "account, then region, then control, then resource",
			in: []Result{
				r("222222222222", "eu-west-1", "a", "x", ""),
				r("111111111111", "us-east-1", "a", "x", ""),
				r("111111111111", "eu-west-1", "b", "x", ""),
				r("111111111111", "eu-west-1", "a", "y", ""),
				r("111111111111", "eu-west-1", "a", "x", ""),
				r("111111111111", "global", "a", "x", ""),
			},
			want: []Result{
				r("111111111111", "eu-west-1", "a", "x", ""),
				r("111111111111", "eu-west-1", "a", "y", ""),
				r("111111111111", "eu-west-1", "b", "x", ""),
				r("111111111111", "global", "a", "x", ""),
				r("111111111111", "us-east-1", "a", "x", ""),
				r("222222222222", "eu-west-1", "a", "x", ""),
			},
		},
		{
			name: "stable for equal keys",
			in: []Result{
				r("111111111111", "eu-west-1", "a", "x", "first"),
				r("111111111111", "eu-west-1", "a", "x", "second"),
				r("111111111111", "eu-west-1", "a", "w", "third"),
			},
			want: []Result{
				r("111111111111", "eu-west-1", "a", "w", "third"),
				r("111111111111", "eu-west-1", "a", "x", "first"),
				r("111111111111", "eu-west-1", "a", "x", "second"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			Sort(tt.in)
			if !reflect.DeepEqual(tt.in, tt.want) {
				t.Errorf("Sort() =\n%+v\nwant\n%+v", tt.in, tt.want)
			}
		})
	}
}

func TestFinalize(t *testing.T) {
	r := &Report{Results: []Result{
		{AccountID: "222222222222", Status: StatusFail, Severity: SeverityHigh},
		{AccountID: "111111111111", Status: StatusPass, Severity: SeverityHigh},
	}}
	r.Finalize()
	if r.SchemaVersion != SchemaVersion {
		t.Errorf("SchemaVersion = %q, want %q", r.SchemaVersion, SchemaVersion)
	}
	if r.Results[0].AccountID != "111111111111" {
		t.Errorf("results not sorted: %+v", r.Results)
	}
	for i, res := range r.Results {
		// A result without a control text still writes its references
		// as a list, never null (the contract).
		if b, err := json.Marshal(res); err != nil || !strings.Contains(string(b), `"references":[]`) {
			t.Errorf("results[%d] marshals to %s (%v), want \"references\":[]", i, b, err)
		}
	}
	if r.Coverage == nil || r.Errors == nil || r.Scope.Accounts == nil || r.Scope.Regions == nil {
		t.Errorf("nil list left: %+v", r)
	}
	if want := Summarize(r.Results); !reflect.DeepEqual(r.Summary, want) {
		t.Errorf("Summary = %+v, want %+v", r.Summary, want)
	}
}
