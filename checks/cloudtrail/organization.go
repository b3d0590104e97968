package cloudtrail

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/baseline-scanner/baseline/checks"
)

// Another account's trail (an organization trail seen from a member) is
// collected without status or selectors: AWS documents that member accounts
// can see an organization trail (DescribeTrails), not that they can read its
// selectors, and reading them from the member is reported to fail. Its facts
// are read once, by its owner's own collection (the account in the trail
// ARN, assumed once like every account), and joined into each member here.

// MissingOwners are the owners of the trails snap's accounts see but do not
// own, that are not themselves among snap's accounts: the caller collects
// their CloudTrail facts once more (CollectAccount through their own
// credentials) and passes them to JoinOwnerFacts.
func MissingOwners(snap *checks.Snapshot) []string {
	have := map[string]bool{}
	for _, a := range snap.Accounts {
		have[a.AccountID] = true
	}
	var out []string
	for _, a := range snap.Accounts {
		for _, t := range trailsOf(&a) {
			if o := Owner(t.ARN); o != "" && o != a.AccountID && !have[o] && !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	slices.Sort(out)
	return out
}

// JoinOwnerFacts gives each account's view of another account's trail the
// status, per-region statuses and selectors its owner's collection read,
// from snap's accounts or from owners (facts collected for MissingOwners).
// scanned reports whether an account is among the accounts the scan
// selected (before sharding): the trail is judged in its owner then, and in
// each member that sees it otherwise. When the owner's facts are missing,
// the trail keeps none and OwnerFactsError says why, so that the members'
// dependent controls are ERROR with that reason.
func JoinOwnerFacts(snap *checks.Snapshot, owners []checks.AccountFacts, scanned func(accountID string) bool) {
	byID := map[string]*checks.AccountFacts{}
	for i := range owners {
		byID[owners[i].AccountID] = &owners[i]
	}
	for i := range snap.Accounts {
		byID[snap.Accounts[i].AccountID] = &snap.Accounts[i]
	}
	for i := range snap.Accounts {
		JoinAccountOwnerFacts(&snap.Accounts[i], func(id string) *checks.AccountFacts { return byID[id] }, scanned)
	}
}

// JoinAccountOwnerFacts is JoinOwnerFacts for one account a, with owner
// giving an owner's facts by id (nil when not collected). Only the owner's
// own trails and its STS and CloudTrail errors are read (see OwnerFacts).
func JoinAccountOwnerFacts(a *checks.AccountFacts, owner func(id string) *checks.AccountFacts, scanned func(accountID string) bool) {
	for j := range trailsOf(a) {
		t := &a.CloudTrail.Trails[j]
		o := Owner(t.ARN)
		if o == "" || o == a.AccountID {
			continue
		}
		inScope := scanned(o)
		t.OwnerInScope = &inScope
		t.Status, t.RegionStatuses, t.ManagementEvents, t.ExcludedManagementEventSources = nil, nil, nil, nil
		t.OwnerFactsError = join(t, owner(o))
	}
}

// join copies the owner's facts of t into t, or returns why it cannot.
func join(t *checks.Trail, of *checks.AccountFacts) string {
	if of == nil {
		return fmt.Sprintf("owner account %s was not collected", Owner(t.ARN))
	}
	if of.CloudTrail == nil || of.CloudTrail.Trails == nil {
		return fmt.Sprintf("trails of owner account %s not observed%s", of.AccountID, failures(of, "DescribeTrails"))
	}
	i := slices.IndexFunc(of.CloudTrail.Trails, func(o checks.Trail) bool { return o.ARN == t.ARN })
	if i < 0 {
		return fmt.Sprintf("owner account %s does not list the trail%s", of.AccountID, failures(of, "DescribeTrails"))
	}
	o := of.CloudTrail.Trails[i]
	if o.Status != nil {
		s := *o.Status
		t.Status = &s
	}
	if o.RegionStatuses != nil {
		t.RegionStatuses = make(map[string]*checks.TrailStatus, len(o.RegionStatuses))
		for _, r := range slices.Sorted(maps.Keys(o.RegionStatuses)) {
			if o.RegionStatuses[r] == nil {
				// Kept null: not observed there, never a pass (the
				// policies' cloudtrail_unobserved_regions).
				t.RegionStatuses[r] = nil
				continue
			}
			s := *o.RegionStatuses[r]
			t.RegionStatuses[r] = &s
		}
	}
	if o.ManagementEvents != nil {
		v := *o.ManagementEvents
		t.ManagementEvents = &v
	}
	t.ExcludedManagementEventSources = slices.Clone(o.ExcludedManagementEventSources)
	if t.Status != nil && t.ManagementEvents != nil {
		return ""
	}
	reason := failures(of, "GetTrailStatus", "GetEventSelectors")
	if reason == "" {
		reason = ": status or event selectors not observed"
	}
	return fmt.Sprintf("owner account %s%s", of.AccountID, reason)
}

// failures lists the owner's errors of the given CloudTrail operations and
// of STS (its role could not be assumed), as ": action failed in region:
// Code: Message; …".
func failures(of *checks.AccountFacts, ops ...string) string {
	var msgs []string
	for _, e := range of.Errors {
		if e.Service != "sts" && (e.Service != service || !slices.Contains(ops, e.Operation)) {
			continue
		}
		m := fmt.Sprintf("%s failed in %s: %s: %s", e.Action(), e.Region, e.Code, strings.Join(strings.Fields(e.Message), " "))
		if !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		return ""
	}
	return ": " + strings.Join(msgs, "; ")
}

func trailsOf(a *checks.AccountFacts) []checks.Trail {
	if a.CloudTrail == nil {
		return nil
	}
	return a.CloudTrail.Trails
}
