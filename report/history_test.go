package report

import (
	"testing"
	"time"
)

func TestTextSparkline(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want string
	}{
		{nil, ""},
		{[]float64{5, 5, 5}, "▁▁▁"},
		{[]float64{0, 7, 14}, "▁▄█"},
		{[]float64{14, 0}, "█▁"},
	} {
		if got := textSparkline(tc.in); got != tc.want {
			t.Errorf("textSparkline(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLastObservedStreaks: FAIL and WAIVED continue a failing streak, PASS
// and NOT_APPLICABLE end it, absence and ERROR leave it as it was.
func TestLastObservedStreaks(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 6, 0, 0, 0, time.UTC) }
	res := func(s Status) []Result {
		return []Result{{ControlID: "c", AccountID: "111111111111", Region: "us-east-1", Status: s}}
	}
	rep := func(d int, s Status) *Report {
		r := &Report{GeneratedAt: day(d)}
		if s != "" {
			r.Results = res(s)
		}
		return r
	}
	k := ResultID("c", "111111111111", "us-east-1", "", "")
	for _, tc := range []struct {
		name      string
		reps      []*Report
		wantSince time.Time
	}{
		{"fail fail", []*Report{rep(1, StatusFail), rep(8, StatusFail)}, day(1)},
		{"fail waived fail", []*Report{rep(1, StatusFail), rep(8, StatusWaived), rep(15, StatusFail)}, day(1)},
		{"fail pass fail", []*Report{rep(1, StatusFail), rep(8, StatusPass), rep(15, StatusFail)}, day(15)},
		{"fail n/a fail", []*Report{rep(1, StatusFail), rep(8, StatusNotApplicable), rep(15, StatusFail)}, day(15)},
		{"fail error fail", []*Report{rep(1, StatusFail), rep(8, StatusError), rep(15, StatusFail)}, day(1)},
		{"fail absent fail", []*Report{rep(1, StatusFail), rep(8, ""), rep(15, StatusFail)}, day(1)},
		{"fail then pass", []*Report{rep(1, StatusFail), rep(8, StatusPass)}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LastObserved(tc.reps)[k].Since; !got.Equal(tc.wantSince) {
				t.Errorf("since %v, want %v", got, tc.wantSince)
			}
		})
	}
	// A report's own failing_since reaches back beyond the folder.
	carried := rep(8, StatusFail)
	early := day(1).AddDate(0, -2, 0)
	carried.Results[0].FailingSince = &early
	if got := LastObserved([]*Report{carried})[k].Since; !got.Equal(early) {
		t.Errorf("carried failing_since: %v, want %v", got, early)
	}
}

// TestEarlierLeavesOutShardsAndLaterReports: a shard is part of a scan, and a
// report not older than the current one cannot be its history.
func TestEarlierLeavesOutShardsAndLaterReports(t *testing.T) {
	now := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	cur := &Report{GeneratedAt: now}
	a := &Report{GeneratedAt: now.AddDate(0, 0, -7)}
	b := &Report{GeneratedAt: now.AddDate(0, 0, -14)}
	shard := &Report{GeneratedAt: now.AddDate(0, 0, -7), Scope: Scope{Shard: &Shard{Index: 1, Count: 2}}}
	same := &Report{GeneratedAt: now}
	kept, skipped := Earlier(cur, []*Report{a, shard, same, b, nil})
	if len(kept) != 2 || kept[0] != b || kept[1] != a || skipped != 3 {
		t.Errorf("kept %d (oldest first?), skipped %d; want b, a and 3 skipped", len(kept), skipped)
	}
}
