package policies

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/baseline-scanner/baseline/checks"
)

var update = flag.Bool("update", false, "regenerate input.schema.json from the Go types")

// snapshotDocs reads the doc comments of checks/snapshot.go: "Type" and
// "Type.Field" to their text, for the schema's descriptions.
func snapshotDocs(t *testing.T) map[string]string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "../checks/snapshot.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	text := func(groups ...*ast.CommentGroup) string {
		var parts []string
		for _, g := range groups {
			if g != nil {
				parts = append(parts, strings.Join(strings.Fields(g.Text()), " "))
			}
		}
		return strings.Join(parts, " ")
	}
	docs := map[string]string{}
	for _, decl := range file.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			if d := text(gd.Doc); d != "" && ts.Name.Name != "PolicyInput" {
				docs[ts.Name.Name] = d
			}
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					if d := text(f.Doc, f.Comment); d != "" {
						docs[ts.Name.Name+"."+n.Name] = d
					}
				}
			}
		}
	}
	return docs
}

// TestInputSchemaIsGenerated holds input.schema.json equal to what the Go
// types generate; `go test ./policies -update` rewrites it.
func TestInputSchemaIsGenerated(t *testing.T) {
	got, err := GenerateInputSchema(snapshotDocs(t))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("input.schema.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, inputSchemaJSON) {
		t.Error("input.schema.json differs from the schema the Go types generate; run `go test ./policies -update` and commit it")
	}
}

// TestInputSchemaValidatesInputs validates real policy inputs, with observed
// and unobserved (null) facts, against the committed schema.
func TestInputSchemaValidatesInputs(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(inputSchemaJSON))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("input.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("input.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(b []byte) error {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return schema.Validate(v)
	}
	full := healthyAccount("111122223333", "eu-west-1", "us-east-1")
	full.CloudTrail.Trails[0].Status.LatestDeliveryError = "AccessDenied"
	full.GuardDuty["eu-west-1"].FindingCounts = map[string]int{"high": 2}
	full.Errors = []checks.CollectionError{{AccountID: "111122223333", Region: "us-east-1", Service: "ssm", Operation: "DescribeInstanceInformation", Code: "AccessDeniedException", Message: "denied"}}
	unobserved := checks.AccountFacts{AccountID: "111122223333", Regions: []string{"eu-west-1"},
		SecurityHub: map[string]*checks.SecurityHubRegion{"eu-west-1": nil}}
	for name, acct := range map[string]*checks.AccountFacts{"observed": &full, "unobserved": &unobserved} {
		b, err := json.Marshal(checks.PolicyInput{CollectedAt: collectedAt, AccountFacts: acct})
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A misspelled field is not valid input.
	if err := validate([]byte(`{"collected_at": "2025-06-30T12:00:00Z", "account_id": "1", "account_name": "", "regions": [], "securityhub": {"eu-west-1": {"enabeld": true}}, "guardduty": null, "cloudtrail": null, "ssm": null, "errors": []}`)); err == nil {
		t.Error("an input with securityhub.eu-west-1.enabeld validated")
	}
}
