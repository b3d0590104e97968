package policies

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// factActions are the IAM services whose calls produce each top-level input
// fact: the error rule voids a control's cells only for failures of the
// actions its requires names, so a control must name one of them for every
// fact it reads.
var factActions = map[string][]string{
	"securityhub": {"securityhub"},
	"guardduty":   {"guardduty"},
	"cloudtrail":  {"cloudtrail"},
	"ssm":         {"ssm", "ec2"}, // managed nodes and patch states; EC2 instances
}

// checkRequires derives, from the compiled rules a control evaluates (its
// own and every rule they depend on, library functions included), which
// input facts it reads, and reports each fact whose service its requires
// does not name.
func checkRequires(compiler *ast.Compiler, controls []Control) []string {
	var problems []string
	for _, c := range controls {
		read := readFacts(compiler, c.pkg)
		for _, fact := range read {
			services := factActions[fact]
			if slices.ContainsFunc(c.Requires, func(action string) bool {
				return slices.Contains(services, strings.SplitN(action, ":", 2)[0])
			}) {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s: control %s reads input.%s but its requires names no %s: action (list the calls that produce it, e.g. %s:…)", c.location, c.ID, fact, strings.Join(services, ": or "), services[0]))
		}
	}
	return problems
}

// readFacts are the top-level input facts (keys of factActions) referenced
// by the rules of package pkg and, transitively, by every rule they use.
func readFacts(compiler *ast.Compiler, pkg ast.Ref) []string {
	var queue []*ast.Rule
	for _, m := range compiler.Modules {
		if m.Package.Path.Equal(pkg) {
			queue = append(queue, m.Rules...)
		}
	}
	seen := map[*ast.Rule]bool{}
	facts := map[string]bool{}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		if seen[r] {
			continue
		}
		seen[r] = true
		ast.WalkRefs(r, func(ref ast.Ref) bool {
			if len(ref) > 1 && ref.HasPrefix(ast.InputRootRef) {
				if key, ok := ref[1].Value.(ast.String); ok {
					if _, known := factActions[string(key)]; known {
						facts[string(key)] = true
					}
				}
			}
			return false
		})
		for dep := range compiler.Graph.Dependencies(r) {
			if d, ok := dep.(*ast.Rule); ok && !seen[d] {
				queue = append(queue, d)
			}
		}
	}
	out := make([]string, 0, len(facts))
	for f := range facts {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}
