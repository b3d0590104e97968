package report

// WaiverState says what became of one waiver of the waivers file.
type WaiverState string

const (
	// WaiverActive waived at least one failure and expires in more than
	// ExpiringWithinDays days.
	WaiverActive WaiverState = "active"
	// WaiverExpiring waived at least one failure and expires within
	// ExpiringWithinDays days of the report: time to renew it or fix.
	WaiverExpiring WaiverState = "expiring"
	// WaiverExpired is past its expiry date and was not applied: the
	// failures it covered are FAIL again.
	WaiverExpired WaiverState = "expired"
	// WaiverUnused is unexpired but matched no failure: the problem was
	// fixed, or the waiver's selectors are wrong.
	WaiverUnused WaiverState = "unused"
)

// ExpiringWithinDays is how close to its expiry date (inclusive, counted from
// the report's generated_at) a used waiver is flagged as expiring.
const ExpiringWithinDays = 14

// WaiverStatus is one waiver of the waivers file as the report lists it,
// whether or not it matched anything.
type WaiverStatus struct {
	// ID limits the waiver to the result with that id; absent when the
	// waiver matches by its other fields only. New in 3.0.
	ID      string `json:"id,omitempty"`
	Control string `json:"control"`
	// Accounts, Regions and Resource narrow the waiver; empty means any.
	Accounts []string `json:"accounts,omitempty"`
	Regions  []string `json:"regions,omitempty"`
	Resource string   `json:"resource,omitempty"`
	Reason   string   `json:"reason"`
	Owner    string   `json:"owner"`
	Expires  string   `json:"expires"` // YYYY-MM-DD, the last day it applies
	// DaysLeft is the number of days from the report date to Expires:
	// 0 on the last day, negative once expired.
	DaysLeft int         `json:"days_left"`
	State    WaiverState `json:"state"`
	// Matched is the number of results the waiver turned from FAIL into
	// WAIVED; 0 for an expired or unused waiver.
	Matched int `json:"matched"`
}
