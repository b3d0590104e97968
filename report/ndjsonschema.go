package report

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// NDJSONSchemaJSON is the JSON Schema (draft 2020-12) of one line of
// `--format ndjson`, one definition per record_type. It refers to the JSON
// report's schema for the fields the two share.
//
//go:embed schema/ndjson.schema.json
var NDJSONSchemaJSON []byte

const ndjsonSchemaURL = "https://github.com/baseline-scanner/baseline/report/schema/ndjson.schema.json"

var compiledNDJSONSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, s := range []struct {
		url  string
		data []byte
	}{{schemaURL, SchemaJSON}, {ndjsonSchemaURL, NDJSONSchemaJSON}} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.data))
		if err != nil {
			return nil, fmt.Errorf("parse schema %s: %w", s.url, err)
		}
		if err := c.AddResource(s.url, doc); err != nil {
			return nil, fmt.Errorf("load schema %s: %w", s.url, err)
		}
	}
	s, err := c.Compile(ndjsonSchemaURL)
	if err != nil {
		return nil, fmt.Errorf("compile ndjson schema: %w", err)
	}
	return s, nil
})

// ValidateNDJSON checks that every line of data is one JSON object
// conforming to NDJSONSchemaJSON. The error names the first bad line.
func ValidateNDJSON(data []byte) error {
	s, err := compiledNDJSONSchema()
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
		if err != nil {
			return fmt.Errorf("validate ndjson: line %d: %w", n, err)
		}
		if err := s.Validate(doc); err != nil {
			return fmt.Errorf("validate ndjson: line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("validate ndjson: %w", err)
	}
	return nil
}
