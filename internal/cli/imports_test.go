package cli

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCLIOnlyTurnsFlagsIntoOptions: the command line imports no AWS service
// client and no table renderer. Orchestration is internal/scan's, rendering
// report's; a CLI file that reaches for either is in the wrong package.
func TestCLIOnlyTurnsFlagsIntoOptions(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2/service/") || strings.HasPrefix(path, "github.com/olekukonko/tablewriter") {
				t.Errorf("%s imports %s: the CLI turns flags into scan.Options and renders through report.Writer", name, path)
			}
		}
	}
}
