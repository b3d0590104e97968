package teams

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/baseline-scanner/baseline/internal/yamlguard"
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
func Load(path string) (Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes a mapping document; name is used in errors, which are one
// line: "name:line:column: problem". Keys are read as written, so an
// unquoted 012345678901 keeps its leading zero.
func Parse(name string, data []byte) (_ Mapping, err error) {
	if err := yamlguard.Check(name, data); err != nil {
		return nil, err
	}
	defer yamlguard.Recover(name, &err)
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil && ye.GetToken().Position != nil {
			pos := ye.GetToken().Position
			return nil, fmt.Errorf("%s:%d:%d: %s", name, pos.Line, pos.Column, strings.Join(strings.Fields(ye.GetMessage()), " "))
		}
		return nil, fmt.Errorf("%s: %s", name, strings.Join(strings.Fields(err.Error()), " "))
	}
	m := Mapping{}
	if len(file.Docs) == 0 || file.Docs[0].Body == nil {
		return m, nil
	}
	at := func(n ast.Node) string {
		if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
			return name
		}
		return fmt.Sprintf("%s:%d:%d", name, n.GetToken().Position.Line, n.GetToken().Position.Column)
	}
	body := file.Docs[0].Body
	var values []*ast.MappingValueNode
	switch v := body.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	case *ast.CommentNode:
		return m, nil
	default:
		return nil, fmt.Errorf("%s: a teams file is a YAML mapping of account id to team, e.g. \"111111111111\": platform", at(body))
	}
	for _, mv := range values {
		key, ok := mv.Key.(ast.ScalarNode)
		if !ok {
			return nil, fmt.Errorf("%s: a key must be a 12-digit AWS account id", at(mv.Key))
		}
		id := key.GetToken().Value
		if !accountID.MatchString(id) {
			return nil, fmt.Errorf("%s: %q is not a 12-digit AWS account id", at(mv.Key), id)
		}
		if _, dup := m[id]; dup {
			return nil, fmt.Errorf("%s: account %s is mapped twice", at(mv.Key), id)
		}
		val, ok := mv.Value.(ast.ScalarNode)
		if !ok || mv.Value.Type() == ast.NullType {
			return nil, fmt.Errorf("%s: account %s: the team must be a name, e.g. platform", at(mv.Value), id)
		}
		team := strings.TrimSpace(val.GetToken().Value)
		if team == "" {
			return nil, fmt.Errorf("%s: account %s: the team must not be empty", at(mv.Value), id)
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
