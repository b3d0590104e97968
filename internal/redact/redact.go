package redact

import (
	"regexp"
	"strings"
	"unicode"
)

// Redacted replaces what was removed.
const Redacted = "[REDACTED]"

var (
	// The AWS SDK's credential_process errors quote the program's whole
	// output ("parse failed of process output: <output>, error: ...").
	processOutput = regexp.MustCompile(`(?s)(process output: ).*?(, error: |$)`)
	// Named credential fields in JSON, INI files, environment dumps and URLs.
	namedSecret = regexp.MustCompile(`(?i)("?(?:aws_)?(?:secret[_-]?access[_-]?key|session[_-]?token|security[_-]?token|secret)"?\s*[:=]\s*"?)[^"\s,;&}]+`)
	// Access key ids of long-term (AKIA) and temporary (ASIA) credentials.
	accessKeyID = regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`)
	// Candidate secrets: runs of base64 characters. A run of exactly 40 with
	// both cases is the shape of a secret access key; a run of 100 or more
	// is the shape of a session token.
	base64Run = regexp.MustCompile(`[A-Za-z0-9/+=]{40,}`)
)

// Secrets returns s with credential material replaced by Redacted.
func Secrets(s string) string {
	s = processOutput.ReplaceAllString(s, "${1}"+Redacted+"${2}")
	s = namedSecret.ReplaceAllString(s, "${1}"+Redacted)
	s = accessKeyID.ReplaceAllString(s, Redacted)
	s = base64Run.ReplaceAllStringFunc(s, func(run string) string {
		trimmed := strings.TrimRight(run, "=")
		if len(run) >= 100 || (len(trimmed) == 40 && mixedCase(trimmed)) {
			return Redacted
		}
		return run
	})
	return s
}

// mixedCase reports whether s has upper- and lower-case letters: a secret
// access key does, a hex digest (a SHA-1 commit, a finding id) does not.
func mixedCase(s string) bool {
	var upper, lower bool
	for _, r := range s {
		upper = upper || unicode.IsUpper(r)
		lower = lower || unicode.IsLower(r)
	}
	return upper && lower
}
