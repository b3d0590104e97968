package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// fencedBlock is one fenced code block of a Markdown document.
type fencedBlock struct {
	line int    // of the opening fence, 1-based
	lang string // the info string: "sh", "yaml", "json", or ""
	body string
	// file is the repository path named by a "<!-- file: PATH -->" line
	// just before the fence: the block is that file, inlined whole.
	file string
}

var (
	fileMarker    = regexp.MustCompile(`^<!-- file: (\S+) -->$`)
	envAssignment = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`)
)

// fencedBlocks reads the ``` blocks of a Markdown file, indented ones (in
// list items) included, with their indentation removed.
func fencedBlocks(t *testing.T, path string) []fencedBlock {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var blocks []fencedBlock
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimLeft(lines[i], " ")
		if !strings.HasPrefix(trimmed, "```") {
			continue
		}
		indent := len(lines[i]) - len(trimmed)
		b := fencedBlock{line: i + 1, lang: strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))}
		if i > 0 {
			if m := fileMarker.FindStringSubmatch(strings.TrimSpace(lines[i-1])); m != nil {
				b.file = m[1]
			}
		}
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			l := lines[i]
			if len(l) >= indent && strings.TrimSpace(l[:indent]) == "" {
				l = l[indent:]
			}
			body = append(body, l)
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: code block is never closed", path, b.line)
		}
		b.body = strings.Join(body, "\n") + "\n"
		blocks = append(blocks, b)
	}
	return blocks
}

// shellWords splits a command line as sh would for the cases documents
// use: blanks separate words, '…' and "…" quote (the quotes removed).
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// baselineCommands returns the baseline command lines of a shell block,
// each as its arguments after "baseline": continuation lines joined, a
// prompt ("$ "), environment assignments and comments removed, and cut at
// the first pipe, redirection or command separator.
func baselineCommands(body string) [][]string {
	var cmds [][]string
	text := strings.ReplaceAll(body, "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "$ ")
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		words := shellWords(line)
		for len(words) > 0 && envAssignment.MatchString(words[0]) {
			words = words[1:]
		}
		if len(words) == 0 || words[0] != "baseline" {
			continue
		}
		args := words[1:]
		for i, w := range args {
			if slices.Contains([]string{"|", "||", "&&", ";", ">", ">>", "2>", "2>&1", "<"}, w) {
				args = args[:i]
				break
			}
		}
		cmds = append(cmds, args)
	}
	return cmds
}

// checkBaselineCommand fails for a command line that baselineCommandProblems
// finds wrong.
func checkBaselineCommand(t *testing.T, where string, args []string) {
	t.Helper()
	for _, p := range baselineCommandProblems(args) {
		t.Errorf("%s: %s", where, p)
	}
}

// baselineCommandProblems says what is wrong with a baseline command line
// (its arguments after "baseline"): a subcommand baseline does not have, a
// flag that subcommand does not take (by the flag map the README's flag
// table is held to, cobraFlags), or one cobra would not parse (a value of
// the wrong kind).
func baselineCommandProblems(args []string) []string {
	flags, shorthands := cobraFlags()
	root := newRoot(io.Discard, io.Discard)
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		return []string{"baseline " + strings.Join(args, " ") + ": no such command"}
	}
	var problems []string
	path := strings.TrimPrefix(cmd.CommandPath(), "baseline ")
	for _, a := range rest {
		name, _, _ := strings.Cut(a, "=")
		switch {
		case strings.HasPrefix(name, "--"):
			if !slices.Contains(flags[name], path) {
				problems = append(problems, fmt.Sprintf("baseline %s has no flag %s (taken by: %s)", path, name, strings.Join(flags[name], ", ")))
			}
		case strings.HasPrefix(name, "-") && len(name) == 2:
			found := false
			for k, s := range shorthands {
				found = found || (s == name && strings.HasSuffix(k, " "+path))
			}
			if !found {
				problems = append(problems, fmt.Sprintf("baseline %s has no flag %s", path, name))
			}
		}
	}
	if err := cmd.ParseFlags(rest); err != nil {
		problems = append(problems, fmt.Sprintf("baseline %s: %v", strings.Join(args, " "), err))
	}
	return problems
}

