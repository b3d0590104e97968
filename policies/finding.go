package policies

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"

	"github.com/baseline-scanner/baseline/report"
)

// decodeFinding reads the "finding" object of a control's result: the
// fields of report.Finding and no other.
func decodeFinding(v any) (*report.Finding, error) {
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("not an object")
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f report.Finding
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if f.ID == "" {
		return nil, errors.New("no id")
	}
	return &f, nil
}

// splitUpcoming moves the UPCOMING results (findings within their SLA) out
// of results; the rest keep their order.
func splitUpcoming(results []report.Result) (verdicts, upcoming []report.Result) {
	for _, r := range results {
		if r.Status == statusUpcoming {
			upcoming = append(upcoming, r)
		}
	}
	if len(upcoming) == 0 {
		return results, nil
	}
	return slices.DeleteFunc(results, func(r report.Result) bool { return r.Status == statusUpcoming }), upcoming
}
