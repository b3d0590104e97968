package report

import (
	"cmp"
	"slices"
)

// Finding is the security finding a finding-level result is about (the
// securityhub.*_findings and guardduty.high_findings controls): one FAIL
// per finding past its SLA. Its id is part of the result id.
type Finding struct {
	// ID is the finding's id: the ASFF Id in Security Hub, the finding id
	// in GuardDuty.
	ID string `json:"id"`
	// Title is the finding's title as its product wrote it.
	Title string `json:"title"`
	// Product is the product that generated it, e.g. "Security Hub",
	// "GuardDuty", "Inspector"; empty when not reported.
	Product string `json:"product,omitempty"`
	// ControlID is the Security Hub control id of a control finding, e.g.
	// "S3.2"; for other findings, the generator id; for GuardDuty, the
	// finding type. Empty when not reported.
	ControlID string `json:"control_id,omitempty"`
	// Severity is the product's severity: a label (CRITICAL, HIGH) in
	// Security Hub, the number (7.0 to 10) in GuardDuty.
	Severity string `json:"severity"`
	// FirstObservedAt is when the finding was first observed (RFC 3339),
	// as its product reported it.
	// Absent when the product's time is unusable (GuardDuty findings fail
	// whatever their age).
	FirstObservedAt string `json:"first_observed_at,omitempty"`
	// SLADays is the SLA of the finding's severity, in days.
	SLADays int `json:"sla_days"`
	// SLADue is the day the SLA ends (first observed + SLA days, UTC),
	// YYYY-MM-DD.
	// Absent with first_observed_at.
	SLADue string `json:"sla_due,omitempty"`
	// DaysOverdue is the number of whole days past the SLA at the
	// collection time; 0 or more for a failing finding, negative (days
	// left) for an upcoming one. Absent with first_observed_at.
	DaysOverdue *int `json:"days_overdue,omitempty"`
}

// Upcoming is a finding still within its SLA: listed in the report so that
// teams see what falls due next, never a verdict (not failing, not counted).
type Upcoming struct {
	// ID is the id the finding's result will have once it is overdue.
	ID          string   `json:"id"`
	ControlID   string   `json:"control_id"`
	Severity    Severity `json:"severity"`
	AccountID   string   `json:"account_id"`
	AccountName string   `json:"account_name"`
	Region      string   `json:"region"`
	Resource    string   `json:"resource"`
	Team        string   `json:"team,omitempty"`
	Finding     Finding  `json:"finding"`
}

// UpcomingOf lists results of status UPCOMING (as controls emit them) as
// upcoming findings, ordered by due date, then id.
func UpcomingOf(results []Result) []Upcoming {
	out := make([]Upcoming, 0, len(results))
	for i := range results {
		r := &results[i]
		if r.Finding == nil {
			continue
		}
		out = append(out, Upcoming{ID: r.StableID(), ControlID: r.ControlID, Severity: r.Severity, AccountID: r.AccountID,
			AccountName: r.AccountName, Region: r.Region, Resource: r.Resource, Team: r.Team, Finding: *r.Finding})
	}
	SortUpcoming(out)
	return out
}

// SortUpcoming orders upcoming findings by SLA due date, then id.
func SortUpcoming(u []Upcoming) {
	slices.SortFunc(u, func(a, b Upcoming) int {
		return cmp.Or(cmp.Compare(a.Finding.SLADue, b.Finding.SLADue), cmp.Compare(a.ID, b.ID))
	})
}