// TestBaselineCommandProblems: the checker of documented commands finds a
// wrong subcommand, flag, shorthand or value, and passes real ones.
func TestBaselineCommandProblems(t *testing.T) {
	for _, tc := range []struct {
		line string
		want string // "" when the line is right
	}{
		{`JOB_COMPLETION_INDEX=2 BASELINE_SHARD_COUNT=4 baseline scan --org --regions all \
  --shard auto --exit-zero --format json -o /reports/report-{shard}.json   # shard 3/4`, ""},
		{`baseline merge report-*.json -o report.json --fail-on critical`, ""},
		{`$ baseline accounts --org -o accounts.json | jq .`, ""},
		{`baseline report report.json --format markdown >> "$GITHUB_STEP_SUMMARY"`, ""},
		{`baseline scna --org`, "no such command"},
		{`baseline accounts --org --shard 1/2`, "baseline accounts has no flag --shard (taken by: collect, scan)"},
		{`baseline merge a.json b.json -x`, "baseline merge has no flag -x"},
		{`baseline scan --shard auto --shard-count four`, `invalid argument "four"`},
	} {
		cmds := baselineCommands(tc.line + "\n")
		if len(cmds) != 1 {
			t.Errorf("%q: %d commands found, want 1", tc.line, len(cmds))
			continue
		}
		got := strings.Join(baselineCommandProblems(cmds[0]), "; ")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%q: problems %q, want %q", tc.line, got, tc.want)
		}
	}
}

// manifestCommands finds the baseline commands of a parsed Kubernetes or
// AWS Batch manifest: the string lists under "args" or "command" whose
// first element is a baseline subcommand.
func manifestCommands(v any) [][]string {
	var out [][]string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if list, ok := x.([]any); ok && (k == "args" || k == "command") {
				var args []string
				for _, a := range list {
					if s, ok := a.(string); ok {
						args = append(args, s)
					}
				}
				if len(args) == len(list) && len(args) > 0 {
					if cmd, _, err := newRoot(io.Discard, io.Discard).Find(args[:1]); err == nil && cmd.HasParent() {
						out = append(out, args)
						continue
					}
				}
			}
			out = append(out, manifestCommands(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, manifestCommands(x)...)
		}
	}
	return out
}

// TestScaleDocBlocks holds docs/scale.md to the repository: every YAML and
// JSON block parses, a block marked as a file of the repository is that
// file byte for byte, the three deployments (GitHub Actions matrix,
// Kubernetes Indexed Job, AWS Batch array job) are among them, and every
// baseline command, in a shell block or a manifest, uses real subcommands
// and flags.
func TestScaleDocBlocks(t *testing.T) {
	const doc = "../../docs/scale.md"
	inlined := map[string]bool{}
	commands := 0
	for _, b := range fencedBlocks(t, doc) {
		where := "docs/scale.md:" + strconv.Itoa(b.line)
		var parsed any
		switch b.lang {
		case "yaml", "yml":
			if err := yaml.Unmarshal([]byte(b.body), &parsed); err != nil {
				t.Errorf("%s: YAML block does not parse: %v", where, err)
			}
		case "json":
			dec := json.NewDecoder(strings.NewReader(b.body))
			if err := dec.Decode(&parsed); err != nil {
				t.Errorf("%s: JSON block does not parse: %v", where, err)
			} else if dec.More() {
				t.Errorf("%s: JSON block holds more than one value", where)
			}
		case "sh":
			for _, args := range baselineCommands(b.body) {
				checkBaselineCommand(t, where, args)
				commands++
			}
		case "text":
		default:
			t.Errorf("%s: code block of language %q: say sh, yaml, json or text", where, b.lang)
		}
		for _, args := range manifestCommands(parsed) {
			checkBaselineCommand(t, where, args)
			commands++
		}
		if b.file != "" {
			inlined[b.file] = true
			want, err := os.ReadFile(filepath.Join("../..", filepath.FromSlash(b.file)))
			if err != nil {
				t.Errorf("%s: inlines %s: %v", where, b.file, err)
			} else if !bytes.Equal([]byte(b.body), want) {
				t.Errorf("%s: the block marked %s differs from the file: paste the file again", where, b.file)
			}
		}
	}
	for _, f := range []string{".github/workflows/scheduled-scan-sharded.yml", "deploy/kubernetes/indexed-job.yaml", "deploy/aws-batch/array-job.json"} {
		if !inlined[f] {
			t.Errorf("docs/scale.md does not inline %s (a block after <!-- file: %s -->)", f, f)
		}
	}
	if commands < 5 {
		t.Errorf("docs/scale.md: only %d baseline commands found; is the extraction broken?", commands)
	}
}

// TestDocCommandsUseRealFlags: every baseline command line in a shell
// block of the README and the documents under docs/ names a real
// subcommand and only flags it takes.
func TestDocCommandsUseRealFlags(t *testing.T) {
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]int{}
	for _, p := range append([]string{"../../README.md"}, docs...) {
		rel := strings.TrimPrefix(filepath.ToSlash(p), "../../")
		for _, b := range fencedBlocks(t, p) {
			if b.lang != "sh" && b.lang != "bash" {
				continue
			}
			for _, args := range baselineCommands(b.body) {
				checkBaselineCommand(t, rel+":"+strconv.Itoa(b.line), args)
				found[rel]++
			}
		}
	}
	if found["README.md"] < 15 {
		t.Errorf("only %d baseline commands found in the README's shell blocks: is the extraction broken?", found["README.md"])
	}
	t.Logf("baseline commands checked: %v", found)
}
