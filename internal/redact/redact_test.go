package redact

import "testing"

func TestSecrets(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{
			`process provider error: parse failed of process output: warning {"AccessKeyId": "x"}, error: invalid character 'w'`,
			`process provider error: parse failed of process output: [REDACTED], error: invalid character 'w'`,
		},
		{"key ASIAQZ7EXAMPLELEAKED used", "key [REDACTED] used"},
		{"key AKIAIOSFODNN7EXAMPLE used", "key [REDACTED] used"},
		{`"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzXAMPLEKEY"`, `"SecretAccessKey": "[REDACTED]"`},
		{"aws_secret_access_key = abc", "aws_secret_access_key = [REDACTED]"},
		{"AWS_SESSION_TOKEN=abc def", "AWS_SESSION_TOKEN=[REDACTED] def"},
		{"X-Amz-Security-Token=abc&x=1", "X-Amz-Security-Token=[REDACTED]&x=1"},
		{"bare wJalrXUtnFEMI/K7MDENG/bPxRfiCYzXAMPLEKEY here", "bare [REDACTED] here"},
		// What is not a secret stays: role ids, ARNs, hex digests, detector ids.
		{"arn:aws:sts::222222222222:assumed-role/audit/baseline is not authorized", "arn:aws:sts::222222222222:assumed-role/audit/baseline is not authorized"},
		{"AROAEXAMPLEROLEID1234:session", "AROAEXAMPLEROLEID1234:session"},
		{"commit 0123456789abcdef0123456789abcdef01234567", "commit 0123456789abcdef0123456789abcdef01234567"},
		{"detector 12abc34d567e8fa901bc2d34e56789f0", "detector 12abc34d567e8fa901bc2d34e56789f0"},
		{"arn:aws:securityhub:us-east-1:111111111111:security-control/IAM.4/finding/1bf0a4c2-224a-4be6-a915-0ebc3be2aedb", "arn:aws:securityhub:us-east-1:111111111111:security-control/IAM.4/finding/1bf0a4c2-224a-4be6-a915-0ebc3be2aedb"},
	} {
		if got := Secrets(tc.in); got != tc.want {
			t.Errorf("Secrets(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
