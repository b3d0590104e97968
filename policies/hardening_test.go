package policies

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hs256 signs a JWT with claims nbf and exp (Unix seconds) for key.
func hs256(key string, nbf, exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	head := enc([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body := enc(fmt.Appendf(nil, `{"nbf":%d,"exp":%d}`, nbf.Unix(), exp.Unix()))
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(head + "." + body))
	return head + "." + body + "." + enc(mac.Sum(nil))
}

// TestPolicyClockIsTheCollectionTime: io.jwt.decode_verify reads "now" when
// no time is given; it must be the snapshot's collected_at, so re-evaluating
// a snapshot later gives the same verdicts. The token is valid for one hour
// around collectedAt (2025) and long expired by the wall clock.
func TestPolicyClockIsTheCollectionTime(t *testing.T) {
	token := hs256("k", collectedAt.Add(-time.Hour), collectedAt.Add(time.Hour))
	dir := writePolicies(t, map[string]string{"jwt.rego": metadata("custom.jwt", "account", "sts:GetCallerIdentity") + `
results contains {"status": "PASS", "region": "global", "resource": "", "message": "token valid"} if {
	[valid, _, _] := io.jwt.decode_verify("` + token + `", {"secret": "k"})
	valid
}

results contains {"status": "FAIL", "region": "global", "resource": "", "message": "token not valid"} if {
	[valid, _, _] := io.jwt.decode_verify("` + token + `", {"secret": "k"})
	not valid
}
`})
	e, err := NewEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	ev := evaluate(t, e, snapshot(healthyAccount("111122223333", "eu-west-1")))
	assertVerdicts(t, verdicts(ev.Results, "custom."), []verdict{{"custom.jwt", "global", "", "PASS", "token valid"}})
}

// TestCustomPackagesCannotReachBuiltins: a custom module may define rules
// only in packages of its own. One in package baseline could define config
// (data.baseline.config) and rewrite every built-in threshold; one inside a
// built-in package could add to it.
func TestCustomPackagesCannotReachBuiltins(t *testing.T) {
	for _, tc := range []struct{ pkg, want string }{
		{"baseline", "package baseline contains the built-in package baseline.config; give custom rules a package of their own, e.g. package acme.lib or package baseline.controls.<service>.<name>"},
		{"baseline.controls", "package baseline.controls contains the built-in package baseline.controls.cloudtrail.cloudwatch_logs; give custom rules a package of their own"},
		{"baseline.controls.securityhub.enabled.extra", "package baseline.controls.securityhub.enabled.extra is inside the built-in package baseline.controls.securityhub.enabled; give custom rules a package of their own"},
		{"baseline.lib.extra", "package baseline.lib.extra is inside the built-in package baseline.lib; give custom rules a package of their own"},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			dir := writePolicies(t, map[string]string{"evil.rego": "package " + tc.pkg + `

config := {"securityhub": {"critical_sla_days": 100000}}
`})
			_, err := NewEngine(dir)
			if err == nil {
				t.Fatalf("package %s compiled", tc.pkg)
			}
			want := filepath.ToSlash(filepath.Join(dir, "evil.rego")) + ":1:1: " + tc.want
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
}

// TestRequiresCoverWhatAControlReads: the error rule voids a control's cells
// only for the actions in its requires, so a control that reads facts of a
// service whose actions it does not require could PASS where their
// collection failed. Such a control is rejected, whether it reads the input
// itself or through a library function.
func TestRequiresCoverWhatAControlReads(t *testing.T) {
	for name, body := range map[string]string{
		"direct": `
results contains {"status": "PASS", "region": r, "resource": "", "message": "ok"} if {
	some r in input.regions
	count(input.guardduty[r].detectors) == 0
}
`,
		"through a library": `
import data.baseline.lib

results contains {"status": "PASS", "region": r, "resource": "", "message": "ok"} if {
	some r in input.regions
	count(lib.guardduty_enabled_detectors(r)) == 0
}
`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := writePolicies(t, map[string]string{"gd.rego": metadata("custom.gd", "region", "securityhub:DescribeHub") + body})
			_, err := NewEngine(dir)
			if err == nil {
				t.Fatal("compiled a control that reads input.guardduty and requires no guardduty action")
			}
			want := filepath.ToSlash(filepath.Join(dir, "gd.rego")) + ":1:1: control custom.gd reads input.guardduty but its requires names no guardduty: action"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
	// Requiring one action of the service is enough.
	dir := writePolicies(t, map[string]string{"gd.rego": metadata("custom.gd", "region", "guardduty:ListDetectors") + `
results contains {"status": "PASS", "region": r, "resource": "", "message": "ok"} if {
	some r in input.regions
	count(input.guardduty[r].detectors) == 0
}
`})
	if _, err := NewEngine(dir); err != nil {
		t.Errorf("a control requiring guardduty:ListDetectors: %v", err)
	}
}

// TestEvalTimeoutStopsARunawayControl: a custom control that would run for
// minutes is stopped at the evaluation time limit and reported ERROR, naming
// the limit; the other controls keep their verdicts.
func TestEvalTimeoutStopsARunawayControl(t *testing.T) {
	dir := writePolicies(t, map[string]string{"slow.rego": metadata("custom.slow", "account", "sts:GetCallerIdentity") + `
results contains {"status": "PASS", "region": "global", "resource": "", "message": sprintf("%d", [n])} if {
	# 400 million iterations, in constant memory (a set of one element).
	n := count({1 | some i in numbers.range(1, 20000); some j in numbers.range(1, 20000)})
}
`})
	e, err := NewEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := e.Evaluate(t.Context(), snapshot(healthyAccount("111122223333", "eu-west-1")), DefaultConfig(), EvalTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	assertVerdicts(t, verdicts(ev.Results, "custom."), []verdict{
		{"custom.slow", "global", "", "ERROR", "policy evaluation failed: exceeded the time limit of 2s (--eval-timeout)"},
	})
	if got := verdicts(ev.Results, "securityhub.enabled"); len(got) != 1 || got[0].Status != "PASS" {
		t.Errorf("securityhub.enabled = %v, want one PASS", got)
	}
}

// TestEvalMaxMemoryStopsARunawayControl: a custom control whose
// comprehension grows without end is stopped once the heap has grown past
// the bound, and reported ERROR naming it; the other controls, evaluated
// again one by one, keep their verdicts.
func TestEvalMaxMemoryStopsARunawayControl(t *testing.T) {
	dir := writePolicies(t, map[string]string{"big.rego": metadata("custom.big", "account", "sts:GetCallerIdentity") + `
results contains {"status": "PASS", "region": "global", "resource": "", "message": sprintf("%d", [count(pairs)])}

# 400 million pairs, built one by one: memory grows until it is stopped.
pairs := [[i, j] | some i in numbers.range(1, 20000); some j in numbers.range(1, 20000)]
`})
	e, err := NewEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := e.Evaluate(t.Context(), snapshot(healthyAccount("111122223333", "eu-west-1")), DefaultConfig(), EvalMaxMemory(256<<20))
	if err != nil {
		t.Fatal(err)
	}
	assertVerdicts(t, verdicts(ev.Results, "custom."), []verdict{
		{"custom.big", "global", "", "ERROR", "policy evaluation failed: exceeded the memory limit of 256 MiB (--eval-max-memory)"},
	})
	if got := verdicts(ev.Results, "securityhub.enabled"); len(got) != 1 || got[0].Status != "PASS" {
		t.Errorf("securityhub.enabled = %v, want one PASS", got)
	}
}
