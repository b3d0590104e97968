package policies

import (
	"fmt"
	"io"
	"strings"
)

// WriteCatalogue writes the controls as a Markdown table: the control
// catalogue of `baseline policies doc` and of the README.
func WriteCatalogue(w io.Writer, controls []Control) error {
	var b strings.Builder
	b.WriteString("| control | severity | scope | passes when | references |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, c := range controls {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n",
			c.ID, c.Severity, c.Scope, markdownCell(c.Description), markdownCell(strings.Join(c.References, "; ")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownCell keeps a value inside one table cell.
func markdownCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}
