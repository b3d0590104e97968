package yamlfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Limits bound what a file may make the loader do.
type Limits struct {
	// MaxBytes is the largest file read, in bytes.
	MaxBytes int64
	// MaxAliasNodes is the most nodes that aliases may add to a document
	// once expanded (its written nodes do not count).
	MaxAliasNodes int
}

// Config are the limits of the config-like files (policy config, waivers,
// teams): hand-written files of a few kilobytes, so 10 MiB is far beyond any
// real one and still quick to parse.
var Config = Limits{MaxBytes: 10 << 20, MaxAliasNodes: 100_000}

// World are the limits of a simulator world file. A world of 100
// awssim.Generate accounts is 47 MB of YAML (3.5 million nodes), and
// goccy/go-yaml parses about 3 MB a second, so 64 MiB admits the worlds that
// load in a usable time; larger organizations are generated in memory.
var World = Limits{MaxBytes: 64 << 20, MaxAliasNodes: 100_000}

// Error is a problem with a file's content at a position: its text is one
// line, "file:line:col: message", or "file: message" when Line is 0
// (cancellation, a decoder panic). I/O errors are the *fs.PathError of the
// os package.
type Error struct {
	File      string
	Line, Col int
	Msg       string
	Err       error // the cause, for errors.Is (context.Canceled, fs errors)
}

