package checks

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Service describes one AWS service the scanner observes. Each service's
// folder (checks/securityhub, checks/guardduty, ...) exports one value, and
// package checks/services lists them once; everything per-service that the
// scan, the policy engine and `baseline iam-policy` need is derived from
// that list (see ActionsOf, RateLimitsOf, SigningNamesOf).
type Service struct {
	// Name is the service's IAM prefix. It is also its key in the snapshot
	// and the Rego input (input.<Name>), its coverage service and its
	// progress label.
	Name string
	// SDKServiceIDs map the SDK service id of every client the service's
	// collectors build (awsmiddleware.GetServiceID, e.g. "SSM", "EC2") to
	// the IAM prefix of its actions; call counting and rate limiting key
	// every call by that prefix.
	SDKServiceIDs map[string]string
	// Actions are the IAM actions its collectors (direct and
	// administrator) call, all read-only.
	Actions []string
	// RateLimits are the request rates AWS applies to those actions, per
	// account and region (see NewRateLimiter); each figure cites its source.
	RateLimits RateLimits
	// FactSources are the IAM prefixes whose calls produce input.<Name>: a
	// control that reads it must name one of them in its requires, so that
	// a failed call voids its verdict. Nil means {Name}.
	FactSources []string
	// New returns the collector that reads every account directly.
	New func() Collector
	// Admin, optional, chooses administrator-mode collection for
	// --collection auto and admin; nil means the service is always
	// collected directly.
	Admin func(ctx context.Context, env AdminEnv) (AdminCollection, error)
	// Coverage, optional, is the service's state in one account and
	// in-scope region; nil means the service has no coverage row.
	Coverage func(acct *AccountFacts, region string) CoverageState
	// NewFacts returns an empty value of the service's facts type, for a
	// service whose facts are not a field of AccountFacts: they travel in
	// AccountFacts.Other under Name (see Facts). Nil for the four built-in
	// services, whose facts are typed fields of AccountFacts.
	NewFacts func() Facts
}

// Sources are the IAM prefixes whose calls produce the service's facts.
func (s Service) Sources() []string {
	if s.FactSources == nil {
		return []string{s.Name}
	}
	return s.FactSources
}

// Collection modes (--collection).
const (
	// ModeAuto collects through the caller's delegated-administrator view
	// where it has one, else directly.
	ModeAuto = "auto"
	// ModeDirect reads every account with its own credentials.
	ModeDirect = "direct"
	// ModeAdmin requires the delegated-administrator view.
	ModeAdmin = "admin"
)

// AdminEnv is what a service's administrator-mode choice needs.
type AdminEnv struct {
	// Caller is the SDK configuration acting as the caller, paced as it.
	Caller aws.Config
	// Accounts are the accounts to collect.
	Accounts []string
	// ScanAccounts is how many accounts the whole scan selected, of
	// which Accounts are this shard's (--shard); 0 when unknown.
	ScanAccounts int
	// Home is the region the administrator is looked for in.
	Home string
	// Regions are the regions in scope; nil with --regions all.
	Regions []string
	// Mode is ModeAuto or ModeAdmin (Admin is not called with ModeDirect).
	Mode string
	// FromOrganization: Accounts were listed from the caller's organization
	// (--org, or --accounts-from a `baseline accounts --org` list), so each
	// is one of its accounts; false when they were named (--accounts).
	FromOrganization bool
	// OrganizationID is the caller's organization id when it is already
	// known (from the account list): a service that needs it does not ask
	// organizations:DescribeOrganization. Empty: unknown.
	OrganizationID string
	// Status reports a line about the choice.
	Status func(string)
	// Now is the scan's clock (time.Now when nil).
	Now func() time.Time
	// SyncMaxAge is how old an organization-wide inventory may be for a
	// service to read it instead of each account (ssm's resource data
	// sync, --ssm-sync-max-age); 0 means the service's default.
	SyncMaxAge time.Duration
	// AccountsPending: the accounts are still being listed (Accounts is
	// nil), in ModeAuto or ModeAdmin. A service whose caller administers
	// nothing for it returns its direct collection (or, in ModeAdmin, its
	// error), decided without the accounts; one whose choice depends on
	// them (an administrator, an inventory) returns ErrAccountsNeeded, and
	// is asked again once every account is listed, while the other
	// services collect the accounts as they are listed.
	AccountsPending bool
}

