package teams

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, src string
		want      Mapping
	}{
		{"block", "# owners\n\"111111111111\": platform\n222222222222: payments\n012345678901: data team\n",
			Mapping{"111111111111": "platform", "222222222222": "payments", "012345678901": "data team"}},
		{"flow", `{"111111111111": platform, "333333333333": "payments"}`, Mapping{"111111111111": "platform", "333333333333": "payments"}},
		{"one entry", "444444444444: data\n", Mapping{"444444444444": "data"}},
		// Anchors, aliases and block scalars give their values, never the
		// marker: these used to yield teams named "&", "*" and "|".
		{"anchor and alias", "111111111111: &t platform\n222222222222: *t\n", Mapping{"111111111111": "platform", "222222222222": "platform"}},
		{"block scalars", "111111111111: |\n  data team\n222222222222: >-\n  pay\n  ments\n", Mapping{"111111111111": "data team", "222222222222": "pay ments"}},
		{"quoted", "111111111111: 'plat''form'\n222222222222: \"pay\\tments\"\n", Mapping{"111111111111": "plat'form", "222222222222": "pay\tments"}},
		{"anchored mapping with flow", "{111111111111: &a x, 222222222222: *a}", Mapping{"111111111111": "x", "222222222222": "x"}},
		{"empty", "", Mapping{}},
		{"comment only", "# nothing yet\n", Mapping{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(t.Context(), "teams.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"short id", "\"111111111111\": platform\n\"1234\": payments\n", `teams.yaml:2:1: "1234" is not a 12-digit AWS account id`},
		{"name as key", "platform: \"111111111111\"\n", `teams.yaml:1:1: "platform" is not a 12-digit AWS account id`},
		{"null team", "111111111111:\n", `teams.yaml:1:1[35]: account 111111111111: the team must be a name`},
		{"list team", "111111111111: [a, b]\n", `teams.yaml:1:15: account 111111111111: the team must be a name`},
		{"duplicate", "111111111111: a\n\"111111111111\": b\n", `teams.yaml:2:1: mapping key "111111111111" already defined`},
		{"alias key", "111111111111: &k a\n*k : b\n", `teams.yaml:2:1: a key must be a 12-digit AWS account id`},
		{"aliased list team", "111111111111: &l [a]\n222222222222: *l\n", `teams.yaml:1:15: account 111111111111: the team must be a name`},
		{"a list", "- 111111111111\n", `teams.yaml:1:1: a teams file is a YAML mapping`},
		{"not yaml", "111111111111: [a\n", `teams.yaml:1:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(t.Context(), "teams.yaml", []byte(tt.src))
			if err == nil || !regexp.MustCompile("^"+tt.want).MatchString(err.Error()) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error = %v, want one line matching ^%s", err, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	m := Mapping{"111111111111": "platform"}
	for _, tt := range []struct{ account, tag, want string }{
		{"111111111111", "payments", "platform"}, // the file overrides the tag
		{"222222222222", "payments", "payments"},
		{"333333333333", "", Unassigned},
		{"333333333333", "  ", Unassigned},
	} {
		if got := m.Resolve(tt.account, tt.tag); got != tt.want {
			t.Errorf("Resolve(%s, %q) = %q, want %q", tt.account, tt.tag, got, tt.want)
		}
	}
	if got := Mapping(nil).Resolve("111111111111", ""); got != Unassigned {
		t.Errorf("nil mapping: %q", got)
	}
}
