// Command baseline scans an AWS Organization against a security baseline:
// it collects Security Hub, GuardDuty, CloudTrail and Systems Manager facts
// from every account and region, evaluates them with Rego policies and
// writes a baseline report. See `baseline --help`.
package main