func (e *Error) Error() string {
	msg := strings.Join(strings.Fields(e.Msg), " ")
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Document is a parsed, checked YAML file.
type Document struct {
	// Name is the file name used in errors.
	Name string
	// Body is the document's root node, nil for an empty document.
	Body    ast.Node
	anchors map[string]ast.Node
}

// Read reads the file at path, at most lim.MaxBytes of it. It returns as
// soon as ctx is done, even while the open or a read blocks (a FIFO, a
// stalled network file system); the reading goroutine then stops at its
// next chunk, or when the blocked call returns.
func Read(ctx context.Context, path string, lim Limits) ([]byte, error) {
	var data []byte
	err := run(ctx, path, func() error {
		f, err := os.Open(path)
		if err != nil {
			return err // an *fs.PathError names the file
		}
		defer f.Close()
		var buf bytes.Buffer
		r := io.LimitReader(f, lim.MaxBytes+1)
		chunk := make([]byte, 64<<10)
		for {
			if err := ctx.Err(); err != nil {
				return canceled(path, err)
			}
			n, err := r.Read(chunk)
			buf.Write(chunk[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		data = buf.Bytes()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := sizeCheck(path, data, lim); err != nil {
		return nil, err
	}
	return data, nil
}

// sizeCheck rejects data over lim.MaxBytes, pointing at the first byte past
// the limit.
func sizeCheck(name string, data []byte, lim Limits) error {
	if int64(len(data)) <= lim.MaxBytes {
		return nil
	}
	head := data[:lim.MaxBytes]
	line := bytes.Count(head, []byte{'\n'}) + 1
	col := len(head) - bytes.LastIndexByte(head, '\n')
	return &Error{File: name, Line: line, Col: col, Msg: fmt.Sprintf("the file is larger than %s, the most read for this kind of file", sizeName(lim.MaxBytes))}
}

func sizeName(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Parse parses data, named name in errors, and checks it against lim and
// the rules in the package documentation. Nothing is decoded yet.
func Parse(ctx context.Context, name string, data []byte, lim Limits) (*Document, error) {
	if err := sizeCheck(name, data, lim); err != nil {
		return nil, err
	}
	var file *ast.File
	if err := run(ctx, name, func() error {
		var err error
		if file, err = parser.ParseBytes(data, 0); err != nil {
			return decoderError(name, err)
		}
		return check(name, file, lim.MaxAliasNodes)
	}); err != nil {
		return nil, err
	}
	doc := &Document{Name: name, anchors: map[string]ast.Node{}}
	for _, d := range file.Docs {
		if d != nil && d.Body != nil && !isComment(d.Body) {
			doc.Body = d.Body
			ast.Walk(&anchorCollector{values: doc.anchors}, d.Body)
			break
		}
	}
	return doc, nil
}

// Decode decodes the document strictly into v, a pointer: an unknown field,
// a duplicate key or a value of the wrong type is an error at its position.
// An empty document leaves v as it is.
func (d *Document) Decode(ctx context.Context, v any) error {
	if d.Body == nil {
		return nil
	}
	return run(ctx, d.Name, func() error {
		if err := yaml.NodeToValue(d.Body, v, yaml.Strict()); err != nil {
			return decoderError(d.Name, err)
		}
		return nil
	})
}

// DecodeNode decodes one node of the document strictly into v, after
// Resolve: an alias decodes as the value it names. Aliases nested inside n
// must name anchors inside n.
func (d *Document) DecodeNode(ctx context.Context, n ast.Node, v any) error {
	n = d.Resolve(n)
	if n == nil {
		return nil
	}
	return run(ctx, d.Name, func() error {
		if err := yaml.NodeToValue(n, v, yaml.Strict()); err != nil {
			return decoderError(d.Name, err)
		}
		return nil
	})
}

// Unmarshal is Parse then Decode.
func Unmarshal(ctx context.Context, name string, data []byte, v any, lim Limits) (*Document, error) {
	doc, err := Parse(ctx, name, data, lim)
	if err != nil {
		return nil, err
	}
	return doc, doc.Decode(ctx, v)
}

// Errorf is an *Error at n's position in the document (1:1 when n has
// none), for the loaders' own validation.
func (d *Document) Errorf(n ast.Node, format string, args ...any) error {
	return errorAt(d.Name, n, format, args...)
}

// Resolve is what n stands for: the value of an anchor, the anchored value
// an alias names, the value of a tag; nil stays nil.
func (d *Document) Resolve(n ast.Node) ast.Node {
	for range 100 { // aliases were checked for cycles; the bound is belt and braces
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			if v.Value == nil {
				return n
			}
			target, ok := d.anchors[v.Value.GetToken().Value]
			if !ok {
				return n
			}
			n = target
		default:
			return n
		}
	}
	return n
}

// Entries are the key-value pairs of a mapping node (after Resolve), nil for
// any other node.
func (d *Document) Entries(n ast.Node) []*ast.MappingValueNode {
	switch v := d.Resolve(n).(type) {
	case *ast.MappingNode:
		return v.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}
	}
	return nil
}

// Locate is the deepest node found on path from the root: a string segment
// selects the entry of that key in a mapping (its key node is returned, so
// an error points at the field name), an int the item of a sequence (its
// first key when it is a mapping, not the "-"). It returns the root when
// nothing on the path is found, and nil for an empty document.
func (d *Document) Locate(path ...any) ast.Node {
	node, at := d.Body, d.Body
	for _, seg := range path {
		switch key := seg.(type) {
		case string:
			var found *ast.MappingValueNode
			for _, mv := range d.Entries(node) {
				if k, ok := mv.Key.(ast.ScalarNode); ok && fmt.Sprint(k.GetValue()) == key {
					found = mv
				}
			}
			if found == nil {
				return at
			}
			at, node = found.Key, found.Value
		case int:
			seq, ok := d.Resolve(node).(*ast.SequenceNode)
			if !ok || key < 0 || key >= len(seq.Values) {
				return at
			}
			node, at = seq.Values[key], seq.Values[key]
			if mv := d.Entries(node); len(mv) > 0 {
				at = mv[0].Key
			}
		}
	}
	return at
}

// Value is the node of the value at path (see Locate), nil when a segment is
// not found.
func (d *Document) Value(path ...any) ast.Node {
	node := d.Body
	for _, seg := range path {
		switch key := seg.(type) {
		case string:
			var found ast.Node
			for _, mv := range d.Entries(node) {
				if k, ok := mv.Key.(ast.ScalarNode); ok && fmt.Sprint(k.GetValue()) == key {
					found = mv.Value
				}
			}
			if found == nil {
				return nil
			}
			node = found
		case int:
			seq, ok := d.Resolve(node).(*ast.SequenceNode)
			if !ok || key < 0 || key >= len(seq.Values) {
				return nil
			}
			node = seq.Values[key]
		}
	}
	return node
}

// run calls fn on a goroutine and returns its error, or a cancellation error
// as soon as ctx is done (fn then finishes in the background and its result
// is dropped). A panic in fn is returned as an error naming the file.
func run(ctx context.Context, name string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return canceled(name, err)
	}
	done := make(chan error, 1)
	go func() {
		var err error
		defer func() { done <- err }()
		defer func() {
			if r := recover(); r != nil {
				err = &Error{File: name, Msg: fmt.Sprintf("the YAML decoder failed on this file (%v); simplify the document", r)}
			}
		}()
		err = fn()
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return canceled(name, ctx.Err())
	}
}

func canceled(name string, err error) error {
	return &Error{File: name, Msg: "reading stopped: " + err.Error(), Err: err}
}

// decoderError turns an error of goccy/go-yaml into an *Error at the
// position of its token.
func decoderError(name string, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &Error{File: name, Line: 1, Col: 1, Msg: err.Error(), Err: err}
	}
	msg := ye.GetMessage()
	var te *yaml.TypeError
	if errors.As(err, &te) && te.Token != nil {
		msg = fmt.Sprintf("%q is not %s", te.Token.Value, kindName(te.DstType))
	}
	e := &Error{File: name, Line: 1, Col: 1, Msg: msg}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	return e
}

// kindName names the YAML value a Go type is decoded from.
func kindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int16, reflect.Int8,
		reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8:
		return "an integer"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(kindName(t.Elem()), "an "), "a ") + "s"
	case reflect.Struct, reflect.Map:
		return "a mapping"
	}
	return t.String()
}