// ErrAccountsNeeded is a service's answer, with AdminEnv.AccountsPending,
// when its choice of collector depends on the accounts.
var ErrAccountsNeeded = errors.New("the choice of collector depends on the accounts")

// Sharded reports whether the accounts to collect are one shard of a
// larger scan: an administrator then looks up its members among them
// rather than listing the whole organization's in every shard.
func (e AdminEnv) Sharded() bool { return e.ScanAccounts > len(e.Accounts) }

// AdminCollection is what a service's administrator-mode choice returned.
type AdminCollection struct {
	// Collector collects the service, through the administrator or directly.
	Collector Collector
	// Gaps, when set, lists the (account, region) cells the administrator
	// did not cover, which Collector collected directly; CoveredBy names
	// the administrator's view in the status line ("aggregator").
	Gaps      func() []CoverageGap
	CoveredBy string
	// Background: the administrator's streams are already being read in
	// the background, so the service's work is scheduled after the other
	// services' (its cells mostly wait for those streams).
	Background bool
}

// CoverageState is a service's state in one account and region; the values
// are report.CoverageState's.
type CoverageState string

// Coverage states.
const (
	CoverageEnabled  CoverageState = "enabled"
	CoverageDisabled CoverageState = "disabled"
	CoverageError    CoverageState = "error"
)

// BaseActions are the actions every scan calls whatever its services:
// identity, discovery and region resolution.
var BaseActions = []string{
	"account:ListRegions", // --regions all
	"ec2:DescribeRegions", // --regions all, when account:ListRegions is denied
	"organizations:ListAccounts",
	"organizations:ListTagsForResource",
	"sts:AssumeRole",
	"sts:GetCallerIdentity",
}

// baseRateLimits pace the BaseActions.
var baseRateLimits = RateLimits{
	// Account Management API quotas: ListRegions 5/s.
	"account:ListRegions": {5, 5},
	// EC2 API request throttling ("Request token limits"): unfiltered and
	// paginated non-mutating actions refill 20 tokens/s into a bucket of 100.
	"ec2:*": {20, 100},
	// STS request quota: 600 requests per second per account and region;
	// AssumeRole calls all come from the scanning account.
	"sts:*": {600, 600},
	// Organizations publishes no ListAccounts rate and throttles its API at
	// a low rate; 5/s burst 10, conservative.
	"organizations:*": {5, 10},
}

// baseSigningNames map the SDK service ids of the base clients.
var baseSigningNames = map[string]string{
	"EC2":           "ec2",
	"STS":           "sts",
	"Organizations": "organizations",
	"Account":       "account",
}

// ActionsOf are exactly the AWS API actions a scan of svcs calls, sorted:
// BaseActions plus every service's Actions. `baseline iam-policy` prints
// them, and a control's requires must name one of them: an action the scan
// never calls never fails, so a typo would silently disable the error rule.
func ActionsOf(svcs []Service) []string {
	set := map[string]bool{}
	for _, a := range BaseActions {
		set[a] = true
	}
	for _, s := range svcs {
		for _, a := range s.Actions {
			set[a] = true
		}
	}
	out := slices.Collect(maps.Keys(set))
	sort.Strings(out)
	return out
}

// RateLimitsOf are the rates a scan of svcs paces its calls to: the base
// ones plus every service's. A service naming an entry another already
// names with a different rate is a programming error.
func RateLimitsOf(svcs []Service) RateLimits {
	return mergeTables(baseRateLimits, svcs, func(s Service) map[string]Rate { return s.RateLimits }, "rate limit")
}

