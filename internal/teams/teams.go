package teams

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/baseline-scanner/baseline/internal/yamlfile"
	"github.com/baseline-scanner/baseline/report"
)

// Unassigned is the team of an account with neither a team tag nor an entry
// in the mapping file. Reports always carry a team, so grouping by it never
// drops results. It is the report's spelling, so every output names it alike.
const Unassigned = report.Unassigned

// DefaultTag is the Organizations account tag key read for the team.
const DefaultTag = "team"

// Mapping is account id → team, from a mapping file.
type Mapping map[string]string

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// Load reads a mapping file: a YAML mapping of account id to team name,
// e.g. {"111111111111": platform, "222222222222": payments}.
func Load(ctx context.Context, path string) (Mapping, error) {
	data, err := yamlfile.Read(ctx, path, yamlfile.Config)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	return Parse(ctx, path, data)
}

// Parse decodes a mapping document; name is used in errors, which are one
// line: "name:line:column: problem". Keys are read as written, so an
// unquoted 012345678901 keeps its leading zero; team names are decoded as
// YAML strings, so an anchor, alias or block scalar gives its value, never
// its marker.
func Parse(ctx context.Context, name string, data []byte) (Mapping, error) {
	doc, err := yamlfile.Parse(ctx, name, data, yamlfile.Config)
	if err != nil {
		return nil, err
	}
	m := Mapping{}
	if doc.Body == nil {
		return m, nil
	}
	values := doc.Entries(doc.Body)
	if values == nil {
		return nil, doc.Errorf(doc.Body, "a teams file is a YAML mapping of account id to team, e.g. \"111111111111\": platform")
	}
	for _, mv := range values {
		// The key as written (a string or a number): an anchor, alias or
		// anything else is not an id.
		var key ast.Node = mv.Key
		if k, ok := key.(*ast.MappingKeyNode); ok { // "? key"
			key = k.Value
		}
		switch key.(type) {
		case *ast.StringNode, *ast.IntegerNode:
		default:
			return nil, doc.Errorf(mv.Key, "a key must be a 12-digit AWS account id")
		}
		id := key.GetToken().Value
		if !accountID.MatchString(id) {
			return nil, doc.Errorf(mv.Key, "%q is not a 12-digit AWS account id", id)
		}
		if _, dup := m[id]; dup {
			return nil, doc.Errorf(mv.Key, "account %s is mapped twice", id)
		}
		val := doc.Resolve(mv.Value)
		if _, scalar := val.(ast.ScalarNode); !scalar || val.Type() == ast.NullType {
			return nil, doc.Errorf(mv.Value, "account %s: the team must be a name, e.g. platform", id)
		}
		// The decoder gives the scalar's value: an alias's target, a
		// block scalar's text, a quoted string unquoted.
		var team string
		if err := doc.DecodeNode(ctx, mv.Value, &team); err != nil {
			return nil, err
		}
		if team = strings.TrimSpace(team); team == "" {
			return nil, doc.Errorf(mv.Value, "account %s: the team must not be empty", id)
		}
		m[id] = team
	}
	return m, nil
}

// Resolve is the team of an account: the mapping's entry, else the tag value
// collected from Organizations, else Unassigned.
func (m Mapping) Resolve(accountID, tagged string) string {
	if t, ok := m[accountID]; ok {
		return t
	}
	if t := strings.TrimSpace(tagged); t != "" {
		return t
	}
	return Unassigned
}
