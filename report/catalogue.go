package report

// Catalogue is the control list that `policies list` and `policies doc`
// write: the controls in catalogue order.
type Catalogue []CatalogueControl

// Kind implements Document.
func (Catalogue) Kind() string { return "catalogue" }

// CatalogueControl is one control of the catalogue. Its JSON is the
// `policies list --format json` contract, field for field as the policies
// package describes a control.
type CatalogueControl struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    Severity `json:"severity"`
	Service     string   `json:"service"`
	Scope       string   `json:"scope"`
	Remediation string   `json:"remediation"`
	References  []string `json:"references"`
	Requires    []string `json:"requires"`
	Source      string   `json:"source"`
}

// TestRun is the outcome of `policies test`: every Rego test run, and
// whether the passing ones are shown too.
type TestRun struct {
	Tests   []TestOutcome
	Verbose bool
}

// Kind implements Document.
func (*TestRun) Kind() string { return "test run" }

// TestOutcome is one Rego test: its rule, where it is, and pass, fail, error
// or skip with the failure's message.
type TestOutcome struct {
	Package, Name, Location string
	Outcome                 string
	Message                 string
}

// Counts is the number of tests per outcome.
func (t *TestRun) Counts() map[string]int {
	counts := map[string]int{}
	for _, r := range t.Tests {
		counts[r.Outcome]++
	}
	return counts
}
