package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaJSON is the JSON Schema (draft 2020-12) of the JSON report: the
// documentation of every field that dashboards rely on.
//
//go:embed schema/report.schema.json
var SchemaJSON []byte

// schemaURL is the schema's $id; the compiler resolves it from SchemaJSON and
// never fetches it.
const schemaURL = "https://github.com/baseline-scanner/baseline/report/schema/report.schema.json"

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
	if err != nil {
		return nil, fmt.Errorf("parse report schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("load report schema: %w", err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("compile report schema: %w", err)
	}
	return s, nil
})

// ValidateJSON checks that data is one JSON report conforming to SchemaJSON.
// The error lists every violation with its JSON pointer.
func ValidateJSON(data []byte) error {
	s, err := compiledSchema()
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("validate report: parse json: %w", err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("validate report: %w", err)
	}
	return nil
}
