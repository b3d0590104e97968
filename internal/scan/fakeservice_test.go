package scan_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/services"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// This file is a whole new service, as its own folder would hold it: the
// Account Management API's SECURITY alternate contact. Its descriptor,
// facts type, collector and simulator handler are all here, and
// TestFakeServiceEndToEnd adds it to a scan without any edit elsewhere:
// the proof that a new service is a one-folder change (plus its line in
// services.All, which the test replaces by Options.Services).

// contactFacts are the fake service's facts in one account (input.account).
type contactFacts struct {
	// SecurityContactSet is true when the account has a SECURITY alternate
	// contact, false when AWS answered ResourceNotFoundException, null when
	// not observed.
	SecurityContactSet *bool  `json:"security_contact_set"`
	SecurityEmail      string `json:"security_email,omitempty"`
}

// MergeFacts implements checks.Facts: the collector is account-wide, so a
// part is the whole.
func (f *contactFacts) MergeFacts(part checks.Facts) { *f = *part.(*contactFacts) }

// contactService is the fake service's descriptor.
var contactService = checks.Service{
	Name:          "account",
	SDKServiceIDs: map[string]string{"Account": "account"},
	Actions:       []string{"account:GetAlternateContact"},
	RateLimits: checks.RateLimits{
		// Account Management API quotas: GetAlternateContact 10/s (assumed
		// for the test).
		"account:GetAlternateContact": {PerSecond: 10, Burst: 10},
	},
	New: func() checks.Collector { return contactCollector{} },
	Coverage: func(acct *checks.AccountFacts, region string) checks.CoverageState {
		f, _ := acct.Other["account"].(*contactFacts)
		switch {
		case f == nil || f.SecurityContactSet == nil:
			return checks.CoverageError
		case *f.SecurityContactSet:
			return checks.CoverageEnabled
		}
		return checks.CoverageDisabled
	},
	NewFacts: func() checks.Facts { return &contactFacts{} },
}

type contactCollector struct{}

func (contactCollector) Service() string { return "account" }
func (contactCollector) Regional() bool  { return false }

func (contactCollector) Collect(ctx context.Context, t checks.Target) checks.AccountFacts {
	client := account.NewFromConfig(t.Config)
	out, err := client.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity})
	facts := &contactFacts{}
	part := checks.AccountFacts{Other: checks.OtherFacts{"account": facts}}
	var notFound *accounttypes.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		facts.SecurityContactSet = aws.Bool(false)
	case err != nil:
		part.Errors = append(part.Errors, checks.NewError(t.AccountID, checks.Global, "account", "GetAlternateContact", err))
	default:
		facts.SecurityContactSet = aws.Bool(true)
		facts.SecurityEmail = aws.ToString(out.AlternateContact.EmailAddress)
	}
	return part
}

// contactOperation is the simulator's GetAlternateContact: accounts in
// contacts have a SECURITY contact with that address, denied ones are
// refused, the others have none.
func contactOperation(contacts map[string]string, denied string) awssim.Operation {
	return awssim.Operation{
		Service: "account", Method: http.MethodPost, Path: "/getAlternateContact", Name: "GetAlternateContact",
		Handle: func(r awssim.Request) (any, error) {
			var in struct{ AlternateContactType string }
			if err := json.Unmarshal(r.Body, &in); err != nil || in.AlternateContactType != "SECURITY" {
				return nil, awssim.OperationError(http.StatusBadRequest, "ValidationException", "AlternateContactType must be SECURITY here")
			}
			if r.AccountID == denied {
				return nil, awssim.OperationError(http.StatusForbidden, "AccessDeniedException", "not authorized to perform account:GetAlternateContact")
			}
			email, ok := contacts[r.AccountID]
			if !ok {
				return nil, awssim.OperationError(http.StatusNotFound, "ResourceNotFoundException", "No contact of the inputted alternate contact type found.")
			}
			return map[string]any{"AlternateContact": map[string]any{
				"AlternateContactType": "SECURITY", "EmailAddress": email, "Name": "Security", "PhoneNumber": "+1 555 0100", "Title": "CISO",
			}}, nil
		},
	}
}

// contactControl is the fake service's control, in a custom policy
// directory: it reads input.account, which exists only through the
// descriptor (the input schema the policy is type-checked against).
const contactControl = `# METADATA
# title: The account names a security contact
# description: >-
#   AWS sends security notifications to the account's SECURITY alternate
#   contact; without one they reach only the root user's address.
# custom:
#   id: account.security_contact
#   severity: low
#   service: account
#   scope: account
#   remediation: aws account put-alternate-contact --alternate-contact-type SECURITY --email-address <address> --name <name> --phone-number <phone> --title <title>
#   references: ["CIS AWS Foundations 1.2"]
#   requires: ["account:GetAlternateContact"]
package baseline.controls.account.security_contact

import data.baseline.lib

results contains verdict

verdict := lib.pass("global", "", sprintf("security contact: %s", [input.account.security_email])) if {
	input.account.security_contact_set == true
} else := lib.fail("global", "", "no SECURITY alternate contact") if {
	input.account.security_contact_set == false
} else := lib.error("global", "", "alternate contact not observed: GetAlternateContact did not succeed")
`