// mergeTables is base plus every service's entries of one table; a service
// giving a key another entry already has a different value is a
// programming error (one of the two would be silently wrong).
func mergeTables[V comparable](base map[string]V, svcs []Service, table func(Service) map[string]V, what string) map[string]V {
	out := maps.Clone(base)
	for _, s := range svcs {
		for k, v := range table(s) {
			if old, ok := out[k]; ok && old != v {
				panic(fmt.Sprintf("checks: service %s: %s %s is %v, already %v", s.Name, what, k, v, old))
			}
			out[k] = v
		}
	}
	return out
}

// SigningNames map SDK service ids to IAM prefixes.
type SigningNames map[string]string

// Of is the IAM prefix of an SDK service id; the id itself when unknown.
func (n SigningNames) Of(serviceID string) string {
	if s, ok := n[serviceID]; ok {
		return s
	}
	return serviceID
}

// SigningNamesOf is the SDK id → IAM prefix table of a scan of svcs.
func SigningNamesOf(svcs []Service) SigningNames {
	return mergeTables(baseSigningNames, svcs, func(s Service) map[string]string { return s.SDKServiceIDs }, "SDK service id")
}

// Facts are one account's facts of a service that is not one of the four
// built-in ones (whose facts are fields of AccountFacts). They are stored
// in AccountFacts.Other under the service's name, and appear under that
// key in the snapshot and the Rego input (input.<name>), exactly as a field
// would: their JSON encoding is encoding/json's, and the policy input
// schema is generated from their Go type.
type Facts interface {
	// MergeFacts folds in part, the same type, from another collector
	// call (another region) for the same account.
	MergeFacts(part Facts)
}

// OtherFacts are the facts of services without a field in AccountFacts, by
// service name.
type OtherFacts map[string]Facts

// ByRegion is a Facts type for regional services: the facts of each region.
type ByRegion[T any] map[string]*T

// MergeFacts implements Facts.
func (m ByRegion[T]) MergeFacts(part Facts) {
	for region, f := range part.(ByRegion[T]) {
		m[region] = f
	}
}

// factsTypes are the registered Facts types by service name (RegisterFacts).
var factsTypes sync.Map // string → reflect.Type

// RegisterFacts lets snapshots carry the facts of services with NewFacts:
// reading a snapshot decodes input.<name> into its type. Registering a name
// again with the same type does nothing; a different type, or the name of
// a field of AccountFacts, panics.
func RegisterFacts(svcs ...Service) {
	for _, s := range svcs {
		if s.NewFacts == nil {
			continue
		}
		t := reflect.TypeOf(s.NewFacts())
		if k := t.Kind(); k != reflect.Map && k != reflect.Pointer {
			panic(fmt.Sprintf("checks: RegisterFacts: %s: facts type %v is not a map or a pointer: it could not be absent", s.Name, t))
		}
		if slices.Contains(accountFactsKeys(), s.Name) {
			panic("checks: RegisterFacts: " + s.Name + " is a field of AccountFacts")
		}
		if old, loaded := factsTypes.LoadOrStore(s.Name, t); loaded && old != t {
			panic(fmt.Sprintf("checks: RegisterFacts: %s registered as %v and %v", s.Name, old, t))
		}
	}
}

// registeredFacts are the registered facts types, sorted by name.
func registeredFacts() (names []string, types []reflect.Type) {
	factsTypes.Range(func(k, v any) bool {
		names = append(names, k.(string))
		return true
	})
	sort.Strings(names)
	for _, n := range names {
		t, _ := factsTypes.Load(n)
		types = append(types, t.(reflect.Type))
	}
	return names, types
}

// accountFactsKeys are the JSON keys of AccountFacts' fields.
var accountFactsKeys = sync.OnceValue(func() []string {
	var keys []string
	for f := range reflect.TypeFor[AccountFacts]().Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
})
