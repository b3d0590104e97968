package yamlfile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// laughs is a "billion laughs" document: 9 nodes aliased 9 times over 8
// levels, about 430 million nodes once expanded, in under 500 bytes.
func laughs() string {
	var b strings.Builder
	b.WriteString(`a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]` + "\n")
	for i, prev := range "abcdefgh" {
		name := string("bcdefghi"[i])
		fmt.Fprintf(&b, "%s: &%s [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	return b.String()
}

func TestParseChecks(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"tag", "- control: .*\n  accounts: !000\n00000000000000\n  00000008: 00\n", `w.yaml:2:13: YAML tags such as "!000" are not supported; remove the tag`},
		{"core tag", "a: !!str 5\n", `w.yaml:1:4: YAML tags such as "!!str" are not supported; remove the tag`},
		{"flow", "a: [1, 2]\nb: {c: d}\n", ""},
		{"syntax", "a: [", `w.yaml:1:4: `},
		// Each level's aliases add 9 times the previous level's size:
		// lines 2-5 add 74,682 nodes, the first *e of line 6 adds 66,429.
		{"billion laughs", laughs(), "w.yaml:6:8: YAML aliases expand this document by more than 100000 nodes; write the values out instead"},
		// A rebinding would hide the first anchor's size from the count.
		{"anchor rebound", "a: &x [1]\nb: [*x, *x]\nc: &x 1\n", "w.yaml:3:4: anchor &x is defined twice; give each anchor its own name"},
		{"self alias", "a: &a [*a]\n", "w.yaml:1:8: alias *a is inside the anchor it names"},
		// Ordinary anchors and merge keys are fine.
		{"merge keys", "base: &base {x: 1, y: 2}\nprod:\n  <<: *base\n  z: 3\nlist: [*base, *base]\n", ""},
		{"two documents", "a: 1\n---\nb: 2\n", `w.yaml:2:1: a second YAML document; this file holds one document`},
		{"leading marker", "---\na: 1\n", ""},
		{"comment document", "# only a comment\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(t.Context(), "w.yaml", []byte(tc.in), Config)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tc.want == "" && got != "" || !strings.HasPrefix(got, tc.want) || strings.Contains(got, "\n") {
				t.Errorf("Parse(%.40q…) = %q, want one line starting %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestAliasBoundBeforeDecoding proves the bound is checked on the parsed
// tree: a document that expands far past the bound is refused by Parse,
// which decodes nothing, and a document just under the bound is accepted.
func TestAliasBoundBeforeDecoding(t *testing.T) {
	lim := Limits{MaxBytes: 1 << 20, MaxAliasNodes: 100}
	// a's value is 10 nodes (the sequence and 9 items); each *a adds 9
	// (the alias itself is written).
	doc := func(aliases int) string {
		return "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [" + strings.TrimSuffix(strings.Repeat("*a, ", aliases), ", ") + "]\n"
	}
	if _, err := Parse(t.Context(), "w.yaml", []byte(doc(11)), lim); err != nil {
		t.Errorf("11 aliases adding 99 nodes: %v", err)
	}
	_, err := Parse(t.Context(), "w.yaml", []byte(doc(12)), lim)
	if err == nil || err.Error() != "w.yaml:2:49: YAML aliases expand this document by more than 100 nodes; write the values out instead" {
		t.Errorf("12 aliases adding 108 nodes: %v", err)
	}
}

func TestRecoveredPanic(t *testing.T) {
	err := run(t.Context(), "w.yaml", func() error {
		var m map[string]int
		m["x"] = 1 // panics
		return nil
	})
	if err == nil || !strings.HasPrefix(err.Error(), "w.yaml: the YAML decoder failed on this file") {
		t.Errorf("err = %v", err)
	}
}

// TestRunReturnsWhenCanceled: a decode that does not finish (fn blocks
// until released) is abandoned as soon as the context is cancelled.
func TestRunReturnsWhenCanceled(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithCancel(t.Context())
	errs := make(chan error, 1)
	go func() {
		errs <- run(ctx, "w.yaml", func() error { <-release; return nil })
	}()
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) || err.Error() != "w.yaml: reading stopped: context canceled" {
		t.Errorf("run = %v", err)
	}
}
