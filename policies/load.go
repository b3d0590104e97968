package policies

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/types"
)

// builtinFS holds the built-in controls, their tests and the shared library.
//
//go:embed */*.rego
var builtinFS embed.FS

// source is a tree of .rego files; name prefixes the file names in errors
// and metadata.
type source struct {
	name string
	fsys fs.FS
}

func builtinSource() source { return source{name: "policies", fsys: builtinFS} }

// BuiltinFS returns the built-in policy files (<dir>/<name>.rego, tests
// included), e.g. to evaluate them with the opa command line.
func BuiltinFS() fs.FS { return builtinFS }

// ConfigData returns cfg as the policy data document, the value of
// data.baseline.config that the engine evaluates with.
func ConfigData(cfg Config) (map[string]any, error) { return cfg.data() }

func dirSource(dir string) source { return source{name: dir, fsys: os.DirFS(dir)} }

// moduleSet is the parsed policy modules and test modules, by file name.
type moduleSet struct {
	policies map[string]*ast.Module
	tests    map[string]*ast.Module
	source   map[string]int // file name → index of its source
}

// loadModules parses every .rego file of the sources, in rego v1 syntax with
// annotations. Parse errors are one line each: file:line:col: message.
func loadModules(sources []source) (moduleSet, error) {
	set := moduleSet{policies: map[string]*ast.Module{}, tests: map[string]*ast.Module{}, source: map[string]int{}}
	var errs []error
	for i, src := range sources {
		err := fs.WalkDir(src.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || path.Ext(p) != ".rego" {
				return nil
			}
			b, err := fs.ReadFile(src.fsys, p)
			if err != nil {
				return err
			}
			name := filepath.ToSlash(filepath.Join(src.name, filepath.FromSlash(p)))
			m, err := ast.ParseModuleWithOpts(name, string(b), ast.ParserOptions{
				ProcessAnnotation: true,
				RegoVersion:       ast.RegoV1,
				Capabilities:      capabilities(),
			})
			if err != nil {
				errs = append(errs, astError(err))
				return nil
			}
			if m == nil { // an empty file
				return nil
			}
			rewriteNullComparisons(m)
			set.source[name] = i
			if strings.HasSuffix(p, "_test.rego") {
				set.tests[name] = m
			} else {
				set.policies[name] = m
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("load policies %s: %w", src.name, err))
		}
	}
	return set, errors.Join(errs...)
}

// astError rewrites OPA's errors as one line each: file:line:col: message.
func astError(err error) error {
	var astErrs ast.Errors
	if !errors.As(err, &astErrs) {
		return err
	}
	lines := make([]string, 0, len(astErrs))
	for _, e := range astErrs {
		msg := strings.Join(strings.Fields(e.Message), " ")
		switch d := e.Details.(type) {
		case *ast.RefErrInvalidDetail:
			msg += refHint(d)
		case *ast.UnificationErrDetail:
			msg += fmt.Sprintf(": %s and %s can never be equal", typeName(d.Left), typeName(d.Right))
		}
		lines = append(lines, fmt.Sprintf("%s: %s", locString(e.Location), msg))
	}
	return errors.New(strings.Join(lines, "\n"))
}

// refHint explains an undefined ref into the input: which part has no such
// field, and the fields it has (see input.schema.json).
func refHint(d *ast.RefErrInvalidDetail) string {
	if d.Pos <= 0 || d.Pos >= len(d.Ref) || len(d.OneOf) == 0 {
		return ""
	}
	keys := make([]string, 0, len(d.OneOf))
	for _, v := range d.OneOf {
		if s, ok := v.(ast.String); ok {
			keys = append(keys, string(s))
		} else {
			keys = append(keys, v.String())
		}
	}
	slices.Sort(keys)
	if len(keys) > 12 {
		keys = append(keys[:12], "…")
	}
	return fmt.Sprintf(" (%s has no key %s; it has: %s)", d.Ref[:d.Pos], d.Ref[d.Pos], strings.Join(keys, ", "))
}

// typeName is a short name of a Rego type for a one-line message.
func typeName(t types.Type) string {
	switch t.(type) {
	case *types.Object:
		return "an object"
	case *types.Array:
		return "an array"
	case *types.Set:
		return "a set"
	}
	return types.Sprint(t)
}

