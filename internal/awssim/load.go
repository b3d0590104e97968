package awssim

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/baseline-scanner/baseline/internal/yamlfile"
)

//go:embed sample/world.yaml
var sampleWorld []byte

// SampleWorld returns the embedded demo organization: a management account
// and members where every built-in control both passes and fails somewhere.
func SampleWorld() (*World, error) {
	return ParseWorld(context.Background(), "sample/world.yaml", sampleWorld)
}

// LoadWorld reads and validates a world file (YAML or JSON), at most
// yamlfile.World.MaxBytes of it.
func LoadWorld(ctx context.Context, path string) (*World, error) {
	data, err := yamlfile.Read(ctx, path, yamlfile.World)
	if err != nil {
		return nil, fmt.Errorf("load world: %w", err)
	}
	return ParseWorld(ctx, path, data)
}

// ParseWorld decodes and validates a world document; name is used in error
// messages, which are one line: "name:line:column: problem".
func ParseWorld(ctx context.Context, name string, data []byte) (*World, error) {
	var w World
	doc, err := yamlfile.Unmarshal(ctx, name, data, &w, yamlfile.World)
	if err != nil {
		return nil, err
	}
	if issue := w.validate(); issue != nil {
		if doc.Body == nil {
			return nil, fmt.Errorf("%s: %s", name, issue)
		}
		return nil, doc.Errorf(doc.Locate(issue.path...), "%s", issue)
	}
	return &w, nil
}
