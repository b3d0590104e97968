// Package redact removes credential material (AWS access key ids, secret
// access keys, session tokens, and whatever a credential_process printed)
// from text before it is printed or written to a report.
package redact
