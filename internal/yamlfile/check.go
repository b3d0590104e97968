package yamlfile

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
)

// check rejects what none of baseline's files need and the decoder
// mishandles, before anything is decoded: a second document, tags (`!name`,
// which can make goccy/go-yaml dereference nil while decoding into a typed
// list, found by fuzzing the waivers loader), and aliases that add more than
// maxAlias nodes once expanded or refer to the anchor they are in.
func check(name string, file *ast.File, maxAlias int) error {
	var docs []*ast.DocumentNode
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil && !isComment(doc.Body) {
			docs = append(docs, doc)
		}
	}
	if len(docs) > 1 {
		at := ast.Node(docs[1].Body)
		if docs[1].Start != nil {
			at = &ast.StringNode{BaseNode: &ast.BaseNode{}, Token: docs[1].Start}
		}
		return errorAt(name, at, "a second YAML document; this file holds one document, so remove the \"---\" or merge the two")
	}
	for _, doc := range docs {
		v := &tagFinder{}
		ast.Walk(v, doc.Body)
		if v.tag != nil {
			return errorAt(name, v.tag, "YAML tags such as %q are not supported; remove the tag", v.tag.Start.Value)
		}
		if err := checkAliases(name, doc.Body, maxAlias); err != nil {
			return err
		}
	}
	return nil
}

func isComment(n ast.Node) bool {
	_, ok := n.(*ast.CommentNode)
	return ok
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

// checkAliases computes how many nodes the aliases of body add once
// expanded, without expanding them, and rejects a document where they add
// more than maxAlias, or with an alias inside the anchor it names. Walking
// the written tree in order, each alias adds its anchor's expanded size
// less one (itself); the error points at the alias that crosses the bound.
func checkAliases(name string, body ast.Node, maxAlias int) error {
	anchors := &anchorCollector{values: map[string]ast.Node{}}
	ast.Walk(anchors, body)
	if anchors.dup != nil {
		return errorAt(name, anchors.dup, "anchor &%s is defined twice; give each anchor its own name", anchors.dup.Name.GetToken().Value)
	}
	s := &sizer{name: name, anchors: anchors.values, sizes: map[string]int{}, open: map[string]bool{}, limit: maxAlias + 1}
	w := &aliasWalker{s: s, max: maxAlias}
	ast.Walk(w, body)
	if s.err != nil {
		return s.err
	}
	if w.over != nil {
		return errorAt(name, w.over, "YAML aliases expand this document by more than %d nodes; write the values out instead", maxAlias)
	}
	return nil
}

type aliasWalker struct {
	s     *sizer
	max   int
	added int
	over  *ast.AliasNode
}

func (w *aliasWalker) Visit(n ast.Node) ast.Visitor {
	if w.over != nil || w.s.err != nil {
		return nil
	}
	if a, ok := n.(*ast.AliasNode); ok {
		w.added += w.s.size(a) - 1
		if w.added > w.max {
			w.over = a
		}
		return nil
	}
	return w
}

// anchorCollector maps each anchor's name to its value and keeps the first
// anchor whose name is already taken: YAML lets a later anchor rebind a
// name, but the sizer counts each name once, so a small rebinding could
// hide a large first one.
type anchorCollector struct {
	values map[string]ast.Node
	dup    *ast.AnchorNode
}

func (a *anchorCollector) Visit(n ast.Node) ast.Visitor {
	if anchor, ok := n.(*ast.AnchorNode); ok && anchor.Name != nil {
		name := anchor.Name.GetToken().Value
		if _, taken := a.values[name]; taken && a.dup == nil {
			a.dup = anchor
		}
		a.values[name] = anchor.Value
	}
	return a
}

type sizer struct {
	name    string
	anchors map[string]ast.Node
	sizes   map[string]int  // expanded size of each anchor's value
	open    map[string]bool // anchors being sized: an alias to one is a cycle
	limit   int             // sizes saturate just past it
	err     error
}

// size is the number of nodes of n with aliases expanded, saturating past
// the limit.
func (s *sizer) size(n ast.Node) int {
	if n == nil || s.err != nil {
		return 0
	}
	total := 1
	add := func(m ast.Node) {
		total = min(total+s.size(m), s.limit+1)
	}
	switch v := n.(type) {
	case *ast.AliasNode:
		if v.Value == nil {
			return 1
		}
		anchor := v.Value.GetToken().Value
		if s.open[anchor] {
			s.err = errorAt(s.name, v, "alias *%s is inside the anchor it names", anchor)
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

// errorAt is an *Error at n's position, or at 1:1 when n has none.
func errorAt(name string, n ast.Node, format string, args ...any) *Error {
	line, col := position(n)
	return &Error{File: name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func position(n ast.Node) (line, col int) {
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return 1, 1
	}
	p := n.GetToken().Position
	return p.Line, p.Column
}
