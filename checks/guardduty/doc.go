// Package guardduty collects GuardDuty facts for one account and region: the
// detectors with their protection plans (and each plan's additional
// configuration, such as Runtime Monitoring's agent management), unarchived
// finding counts by severity band, and the unarchived high-severity findings.
package guardduty
