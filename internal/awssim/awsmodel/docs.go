package awsmodel

import (
	"regexp"
	"slices"
)

// codeValue is an upper-case value the model's documentation names in <code>.
var codeValue = regexp.MustCompile(`<code>([A-Z][A-Z0-9_]*)</code>`)

// Documentation is a member's documentation in the model, "" when absent.
func (m *Model) Documentation(structure, member string) string {
	var raw struct {
		Shapes map[string]struct {
			Members map[string]struct {
				Documentation string `json:"documentation"`
			} `json:"members"`
		} `json:"shapes"`
	}
	if err := readGzipJSON(modelPath(m.Service), &raw); err != nil {
		return ""
	}
	return raw.Shapes[structure].Members[member].Documentation
}

// DocumentedValues are the upper-case values a member's documentation
// names in <code>, sorted: the value set of a string member the model does
// not type as an enum (Security Hub's RegionLinkingMode).
func (m *Model) DocumentedValues(structure, member string) []string {
	var out []string
	for _, match := range codeValue.FindAllStringSubmatch(m.Documentation(structure, member), -1) {
		if !slices.Contains(out, match[1]) {
			out = append(out, match[1])
		}
	}
	slices.Sort(out)
	return out
}
