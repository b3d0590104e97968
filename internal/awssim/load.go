package awssim

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/baseline-scanner/baseline/internal/yamlguard"
)

//go:embed sample/world.yaml
var sampleWorld []byte

// SampleWorld returns the embedded demo organization: a management account
// and members where every built-in control both passes and fails somewhere.
func SampleWorld() (*World, error) {
	return ParseWorld("sample/world.yaml", sampleWorld)
}

// LoadWorld reads and validates a world file (YAML or JSON).
func LoadWorld(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load world: %w", err)
	}
	return ParseWorld(path, data)
}

// ParseWorld decodes and validates a world document; name is used in error
// messages, which are one line: "name:line:column: problem".
func ParseWorld(name string, data []byte) (_ *World, err error) {
	if err := yamlguard.Check(name, data); err != nil {
		return nil, err
	}
	defer yamlguard.Recover(name, &err)
	var w World
	if err := yaml.UnmarshalWithOptions(data, &w, yaml.Strict()); err != nil {
		var yerr yaml.Error
		if errors.As(err, &yerr) && yerr.GetToken() != nil {
			pos := yerr.GetToken().Position
			return nil, fmt.Errorf("%s:%d:%d: %s", name, pos.Line, pos.Column, oneLine(yerr.GetMessage()))
		}
		return nil, fmt.Errorf("%s: %s", name, oneLine(err.Error()))
	}
	if issue := w.validate(); issue != nil {
		line, col := locate(data, issue.path)
		if line == 0 {
			return nil, fmt.Errorf("%s: %s", name, issue)
		}
		return nil, fmt.Errorf("%s:%d:%d: %s", name, line, col, issue)
	}
	return &w, nil
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// locate finds the line and column of the deepest node on path: the key of
// a mapping entry, the item of a sequence. It returns 0, 0 when the document
// cannot be parsed (it already decoded, so that does not happen in practice).
func locate(data []byte, p path) (line, col int) {
	file, err := parser.ParseBytes(data, 0)
	if err != nil || len(file.Docs) == 0 {
		return 0, 0
	}
	node := file.Docs[0].Body
	at := func(n ast.Node) {
		if n != nil && n.GetToken() != nil {
			line, col = n.GetToken().Position.Line, n.GetToken().Position.Column
		}
	}
	at(node)
	for _, seg := range p {
		node = unwrap(node)
		switch key := seg.(type) {
		case string:
			var found *ast.MappingValueNode
			for _, mv := range mappingValues(node) {
				if k, ok := mv.Key.(ast.ScalarNode); ok && fmt.Sprint(k.GetValue()) == key {
					found = mv
				}
			}
			if found == nil {
				return line, col
			}
			at(found.Key)
			node = found.Value
		case int:
			seq, ok := node.(*ast.SequenceNode)
			if !ok || key >= len(seq.Values) {
				return line, col
			}
			node = seq.Values[key]
			at(node)
			if mv := mappingValues(unwrap(node)); len(mv) > 0 {
				at(mv[0].Key) // point at the item's first key, not the "-"
			}
		}
	}
	return line, col
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}
	}
	return nil
}
