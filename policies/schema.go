package policies

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/services"
)

// inputSchemaJSON is the JSON Schema of the Rego input (one account,
// checks.PolicyInput), generated from the Go types by GenerateInputSchema and
// committed so that policy authors can read it; a test holds the two equal
// (`go test ./policies -update` refreshes it). Every policy, built-in or
// custom, is type-checked against it: a reference to a field that does not
// exist, such as input.securityhub[r].enabeld, is a compile error.
//
//go:embed input.schema.json
var inputSchemaJSON []byte

// InputSchema returns the JSON Schema of the Rego input.
func InputSchema() []byte { return bytes.Clone(inputSchemaJSON) }

var schemaSet = sync.OnceValue(func() *ast.SchemaSet {
	var doc any
	if err := util.UnmarshalJSON(inputSchemaJSON, &doc); err != nil {
		panic(fmt.Sprintf("policies/input.schema.json: %v", err)) // embedded at build time; a test decodes it
	}
	ss := ast.NewSchemaSet()
	ss.Put(ast.SchemaRootRef, doc)
	return ss
})

// GenerateInputSchema generates the JSON Schema (draft-07) of the Rego input
// from checks.PolicyInput by reflection, following encoding/json's rules:
//   - a pointer, slice or map may be null ("not observed", see
//     checks.Snapshot), so its schema allows null and policies may compare
//     it with null;
//   - a struct is a closed object (additionalProperties: false), defined once
//     under definitions;
//   - a map of structs is keyed by region: its properties are
//     checks.KnownRegions, so that OPA's type checker (which ignores
//     additionalProperties) still knows the type of input.ssm[region] and
//     rejects a misspelled field below it;
//   - time.Time is an RFC 3339 string.
//
// docs, optional, describes types and fields: "Type" or "Type.Field" (the Go
// names) to text; the test fills it from the comments of checks/snapshot.go.
//
// The services of services.All with their own facts type appear as
// GenerateInputSchemaFor adds them.
func GenerateInputSchema(docs map[string]string) ([]byte, error) {
	return GenerateInputSchemaFor(docs, services.All)
}

// GenerateInputSchemaFor is the input schema of a scan of svcs: the facts
// of those with their own facts type (checks.Service.NewFacts) are
// top-level properties named after the services, generated from that type
// by the same rules (a checks.ByRegion is keyed by region).
func GenerateInputSchemaFor(docs map[string]string, svcs []checks.Service) ([]byte, error) {
	g := &schemaGen{docs: docs, defs: map[string]map[string]any{}}
	root := g.object(reflect.TypeFor[checks.PolicyInput]())
	for _, s := range svcs {
		if s.NewFacts == nil {
			continue
		}
		props := root["properties"].(map[string]any)
		if _, dup := props[s.Name]; dup {
			return nil, fmt.Errorf("generate input schema: service %s: input.%s is already a field", s.Name, s.Name)
		}
		// Not required: an account whose collection did not produce the
		// service's facts has no key (undefined in Rego, never a PASS).
		props[s.Name] = g.schema(reflect.TypeOf(s.NewFacts()), false)
	}
	doc := map[string]any{
		"$schema":     "http://json-schema.org/draft-07/schema#",
		"title":       "baseline policy input",
		"description": "The Rego input of every control: one account's facts (checks.AccountFacts) plus collected_at, the time policies use as now. Generated from the Go types by policies.GenerateInputSchema; do not edit. null means not observed (the collection failed or was not attempted); [] means observed, nothing there.",
		"definitions": g.defs,
	}
	for k, v := range root {
		doc[k] = v
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("generate input schema: %w", err)
	}
	return b.Bytes(), nil
}

type schemaGen struct {
	docs map[string]string
	defs map[string]map[string]any
}

var timeType = reflect.TypeFor[time.Time]()

// schema is the schema of a value of type t; nullable says whether the Go
// value can encode as null.
func (g *schemaGen) schema(t reflect.Type, nullable bool) map[string]any {
	typ := func(name string) any {
		if nullable {
			return []string{name, "null"}
		}
		return name
	}
	switch {
	case t == timeType:
		return map[string]any{"type": typ("string"), "format": "date-time"}
	case t.Kind() == reflect.Pointer:
		return g.schema(t.Elem(), true)
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": typ("string")}
	case reflect.Bool:
		return map[string]any{"type": typ("boolean")}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": typ("integer")}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": typ("number")}
	case reflect.Slice:
		return map[string]any{"type": []string{"array", "null"}, "items": g.schema(t.Elem(), false)}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic("policies: input schema: map key " + t.Key().String() + " is not a string")
		}
		elem := t.Elem()
		if elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		if elem.Kind() != reflect.Struct || elem == timeType {
			return map[string]any{"type": []string{"object", "null"}, "additionalProperties": g.schema(t.Elem(), false)}
		}
		props := map[string]any{}
		value := g.schema(t.Elem(), false)
		for _, r := range checks.KnownRegions {
			props[r] = value
		}
		return map[string]any{
			"type":                 []string{"object", "null"},
			"description":          "By region: the regions in scope (input.regions) that were collected.",
			"properties":           props,
			"additionalProperties": false,
		}
	case reflect.Struct:
		return g.ref(t, nullable)
	}
	panic("policies: input schema: unsupported type " + t.String())
}

// ref defines a struct type once and refers to it; a definition allows null
// when any reference to it can be null, since draft-07 ignores the siblings
// of $ref.
func (g *schemaGen) ref(t reflect.Type, nullable bool) map[string]any {
	def, ok := g.defs[t.Name()]
	if !ok {
		def = map[string]any{}
		g.defs[t.Name()] = def // before the fields: a recursive type refers to itself
		for k, v := range g.object(t) {
			def[k] = v
		}
	}
	if nullable {
		def["type"] = []string{"object", "null"}
	}
	return map[string]any{"$ref": "#/definitions/" + t.Name()}
}

// object is the schema of a struct's fields, with embedded structs promoted
// as encoding/json does.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	var fields func(t reflect.Type)
	fields = func(t reflect.Type) {
		for f := range t.Fields() {
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					fields(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			s := g.schema(f.Type, false)
			if d := g.docs[t.Name()+"."+f.Name]; d != "" {
				s = withDescription(s, d)
			}
			props[name] = s
			if !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
	}
	fields(t)
	out := map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
	if d := g.docs[t.Name()]; d != "" {
		out["description"] = d
	}
	return out
}

// withDescription adds a description. Beside a $ref, draft-07 validators
// ignore it, but it still documents the field.
func withDescription(s map[string]any, d string) map[string]any {
	out := map[string]any{"description": d}
	for k, v := range s {
		out[k] = v
	}
	return out
}
