package policies

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
)

// The layout of the built-in policies, held as tests so that a new control
// cannot break it unnoticed:
//   - every control is one file <service>/<name>.rego in package
//     baseline.controls.<service>.<name>, defining the control <service>.<name>;
//   - beside it, <service>/<name>_test.rego in package …<name>_test;
//   - lib/ holds package baseline.lib and its tests baseline.lib_test;
//   - every file is `opa fmt` clean.

// builtinFiles are the paths of every .rego file of the built-in policies.
func builtinFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := fs.WalkDir(BuiltinFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".rego") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("walk built-in policies: %d files, %v", len(files), err)
	}
	return files
}

func parseBuiltin(t *testing.T, p string) (*ast.Module, []byte) {
	t.Helper()
	src, err := fs.ReadFile(BuiltinFS(), p)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return m, src
}

func TestBuiltinLayout(t *testing.T) {
	files := builtinFiles(t)
	engine, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	controls := map[string]Control{}
	for _, c := range engine.Controls() {
		controls[c.ID] = c
	}
	seen := map[string]bool{} // control ids with a file
	for _, p := range files {
		m, _ := parseBuiltin(t, p)
		dir, base := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		stem := strings.TrimSuffix(base, ".rego")
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if strings.Contains(dir, "/") {
			t.Errorf("%s: built-in policies are one directory deep: <service>/<name>.rego or lib/<name>.rego", p)
			continue
		}
		if dir == "lib" {
			want := "baseline.lib"
			if strings.HasSuffix(stem, "_test") {
				want = "baseline.lib_test"
			}
			if pkg != want {
				t.Errorf("%s: package %s, want %s: the library is one package", p, pkg, want)
			}
			continue
		}
		if want := "baseline.controls." + dir + "." + stem; pkg != want {
			t.Errorf("%s: package %s, want %s: the package path is the file's path", p, pkg, want)
		}
		if strings.HasSuffix(stem, "_test") {
			if !slices.Contains(files, path.Join(dir, strings.TrimSuffix(stem, "_test")+".rego")) {
				t.Errorf("%s: tests no control: there is no %s.rego beside it", p, strings.TrimSuffix(stem, "_test"))
			}
			continue
		}
		id := dir + "." + stem
		c, ok := controls[id]
		if !ok {
			t.Errorf("%s: defines no control %s (every file outside lib/ is one control with its METADATA)", p, id)
			continue
		}
		if c.Source != "" && path.Base(c.Source) != base {
			t.Errorf("%s: control %s is defined in %s", p, id, c.Source)
		}
		seen[id] = true
		if !slices.Contains(files, path.Join(dir, stem+"_test.rego")) {
			t.Errorf("%s: control %s has no %s_test.rego beside it", p, id, stem)
		}
	}
	for id := range controls {
		if !seen[id] {
			t.Errorf("control %s is not defined by a file <service>/<name>.rego of its own", id)
		}
	}
}

// TestBuiltinFormatted holds every built-in file to `opa fmt`.
func TestBuiltinFormatted(t *testing.T) {
	for _, p := range builtinFiles(t) {
		_, src := parseBuiltin(t, p)
		want, err := format.SourceWithOpts(p, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Errorf("%s: opa fmt: %v", p, err)
			continue
		}
		if string(want) != string(src) {
			t.Errorf("%s is not `opa fmt` clean: run opa fmt -w policies (or format.Source) on it", p)
		}
	}
}
