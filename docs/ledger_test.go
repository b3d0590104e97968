// Package docs_test holds the checks that keep the repository's docs true.
package docs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestLedgerNamesExistingTests holds docs/aws-semantics.md to the code: every
// row names at least one test, every named test exists (a Go test function or
// a Rego test rule), and every named code path exists.
func TestLedgerNamesExistingTests(t *testing.T) {
	ledger, err := os.ReadFile("aws-semantics.md")
	if err != nil {
		t.Fatal(err)
	}
	goTests, regoTests := testNames(t, "..")
	rows := 0
	ids := map[string]int{} // row id → line
	for i, line := range strings.Split(string(ledger), "\n") {
		cells := strings.Split(line, "|")
		// | # | Statement | Source | Code | Test |  → 7 cells with the outer empties.
		if len(cells) != 7 || !rowID.MatchString(strings.TrimSpace(cells[1])) {
			continue
		}
		rows++
		where := "docs/aws-semantics.md:" + strconv.Itoa(i+1)
		id := strings.TrimSpace(cells[1])
		if prev, dup := ids[id]; dup {
			t.Errorf("%s: row id %s is already used on line %d", where, id, prev)
		}
		ids[id] = i + 1
		if strings.TrimSpace(cells[3]) == "" {
			t.Errorf("%s: row %s has no source", where, strings.TrimSpace(cells[1]))
		}
		for _, p := range backticked(cells[4]) {
			p = strings.SplitN(p, " ", 2)[0]
			if !strings.Contains(p, "/") && !strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".rego") && !strings.HasSuffix(p, ".yaml") {
				continue // an identifier, not a path
			}
			if _, err := os.Stat(filepath.Join("..", strings.TrimRight(p, "/"))); err != nil {
				t.Errorf("%s: code path %s does not exist", where, p)
			}
		}
		names := backticked(cells[5])
		if len(names) == 0 {
			t.Errorf("%s: row %s names no test", where, strings.TrimSpace(cells[1]))
		}
		for _, n := range names {
			top := strings.SplitN(n, "/", 2)[0]
			switch {
			case strings.HasPrefix(top, "Test"):
				if !goTests[top] {
					t.Errorf("%s: Go test %s does not exist", where, top)
				}
			case strings.HasPrefix(top, "test_"):
				if !regoTests[top] {
					t.Errorf("%s: Rego test %s does not exist", where, top)
				}
			default:
				t.Errorf("%s: %q is neither a Go test (Test…) nor a Rego test (test_…)", where, n)
			}
		}
	}
	if rows == 0 {
		t.Fatal("docs/aws-semantics.md has no rows")
	}
}

var (
	rowID     = regexp.MustCompile(`^[A-Z]+-\d+$`)
	tick      = regexp.MustCompile("`([^`]+)`")
	goTestFn  = regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	regoTestR = regexp.MustCompile(`(?m)^(test_\w+)\b`)
)

func backticked(cell string) []string {
	var out []string
	for _, m := range tick.FindAllStringSubmatch(cell, -1) {
		out = append(out, m[1])
	}
	return out
}

func testNames(t *testing.T, root string) (goTests, regoTests map[string]bool) {
	goTests, regoTests = map[string]bool{}, map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		switch {
		case strings.HasSuffix(path, "_test.go"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range goTestFn.FindAllStringSubmatch(string(b), -1) {
				goTests[m[1]] = true
			}
		case strings.HasSuffix(path, "_test.rego"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range regoTestR.FindAllStringSubmatch(string(b), -1) {
				regoTests[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return goTests, regoTests
}
