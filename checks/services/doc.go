// Package services lists the AWS services a scan observes, once. The scan,
// the policy engine (coverage, requires, input schema) and `baseline
// iam-policy` derive everything per-service from this list.
package services
