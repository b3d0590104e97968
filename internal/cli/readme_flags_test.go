package cli

import (
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/baseline-scanner/baseline/report"
)

// cobraFlags maps every flag of every command ("--name") to the commands
// that take it ("scan", "policies list"), help and hidden flags aside, and
// "--name command" to the flag's shorthand ("-o") when it has one.
func cobraFlags() (flags map[string][]string, shorthands map[string]string) {
	out, short := map[string][]string{}, map[string]string{}
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		path := strings.TrimPrefix(cmd.CommandPath(), "baseline ")
		if cmd.HasParent() {
			cmd.Flags().VisitAll(func(f *pflag.Flag) {
				if f.Name != "help" && !f.Hidden {
					out["--"+f.Name] = append(out["--"+f.Name], path)
					if f.Shorthand != "" {
						short["--"+f.Name+" "+path] = "-" + f.Shorthand
					}
				}
			})
		}
		for _, c := range cmd.Commands() {
			if c.Name() != "help" && c.Name() != "completion" {
				walk(c)
			}
		}
	}
	walk(newRoot(io.Discard, io.Discard))
	for name := range out {
		slices.Sort(out[name])
	}
	return out, short
}

// readmeFlagRow is one row of the README's flag table.
type readmeFlagRow struct {
	line     string
	flags    []string // "--name"
	short    string   // "-o", or ""
	commands []string // "scan", "policies list"
	meaning  string
}

var (
	flagCell  = regexp.MustCompile("`(--[a-z-]+)")
	shortCell = regexp.MustCompile("`-([a-z])`")
)

func readmeFlagTable(t *testing.T) []readmeFlagRow {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "### Flags\n\n| flag | commands | meaning |\n|---|---|---|\n")
	if !ok {
		t.Fatal(`README.md has no "### Flags" table`)
	}
	table, _, _ = strings.Cut(table, "\n\n")
	var rows []readmeFlagRow
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "/"), " | ")
		if len(cells) != 3 {
			t.Fatalf("README flag row is not | flag | commands | meaning |: %s", line)
		}
		row := readmeFlagRow{line: line, meaning: cells[2]}
		for _, m := range flagCell.FindAllStringSubmatch(cells[0], -1) {
			row.flags = append(row.flags, m[1])
		}
		if m := shortCell.FindStringSubmatch(cells[0]); m != nil {
			row.short = "-" + m[1]
		}
		for _, c := range strings.Split(cells[1], ", ") {
			// "policies list/doc" is "policies list" and "policies doc".
			if parent, subs, ok := strings.Cut(c, " "); ok {
				for _, sub := range strings.Split(subs, "/") {
					row.commands = append(row.commands, parent+" "+sub)
				}
			} else {
				row.commands = append(row.commands, c)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// TestREADMEFlagTableMatchesCobra holds the README's flag table to the
// flags the commands really take: every flag of every command has a row
// naming that command, and every row names real flags of the commands it
// lists.
func TestREADMEFlagTableMatchesCobra(t *testing.T) {
	real, shorthands := cobraFlags()
	documented := map[string][]string{}
	for _, row := range readmeFlagTable(t) {
		if len(row.flags) == 0 {
			t.Errorf("README flag row names no --flag: %s", row.line)
		}
		for _, f := range row.flags {
			for _, c := range row.commands {
				if !slices.Contains(real[f], c) {
					t.Errorf("README: %s is listed for %q, which has no such flag (it is taken by: %s)", f, c, strings.Join(real[f], ", "))
				}
				if got, want := row.short, shorthands[f+" "+c]; got != want {
					t.Errorf("README: %s of %q is written with shorthand %q, cobra has %q: %s", f, c, got, want, row.line)
				}
				documented[f] = append(documented[f], c)
			}
		}
	}
	for _, f := range slices.Sorted(maps.Keys(real)) {
		for _, c := range real[f] {
			if !slices.Contains(documented[f], c) {
				t.Errorf("README flag table: %s of %q has no row (add it, or add %q to its row's commands)", f, c, c)
			}
		}
	}
	// The report formats are those report.NewWriter accepts.
	for _, row := range readmeFlagTable(t) {
		if slices.Contains(row.flags, "--format") && slices.Contains(row.commands, "scan") {
			for _, name := range report.Formats() {
				if !strings.Contains(row.meaning, "`"+name+"`") {
					t.Errorf("README: the --format row of scan does not name the format %q: %s", name, row.line)
				}
			}
		}
	}
}
