package yamlguard

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Check rejects YAML that none of baseline's files need and the decoder
// mishandles: tags (`!name`), which can make goccy/go-yaml dereference nil
// while decoding into a typed list (found by fuzzing the waivers loader).
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
