package checks

import "time"

// ExposureFinding is a compact OCSF exposure finding of the new AWS
// Security Hub (GetFindingsV2). The fields keep AWS's OCSF values as they
// are (severity and status captions); the policies decide what is open.
type ExposureFinding struct {
	ID    string `json:"id"` // metadata.uid
	Title string `json:"title"`
	// Severity is the OCSF severity caption (Critical, High, …) and
	// SeverityID its number (5 Critical, 4 High, 6 Fatal).
	Severity   string `json:"severity"`
	SeverityID int    `json:"severity_id"`
	// Status is the OCSF status caption: New, In Progress, Suppressed,
	// Resolved, Archived, Deleted, Unknown, Other.
	Status string `json:"status"`
	// ProductFeature is metadata.product.feature.uid (security-hub/Exposure
	// for exposure findings) and Analytic finding_info.analytic.name.
	ProductFeature string    `json:"product_feature"`
	Analytic       string    `json:"analytic"`
	ResourceType   string    `json:"resource_type"`
	ResourceID     string    `json:"resource_id"`
	FirstSeenAt    time.Time `json:"first_seen_at"`
}
