package yamlguard

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Check rejects YAML that none of baseline's files need and the decoder
// mishandles: tags (`!name`), which can make goccy/go-yaml dereference nil
// while decoding into a typed list (found by fuzzing the waivers loader),
// and aliases that expand to more than MaxNodes nodes or refer to
// themselves (a 300-byte "billion laughs" document took 11 s and 773 MB to
// decode).
// A document that does not parse is left to the caller's decoder, whose
// error carries the position.
func Check(name string, data []byte) error {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil
	}
	for _, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if err := checkAliases(name, doc.Body); err != nil {
			return err
		}
		v := &tagFinder{}
		ast.Walk(v, doc.Body)
		if v.tag != nil {
			pos := v.tag.GetToken().Position
			return fmt.Errorf("%s:%d:%d: YAML tags such as %q are not supported; remove the tag", name, pos.Line, pos.Column, v.tag.Start.Value)
		}
	}
	return nil
}

type tagFinder struct{ tag *ast.TagNode }

func (v *tagFinder) Visit(n ast.Node) ast.Visitor {
	if v.tag != nil {
		return nil
	}
	if t, ok := n.(*ast.TagNode); ok {
		v.tag = t
		return nil
	}
	return v
}

// Recover turns a panic of the YAML decoder into an error naming the file;
// use it as `defer yamlguard.Recover(name, &err)` in a function with a
// named error result.
func Recover(name string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: the YAML decoder failed on this file (%v); simplify the document", name, r)
	}
}

// MaxNodes bounds the nodes a document may have once its aliases are
// expanded: far more than any config, waivers, teams or world file needs.
const MaxNodes = 100_000

// checkAliases computes the size of body with every alias expanded, without
// expanding it, and rejects a document over MaxNodes or with an alias inside
// the anchor it names.
func checkAliases(name string, body ast.Node) error {
	anchors := map[string]ast.Node{}
	ast.Walk(anchorCollector(anchors), body)
	s := sizer{anchors: anchors, sizes: map[string]int{}, open: map[string]bool{}}
	n := s.size(body)
	if s.err != nil {
		return fmt.Errorf("%s:%s", name, s.err)
	}
	if n > MaxNodes {
		return fmt.Errorf("%s: YAML aliases expand this document to more than %d nodes; write the values out instead", name, MaxNodes)
	}
	return nil
}

type anchorCollector map[string]ast.Node

func (a anchorCollector) Visit(n ast.Node) ast.Visitor {
	if anchor, ok := n.(*ast.AnchorNode); ok && anchor.Name != nil {
		a[anchor.Name.GetToken().Value] = anchor.Value
	}
	return a
}

type sizer struct {
	anchors map[string]ast.Node
	sizes   map[string]int  // expanded size of each anchor's value
	open    map[string]bool // anchors being sized: an alias to one is a cycle
	err     error
}

// size is the number of nodes of n with aliases expanded, saturating past
// MaxNodes.
func (s *sizer) size(n ast.Node) int {
	if n == nil || s.err != nil {
		return 0
	}
	total := 1
	add := func(m ast.Node) { total = min(total+s.size(m), MaxNodes+1) }
	switch v := n.(type) {
	case *ast.AliasNode:
		if v.Value == nil {
			return 1
		}
		anchor := v.Value.GetToken().Value
		if s.open[anchor] {
			pos := v.GetToken().Position
			s.err = fmt.Errorf("%d:%d: alias *%s is inside the anchor it names", pos.Line, pos.Column, anchor)
			return 0
		}
		if size, ok := s.sizes[anchor]; ok {
			return size
		}
		s.open[anchor] = true
		size := s.size(s.anchors[anchor])
		delete(s.open, anchor)
		s.sizes[anchor] = size
		return size
	case *ast.AnchorNode:
		name := ""
		if v.Name != nil {
			name = v.Name.GetToken().Value
		}
		s.open[name] = true
		add(v.Value)
		delete(s.open, name)
	case *ast.MappingNode:
		for _, mv := range v.Values {
			add(mv)
		}
	case *ast.MappingValueNode:
		add(v.Key)
		add(v.Value)
	case *ast.MappingKeyNode:
		add(v.Value)
	case *ast.SequenceNode:
		for _, e := range v.Values {
			add(e)
		}
	case *ast.TagNode:
		add(v.Value)
	}
	return total
}
