package docs_test

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	// mdLink is the target of a Markdown link or image: [text](target).
	mdLink = regexp.MustCompile(`\]\(([^)\s#]+)`)
	// mdName is a project document named in any text: an upper-case name
	// such as README.md (lower-case ones, like report.md, are outputs).
	mdName = regexp.MustCompile(`\b[A-Z][A-Z0-9_-]*\.md\b`)
)

// TestReferencedFilesExist fails on a reference to a file the repository
// does not have: a relative Markdown link that leads nowhere or outside the
// repository, or a project document (an upper-case *.md name) named in code,
// docs or policies that exists nowhere in it.
func TestReferencedFilesExist(t *testing.T) {
	root := ".."
	var files []string
	mdFiles := map[string]bool{} // base names of the Markdown files
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".md":
			mdFiles[d.Name()] = true
			files = append(files, p)
		case ".go", ".rego", ".yaml", ".yml":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		for i, line := range strings.Split(string(b), "\n") {
			at := func() string { return rel + ":" + strconv.Itoa(i+1) }
			if strings.HasSuffix(p, ".md") {
				for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
					target := m[1]
					if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
						continue
					}
					resolved := filepath.Join(filepath.Dir(p), filepath.FromSlash(target))
					if r, err := filepath.Rel(root, resolved); err != nil || strings.HasPrefix(r, "..") {
						t.Errorf("%s: link to %s leaves the repository", at(), target)
					} else if _, err := os.Stat(resolved); err != nil {
						t.Errorf("%s: link to %s: no such file in the repository", at(), target)
					}
				}
			}
			for _, name := range mdName.FindAllString(line, -1) {
				if !mdFiles[path.Base(name)] {
					t.Errorf("%s: names %s, which is not in the repository", at(), name)
				}
			}
		}
	}
}
