package policies

import (
	"os"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// FuzzParseConfig holds the policy config loader to its contract on any
// input: no panic, and either a valid config or a one-line error naming the
// file.
func FuzzParseConfig(f *testing.F) {
	if b, err := os.ReadFile("../examples/policies/acme-config.yaml"); err == nil {
		f.Add(b)
	}
	for _, seed := range []string{
		"securityhub:\n  critical_sla_days: 3\nguardduty:\n  min_severity: 8.5\n",
		"guardduty:\n  min_severity: .nan\n", "guardduty:\n  min_severity: .inf\n",
		"a: &a [*a]\n", "custom: {x: [1, {y: 2}]}\n", "ssm: 5\n", "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(t.Context(), "c.yaml", data)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "c.yaml") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("ParseConfig accepted a config that does not validate: %v", err)
		}
		if _, err := cfg.data(); err != nil {
			t.Fatalf("ParseConfig accepted a config that cannot become policy data: %v", err)
		}
	})
}

// FuzzControlMetadata holds the METADATA parser to its contract: a module
// that parses gives a control or a list of problems, never a panic, and a
// control it accepts has every required field.
func FuzzControlMetadata(f *testing.F) {
	f.Add(metadata("custom.x", "region", "securityhub:DescribeHub") + "results := set()\n")
	f.Add(metadata("custom.y", "account", "ssm:DescribeInstanceInformation,ec2:DescribeInstances") + "results := set()\n")
	f.Add("# METADATA\n# title: t\n# custom:\n#   id: 5\n#   requires: {}\npackage baseline.controls.custom.z\n")
	f.Add("# METADATA\n# custom: [\npackage baseline.controls.custom.w\n")
	f.Fuzz(func(t *testing.T, src string) {
		m, err := ast.ParseModuleWithOpts("m.rego", src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1, Capabilities: capabilities()})
		if err != nil || m == nil || !isControl(m) {
			return
		}
		c, problems := parseControl(m, defaultServices().actions)
		if len(problems) > 0 {
			return
		}
		if c.ID == "" || c.Title == "" || c.Severity.Rank() == 0 || len(c.Requires) == 0 || c.Remediation == "" {
			t.Fatalf("accepted a control with a missing field: %+v", c)
		}
	})
}