// rewriteNullComparisons rewrites x == null as is_null(x) and x != null as
// is_null(x) == false, which mean the same (both undefined when x is). The
// input schema lets facts be null (not observed), but OPA's type checker has
// no nullable types: it types a nullable list as a list, and would reject
// comparing it with null as a match error.
func rewriteNullComparisons(m *ast.Module) {
	rewrite := func(terms []*ast.Term) []*ast.Term {
		if len(terms) != 3 {
			return terms
		}
		op := terms[0]
		x, y := terms[1], terms[2]
		if ast.NullTerm().Equal(x) {
			x, y = y, x
		}
		if !ast.NullTerm().Equal(y) || ast.NullTerm().Equal(x) {
			return terms
		}
		isNull := ast.RefTerm(ast.VarTerm(ast.IsNull.Name).SetLocation(op.Location)).SetLocation(op.Location)
		switch {
		case op.Value.Compare(ast.Equal.Ref()) == 0:
			return []*ast.Term{isNull, x}
		case op.Value.Compare(ast.NotEqual.Ref()) == 0:
			equal := ast.RefTerm(ast.VarTerm(ast.Equal.Name).SetLocation(op.Location)).SetLocation(op.Location)
			return []*ast.Term{equal, ast.CallTerm(isNull, x).SetLocation(op.Location), ast.BooleanTerm(false).SetLocation(op.Location)}
		}
		return terms
	}
	ast.NewGenericVisitor(func(v any) bool {
		switch v := v.(type) {
		case *ast.Expr:
			if terms, ok := v.Terms.([]*ast.Term); ok {
				v.Terms = rewrite(terms)
			}
		case *ast.Term:
			if call, ok := v.Value.(ast.Call); ok {
				v.Value = ast.Call(rewrite(call))
			}
		}
		return false
	}).Walk(m)
}

// configRoot is where the config data lives; no rule may be defined there.
var configRoot = ast.MustParseRef("data.baseline.config")

// checkPackages rejects, before compiling, the package clashes the compiler
// would report obscurely or not at all: a control id defined twice (by two
// files with package METADATA, or by a custom directory reusing the package
// of a control of another source, built-in or custom), a custom module
// extending a built-in library package, and rules under the config data.
func checkPackages(mods moduleSet) error {
	names := make([]string, 0, len(mods.policies))
	for name := range mods.policies {
		names = append(names, name)
	}
	// Built-in first, then each directory in order, files sorted.
	slices.SortFunc(names, func(a, b string) int {
		if c := mods.source[a] - mods.source[b]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})

	type definition struct {
		name   string
		source int
		loc    string
		annot  bool
	}
	defined := map[string]definition{} // package → its first definition
	builtinPkgs := map[string]string{} // library package → a built-in file
	// The built-in packages and the configuration: a custom module's package
	// may be none of their ancestors (package baseline could define config
	// and rewrite every threshold) and lie inside none of them.
	reserved := []ast.Ref{configRoot}
	for _, name := range names {
		path := mods.policies[name].Package.Path
		if mods.source[name] == 0 && !slices.ContainsFunc(reserved, func(r ast.Ref) bool { return r.Equal(path) }) {
			reserved = append(reserved, path)
		}
	}
	slices.SortStableFunc(reserved[1:], func(a, b ast.Ref) int { return a.Compare(b) })
	var problems []string
	for _, name := range names {
		m := mods.policies[name]
		pkg := m.Package.Path.String()
		src := mods.source[name]
		if m.Package.Path.HasPrefix(configRoot) {
			problems = append(problems, fmt.Sprintf("%s: package %s is the configuration data (data.baseline.config); it cannot hold rules", locString(m.Package.Location), strings.TrimPrefix(pkg, "data.")))
			continue
		}
		if src > 0 {
			if problem := reservedPackage(m.Package.Path, reserved); problem != "" {
				problems = append(problems, fmt.Sprintf("%s: %s; give custom rules a package of their own, e.g. package acme.lib or package baseline.controls.<service>.<name>", locString(m.Package.Location), problem))
				continue
			}
		}
		if !isControl(m) {
			file, builtin := builtinPkgs[pkg]
			switch {
			case src == 0 && !builtin:
				builtinPkgs[pkg] = name
			case src > 0 && builtin:
				problems = append(problems, fmt.Sprintf("%s: package %s belongs to the built-in policies (%s); give custom libraries a package of their own, e.g. package acme.lib", locString(m.Package.Location), strings.TrimPrefix(pkg, "data."), file))
			}
			continue
		}
		loc, annot := locString(m.Package.Location), false
		for _, a := range m.Annotations {
			if a.Scope == "package" {
				loc, annot = locString(a.Location), true
				break
			}
		}
		prev, ok := defined[pkg]
		switch {
		case !ok:
			defined[pkg] = definition{name, src, loc, annot}
		case prev.source != src || (prev.annot && annot):
			problems = append(problems, fmt.Sprintf("%s: duplicate control id %s: already defined at %s", loc, controlID(m.Package.Path), prev.loc))
		case annot && !prev.annot:
			// The same control split over files of one directory: the
			// file with the METADATA defines it.
			defined[pkg] = definition{name, src, loc, annot}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// reservedPackage says how a custom package reaches a reserved one (an
// ancestor of it, or inside it), or returns "" when it does not. Equal
// packages are left to the checks that name the clash more precisely.
func reservedPackage(pkg ast.Ref, reserved []ast.Ref) string {
	name := func(r ast.Ref) string { return strings.TrimPrefix(r.String(), "data.") }
	for _, r := range reserved {
		switch {
		case pkg.Equal(r):
		case r.HasPrefix(pkg):
			return fmt.Sprintf("package %s contains the built-in package %s", name(pkg), name(r))
		case pkg.HasPrefix(r):
			return fmt.Sprintf("package %s is inside the built-in package %s", name(pkg), name(r))
		}
	}
	return ""
}
