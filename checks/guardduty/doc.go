// Package guardduty collects GuardDuty facts for one account and region: the
// detectors with their protection plans, unarchived finding counts by
// severity, and the unarchived high-severity findings.
package guardduty
