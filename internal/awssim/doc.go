// Package awssim simulates an AWS Organization — accounts, regions, Security Hub,
// GuardDuty, CloudTrail, EC2 and Systems Manager state — behind the real AWS wire
// protocols on loopback, so the unmodified AWS SDK can be tested and demoed against it.
package awssim
