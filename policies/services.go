package policies

import (
	"fmt"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/services"
)

// serviceSet is what the engine derives from the services a scan observes.
type serviceSet struct {
	list []checks.Service
	// actions are the ones a control's requires may name (checks.ActionsOf).
	actions []string
	// sources are, by top-level input fact, the IAM services whose calls
	// produce it: the error rule voids a control's cells only for failures
	// of the actions its requires names, so a control must name one of
	// them for every fact it reads.
	sources map[string][]string
	// schema is the input schema policies are type-checked against: the
	// committed one, plus the facts of services outside AccountFacts.
	schema *ast.SchemaSet
}

// ownFacts are the names of the services of svcs with their own facts type.
func ownFacts(svcs []checks.Service) []string {
	var out []string
	for _, s := range svcs {
		if s.NewFacts != nil {
			out = append(out, s.Name)
		}
	}
	slices.Sort(out)
	return out
}

var defaultServices = sync.OnceValue(func() *serviceSet {
	set, err := newServiceSet(services.All)
	if err != nil {
		panic(err) // the built-in services; a test builds them
	}
	return set
})

func newServiceSet(svcs []checks.Service) (*serviceSet, error) {
	set := &serviceSet{list: svcs, actions: checks.ActionsOf(svcs), sources: map[string][]string{}, schema: schemaSet()}
	for _, s := range svcs {
		set.sources[s.Name] = s.Sources()
	}
	if slices.Equal(ownFacts(svcs), ownFacts(services.All)) {
		return set, nil // the committed schema is theirs
	}
	checks.RegisterFacts(svcs...)
	b, err := GenerateInputSchemaFor(nil, svcs)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := util.UnmarshalJSON(b, &doc); err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	set.schema = ast.NewSchemaSet()
	set.schema.Put(ast.SchemaRootRef, doc)
	return set, nil
}