const contactWorld = `
regions: [us-east-1]
accounts:
  - {id: "111111111111", name: management, management: true}
  - {id: "222222222222", name: prod}
  - {id: "333333333333", name: staging}
`

func TestFakeServiceEndToEnd(t *testing.T) {
	ctx := t.Context()
	w, err := awssim.ParseWorld(ctx, "contact.yaml", []byte(contactWorld))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awssim.Start(w, awssim.Options{Now: awssimtest.Clock, Seed: 1, Operations: []awssim.Operation{
		contactOperation(map[string]string{"111111111111": "security@example.com"}, "333333333333"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg := awssimtest.Config(srv, awssimtest.ManagementAccount(w))
	svcs := append(slices.Clone(services.All), contactService)

	// Collect: through the simulator over HTTP, with the real SDK client.
	calls := checks.NewCallCounter()
	snap, err := scan.Collect(ctx, scan.Options{
		Org: true, AWS: &cfg, Regions: []string{"us-east-1"}, Collection: scan.ModeDirect,
		Services: svcs, Calls: calls, Tool: checks.Tool{Name: "baseline", Version: "test"}, Now: awssimtest.Clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The call is counted under its IAM action (the descriptor's SDK id).
	if n := calls.Counts()["account:GetAlternateContact"]; n != 3 {
		t.Errorf("account:GetAlternateContact counted %d times, want 3 (one per account): %v", n, calls.Actions())
	}
	// and paced at the descriptor's rate.
	if r := checks.RateLimitsOf(svcs).For("account", "GetAlternateContact"); r != (checks.Rate{PerSecond: 10, Burst: 10}) {
		t.Errorf("account:GetAlternateContact is paced at %+v, not the descriptor's rate", r)
	}

	// Snapshot: the facts survive a write and a read, under their key.
	path := filepath.Join(t.TempDir(), "snapshot.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := checks.WriteSnapshot(f, snap); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"account": {`) || !strings.Contains(string(raw), `"security_email": "security@example.com"`) {
		t.Fatalf("snapshot lacks input.account:\n%s", raw)
	}
	read, err := checks.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := checks.ParseSnapshot(path, raw)
	if err != nil {
		t.Fatal(err)
	}
	awssimtest.Equal(t, "read snapshot", read, snap)
	awssimtest.Equal(t, "parsed snapshot", parsed, snap)

	// A Rego control in a custom policy directory reads the facts.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "security_contact.rego"), []byte(contactControl), 0o600); err != nil {
		t.Fatal(err)
	}
	engine, err := policies.NewEngineFor(svcs, dir)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := scan.Evaluate(ctx, engine, policies.DefaultConfig(), read, scan.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.BuildReport(read, ev, report.Tool{Name: "baseline", Version: "test"}, awssimtest.Now, scan.Review{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]report.Status{}
	for _, r := range rep.Results {
		if r.ControlID == "account.security_contact" {
			got[r.AccountID] = r.Status
		}
	}
	want := map[string]report.Status{"111111111111": report.StatusPass, "222222222222": report.StatusFail, "333333333333": report.StatusError}
	awssimtest.Equal(t, "account.security_contact verdicts", got, want)
	cov := map[string]report.CoverageState{}
	for _, c := range rep.Coverage {
		if c.Service == "account" {
			cov[c.AccountID] = c.State
		}
	}
	awssimtest.Equal(t, "account coverage", cov, map[string]report.CoverageState{
		"111111111111": report.CoverageEnabled, "222222222222": report.CoverageDisabled, "333333333333": report.CoverageError,
	})

	// iam-policy lists the action; a scan without the service does not.
	doc, err := scan.IAMPolicy(svcs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), `"account:GetAlternateContact"`) {
		t.Errorf("iam-policy of the services lacks account:GetAlternateContact:\n%s", doc)
	}
	if doc, _ := scan.IAMPolicy(nil); strings.Contains(string(doc), "GetAlternateContact") {
		t.Errorf("the default iam-policy lists the test's action:\n%s", doc)
	}

	// Without the service, the same control does not compile: input.account
	// is not in the input schema.
	if _, err := policies.NewEngineFor(services.All, dir); err == nil {
		t.Error("the control reading input.account compiled without the service")
	}
}
