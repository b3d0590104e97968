package yamlguard

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"- control: .*\n  accounts: !000\n00000000000000\n  00000008: 00\n", `w.yaml:2:13: YAML tags such as "!000" are not supported; remove the tag`},
		{"a: !!str 5\n", `w.yaml:1:4: YAML tags such as "!!str" are not supported; remove the tag`},
		{"a: [1, 2]\nb: {c: d}\n", ""},
		{"a: [", ""}, // left to the decoder
	} {
		err := Check("w.yaml", []byte(tc.in))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Check(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRecover(t *testing.T) {
	err := func() (err error) {
		defer Recover("w.yaml", &err)
		var m map[string]int
		m["x"] = 1 // panics
		return nil
	}()
	if err == nil || err.Error()[:7] != "w.yaml:" {
		t.Errorf("err = %v", err)
	}
}

func TestCheckAliases(t *testing.T) {
	var laughs strings.Builder
	laughs.WriteString(`a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]` + "\n")
	for i, prev := range "abcdefgh" {
		name := string("bcdefghi"[i])
		fmt.Fprintf(&laughs, "%s: &%s [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	for _, tc := range []struct{ in, want string }{
		{laughs.String(), "w.yaml: YAML aliases expand this document to more than 100000 nodes; write the values out instead"},
		{"a: &a [*a]\n", "w.yaml:1:8: alias *a is inside the anchor it names"},
		// Ordinary anchors and merge keys are fine.
		{"base: &base {x: 1, y: 2}\nprod:\n  <<: *base\n  z: 3\nlist: [*base, *base]\n", ""},
	} {
		err := Check("w.yaml", []byte(tc.in))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Check(%.40q…) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
