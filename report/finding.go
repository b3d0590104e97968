package report

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
	FirstObservedAt string `json:"first_observed_at"`
	// SLADays is the SLA of the finding's severity, in days.
	SLADays int `json:"sla_days"`
	// SLADue is the day the SLA ends (first observed + SLA days, UTC),
	// YYYY-MM-DD.
	SLADue string `json:"sla_due"`
	// DaysOverdue is the number of whole days past the SLA at the
	// collection time; 0 or more for a failing finding, negative (days
	// left) for an upcoming one.
	DaysOverdue int `json:"days_overdue"`
}
