package policies

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/baseline-scanner/baseline/report"
)

// Scope says what one result of a control is about.
type Scope string

const (
	ScopeAccount  Scope = "account"  // one result per account, region "global"
	ScopeRegion   Scope = "region"   // one result per account and region
	ScopeTrail    Scope = "trail"    // one result per trail, in its home region
	ScopeInstance Scope = "instance" // one result per instance or managed node
)

// controlsRoot is the package every control lives under:
// baseline.controls.<service>.<name>, whose id is "<service>.<name>".
var controlsRoot = ast.MustParseRef("data.baseline.controls")

// Control is a control's metadata, from the package METADATA annotation.
type Control struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Severity    report.Severity `json:"severity"`
	Service     string          `json:"service"`
	Scope       Scope           `json:"scope"`
	Remediation string          `json:"remediation"`
	References  []string        `json:"references"`
	// Requires are the IAM actions ("service:Operation") whose failure makes
	// the control ERROR in the affected account and region.
	Requires []string `json:"requires"`
	// Source is the file the control is defined in.
	Source string `json:"source"`

	pkg      ast.Ref // data.baseline.controls.<service>.<name>
	location string  // file:line:col of its METADATA, for errors
	// text is what its results say of it, one copy for them all; set
	// when the engine is built.
	text *report.ControlText
}

// resultText is what c's results say of it: shared by them, or, for a
// control not built by an engine, a copy of its own.
func (c *Control) resultText() *report.ControlText {
	if c.text != nil {
		return c.text
	}
	return &report.ControlText{Title: c.Title, Service: c.Service, Remediation: c.Remediation, References: c.References}
}

