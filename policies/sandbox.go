package policies

import (
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// deniedBuiltins are left out of the capabilities every policy is compiled
// with: network and environment access, and sources of non-determinism, since
// "now" is input.collected_at and the same snapshot must give the same report.
var deniedBuiltins = []string{
	"http.send",
	"opa.runtime",
	"time.now_ns",
	"rand.intn",
	"uuid.rfc4122",
	// Chain verification reads the wall clock (x509.VerifyOptions with no
	// CurrentTime), which the evaluation time does not pin.
	"crypto.x509.parse_and_verify_certificates",
	"crypto.x509.parse_and_verify_certificates_with_options",
}

// capabilities are OPA's built-ins minus deniedBuiltins and every
// net.lookup* built-in, with no network host allowed. Pure built-ins such as
// net.cidr_contains stay.
func capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return slices.Contains(deniedBuiltins, b.Name) || strings.HasPrefix(b.Name, "net.lookup")
	})
	caps.AllowNet = []string{}
	return caps
}
