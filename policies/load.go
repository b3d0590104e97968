package policies

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
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

func dirSource(dir string) source { return source{name: dir, fsys: os.DirFS(dir)} }

// moduleSet is the parsed policy modules and test modules, by file name.
type moduleSet struct {
	policies map[string]*ast.Module
	tests    map[string]*ast.Module
}

// loadModules parses every .rego file of the sources, in rego v1 syntax with
// annotations. Parse errors are one line each: file:line:col: message.
func loadModules(sources []source) (moduleSet, error) {
	set := moduleSet{policies: map[string]*ast.Module{}, tests: map[string]*ast.Module{}}
	var errs []error
	for _, src := range sources {
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
		lines = append(lines, fmt.Sprintf("%s: %s", locString(e.Location), msg))
	}
	return errors.New(strings.Join(lines, "\n"))
}
