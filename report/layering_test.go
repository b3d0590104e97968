package report

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writerFiles are the files that lay out one output format. Each may use the
// model (report.go, diff.go, summary.go, ...), the view model (view.go) and
// the escaping layer (escape.go), but nothing declared in another writer's
// file: what two formats share belongs in view.go or escape.go.
var writerFiles = []string{"table.go", "markdown.go", "html.go", "json.go", "ndjson.go", "junit.go"}

// TestWritersShareOnlyTheViewModel fails when a writer file uses a
// package-level name declared in another writer's file (html.go once called
// markdown.go's and table.go's helpers), or when a writer escapes on its own
// instead of through escape.go.
func TestWritersShareOnlyTheViewModel(t *testing.T) {
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	declaredIn := map[string]string{} // package-level name → file
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(".", name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					declaredIn[d.Name.Name] = name
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						declaredIn[s.Name.Name] = name
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declaredIn[n.Name] = name
						}
					}
				}
			}
		}
	}
	for _, w := range writerFiles {
		if _, ok := files[w]; !ok {
			t.Errorf("%s is listed as a writer file but does not exist", w)
		}
	}
	for _, w := range writerFiles {
		f := files[w]
		if f == nil {
			continue
		}
		// Names declared inside the file's functions (locals, parameters)
		// shadow package-level ones; a file that declares a name locally
		// and also uses another file's name of the same spelling would go
		// unnoticed, which no file does today.
		local := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE {
					for _, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							local[id.Name] = true
						}
					}
				}
			case *ast.Field:
				for _, id := range n.Names {
					local[id.Name] = true
				}
			}
			return true
		})
		var bad []string
		ast.Walk(visitIdents(func(id *ast.Ident) { check(w, id, declaredIn, local, &bad) }), f)
		slices.Sort(bad)
		for _, b := range slices.Compact(bad) {
			t.Errorf("%s uses %s: share it through view.go or escape.go instead", w, b)
		}
	}
}

func check(file string, id *ast.Ident, declaredIn map[string]string, local map[string]bool, bad *[]string) {
	from, ok := declaredIn[id.Name]
	if !ok || id.Name == "_" || from == file || local[id.Name] {
		return
	}
	// The raw primitives: a writer escapes through its medium's function
	// (cell, mdText, htmlText, xmlText, TerminalText), which cleans first.
	if id.Name == "clean" || id.Name == "mdEscape" {
		*bad = append(*bad, id.Name+" (a raw escaping primitive of escape.go)")
	}
	if slices.Contains(writerFiles, from) {
		*bad = append(*bad, id.Name+" (declared in "+from+")")
	}
}

// visitIdents calls its function for every identifier that may name a
// package-level declaration: not a selected field or method, not a key of a
// struct literal, not the name being declared.
type visitIdents func(*ast.Ident)

func (v visitIdents) Visit(n ast.Node) ast.Visitor {
	switch n := n.(type) {
	case *ast.SelectorExpr:
		ast.Walk(v, n.X)
		return nil
	case *ast.KeyValueExpr:
		if _, ok := n.Key.(*ast.Ident); !ok {
			ast.Walk(v, n.Key)
		}
		ast.Walk(v, n.Value)
		return nil
	case *ast.FuncDecl:
		if n.Recv != nil {
			ast.Walk(v, n.Recv)
		}
		ast.Walk(v, n.Type)
		if n.Body != nil {
			ast.Walk(v, n.Body)
		}
		return nil
	case *ast.Ident:
		v(n)
	}
	return v
}

// TestEscapingLivesInEscapeGo: the escaping primitives are declared in
// escape.go and nowhere else, so each medium has one escaping function.
func TestEscapingLivesInEscapeGo(t *testing.T) {
	want := []string{"clean", "TerminalText", "cell", "cellMiddle", "mdText", "mdEscape", "htmlText", "xmlText"}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "escape.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			got = append(got, fd.Name.Name)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("escape.go does not declare %s", w)
		}
	}
}
