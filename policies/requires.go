package policies

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// checkRequires derives, from the compiled rules a control evaluates (its
// own and every rule they depend on, library functions included), which
// input facts it reads, and reports each fact whose service its requires
// does not name.
func checkRequires(compiler *ast.Compiler, controls []Control, sources map[string][]string) []string {
	var problems []string
	for _, c := range controls {
		read := readFacts(compiler, c.pkg, sources)
		for _, fact := range read {
			services := sources[fact]
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

// readFacts are the top-level input facts (keys of sources) referenced by
// the rules of package pkg and, transitively, by every rule they use.
func readFacts(compiler *ast.Compiler, pkg ast.Ref, sources map[string][]string) []string {
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
					if _, known := sources[string(key)]; known {
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