var actionPattern = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+$`)

// isControl reports whether a non-test module is a control: its package is
// under baseline.controls. Other modules are libraries.
func isControl(m *ast.Module) bool {
	return m.Package.Path.HasPrefix(controlsRoot) && len(m.Package.Path) > len(controlsRoot)
}

// controlID is the id a package path implies: the path below baseline.controls.
func controlID(path ast.Ref) string {
	parts := make([]string, 0, len(path))
	for _, t := range path[len(controlsRoot):] {
		s, ok := t.Value.(ast.String)
		if !ok {
			return path.String()
		}
		parts = append(parts, string(s))
	}
	return strings.Join(parts, ".")
}

// parseControl reads a control module's package METADATA, returning one
// problem per missing or invalid field, each prefixed file:line:col;
// actions are the ones its requires may name.
func parseControl(m *ast.Module, actions []string) (Control, []string) {
	pkgLoc := locString(m.Package.Location)
	id := controlID(m.Package.Path)
	var ann *ast.Annotations
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			ann = a
			break
		}
	}
	if ann == nil {
		return Control{}, []string{fmt.Sprintf("%s: control %s has no package METADATA annotation", pkgLoc, id)}
	}
	loc := locString(ann.Location)
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s: control %s: ", loc, id)+fmt.Sprintf(format, args...))
	}
	str := func(key string) string {
		v, ok := ann.Custom[key]
		if !ok {
			bad("missing custom.%s", key)
			return ""
		}
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			bad("custom.%s must be a non-empty string", key)
			return ""
		}
		return strings.TrimSpace(s)
	}
	list := func(key string) []string {
		v, ok := ann.Custom[key]
		if !ok {
			bad("missing custom.%s", key)
			return nil
		}
		items, ok := v.([]any)
		if !ok || len(items) == 0 {
			bad("custom.%s must be a non-empty list of strings", key)
			return nil
		}
		out := make([]string, 0, len(items))
		for _, item := range items {
			s, ok := item.(string)
			if !ok || strings.TrimSpace(s) == "" {
				bad("custom.%s must be a non-empty list of strings", key)
				return nil
			}
			out = append(out, strings.TrimSpace(s))
		}
		return out
	}

	c := Control{
		Title:       strings.TrimSpace(ann.Title),
		Description: strings.TrimSpace(ann.Description),
		Source:      m.Package.Location.File,
		pkg:         m.Package.Path,
		location:    locString(ann.Location),
	}
	if c.Title == "" {
		bad("missing title")
	}
	if c.Description == "" {
		bad("missing description")
	}
	c.ID = str("id")
	c.Severity = report.Severity(str("severity"))
	c.Service = str("service")
	c.Scope = Scope(str("scope"))
	c.Remediation = str("remediation")
	c.References = list("references")
	c.Requires = list("requires")

	if c.ID != "" && c.ID != id {
		bad("custom.id %q must be %q, the package path below baseline.controls", c.ID, id)
	}
	if c.Service != "" && !strings.HasPrefix(id, c.Service+".") {
		bad("custom.service %q must be the first part of the id %q", c.Service, id)
	}
	if c.Severity != "" && c.Severity.Rank() == 0 {
		bad("custom.severity %q must be one of critical, high, medium, low", c.Severity)
	}
	if c.Scope != "" && !slices.Contains([]Scope{ScopeAccount, ScopeRegion, ScopeTrail, ScopeInstance}, c.Scope) {
		bad("custom.scope %q must be one of account, region, trail, instance", c.Scope)
	}
	for _, action := range c.Requires {
		switch {
		case !actionPattern.MatchString(action):
			bad("custom.requires entry %q must be an IAM action such as \"securityhub:DescribeHub\"", action)
		case !slices.Contains(actions, action):
			// An action the scan never calls never fails: the error rule
			// would never void the control.
			bad("custom.requires entry %q is not an action baseline calls; the closest is %q (`baseline iam-policy` lists them all)", action, closestAction(action, actions))
		}
	}
	for key := range ann.Custom {
		if !slices.Contains([]string{"id", "severity", "service", "scope", "remediation", "references", "requires"}, key) {
			bad("unknown custom.%s", key)
		}
	}
	return c, problems
}

// closestAction is the action of actions nearest to action by edit
// distance, ignoring case; the first in the list on a tie.
func closestAction(action string, actions []string) string {
	best, bestDist := "", -1
	for _, a := range actions {
		if d := editDistance(strings.ToLower(action), strings.ToLower(a)); bestDist < 0 || d < bestDist {
			best, bestDist = a, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// definesResults reports whether a module defines the rule "results".
func definesResults(m *ast.Module) bool {
	for _, r := range m.Rules {
		if r.Head.Name == "results" || (len(r.Head.Reference) == 1 && r.Head.Reference[0].Equal(ast.VarTerm("results"))) {
			return true
		}
	}
	return false
}

func locString(loc *ast.Location) string {
	if loc == nil {
		return "?"
	}
	return fmt.Sprintf("%s:%d:%d", loc.File, loc.Row, loc.Col)
}

// resultType is the type of one element of a control's results set.
var resultType = types.NewObject([]*types.StaticProperty{
	types.NewStaticProperty("message", types.S),
	types.NewStaticProperty("region", types.S),
	types.NewStaticProperty("resource", types.S),
	types.NewStaticProperty("status", types.S),
}, nil)

// checkResultTypes checks, from the type checker's view of each control's
// results rule, that it is a set of objects with the four string fields
// status, region, resource and message. Where the type is only known at run
// time (any), the engine checks each result as it decodes it.
func checkResultTypes(compiler *ast.Compiler, modules map[string]*ast.Module, controls []Control) []string {
	var problems []string
	for _, c := range controls {
		ref := c.pkg.Append(ast.StringTerm("results"))
		loc := resultsLocation(modules, c.pkg)
		tpe := compiler.TypeEnv.Get(ref)
		if tpe == nil {
			continue
		}
		set, ok := tpe.(*types.Set)
		if !ok {
			if _, isAny := tpe.(types.Any); !isAny {
				problems = append(problems, fmt.Sprintf("%s: control %s: results must be a set of objects {status, region, resource, message}, not %s (write `results contains {...} if ...`)", loc, c.ID, typeName(tpe)))
			}
			continue
		}
		for _, why := range resultTypeProblems(set.Of()) {
			problems = append(problems, fmt.Sprintf("%s: control %s: results %s", loc, c.ID, why))
		}
	}
	return problems
}

// resultTypeProblems says why elements of type t are not results; a union
// is checked member by member.
func resultTypeProblems(t types.Type) []string {
	switch t := t.(type) {
	case types.Any:
		var out []string
		for _, m := range t {
			out = append(out, resultTypeProblems(m)...)
		}
		return out
	case *types.Object:
		var out []string
		for _, want := range resultType.StaticProperties() {
			got := t.Select(want.Key)
			switch {
			case got == nil && t.DynamicProperties() == nil:
				out = append(out, fmt.Sprintf("elements lack the field %q (each result is {status, region, resource, message})", want.Key))
			case got != nil && types.Compare(got, types.S) != 0 && !types.Contains(got, types.S) && !isAnyType(got):
				out = append(out, fmt.Sprintf("field %q must be a string, not %s", want.Key, typeName(got)))
			}
		}
		return out
	case nil:
		return nil
	}
	return []string{fmt.Sprintf("must be a set of objects {status, region, resource, message}; its elements can be %s", typeName(t))}
}

func isAnyType(t types.Type) bool {
	a, ok := t.(types.Any)
	return ok && len(a) == 0
}

// resultsLocation is where the first results rule of a package is defined.
func resultsLocation(modules map[string]*ast.Module, pkg ast.Ref) string {
	var best *ast.Location
	for _, m := range modules {
		if !m.Package.Path.Equal(pkg) {
			continue
		}
		for _, r := range m.Rules {
			if r.Head.Name == "results" || (len(r.Head.Reference) == 1 && r.Head.Reference[0].Equal(ast.VarTerm("results"))) {
				if l := r.Location; best == nil || l.File < best.File || (l.File == best.File && l.Row < best.Row) {
					best = l
				}
				break
			}
		}
	}
	return locString(best)
}
