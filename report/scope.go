package report

import (
	"fmt"
	"slices"
)

// ScopeChange is what differs between the scopes of the previous report and
// the current one: accounts and regions present in one only. (Controls added
// or removed are not yet part of it: their results are new or fixed.)
// Results about them are out of scope for the diff, never fixed, new or
// unobserved. Absent from a diff when the scopes are the same.
type ScopeChange struct {
	AccountsAdded   []string `json:"accounts_added,omitempty"`
	AccountsRemoved []string `json:"accounts_removed,omitempty"`
	RegionsAdded    []string `json:"regions_added,omitempty"`
	RegionsRemoved  []string `json:"regions_removed,omitempty"`
}

// Empty reports whether nothing changed.
func (s *ScopeChange) Empty() bool {
	return s == nil || len(s.AccountsAdded)+len(s.AccountsRemoved)+len(s.RegionsAdded)+len(s.RegionsRemoved) == 0
}

// sharedScope is what both reports covered.
type sharedScope struct {
	accounts, regions map[string]bool
	change            *ScopeChange
}

// regionsOf are the report's scope regions, or, when the scope names none
// (an older or hand-made report), the regions of its results.
func regionsOf(r *Report) []string {
	if len(r.Scope.Regions) > 0 {
		return r.Scope.Regions
	}
	var out []string
	for _, res := range r.Results {
		if res.Region != Global && !slices.Contains(out, res.Region) {
			out = append(out, res.Region)
		}
	}
	return out
}

func accountsOf(r *Report) []string {
	if len(r.Scope.Accounts) > 0 {
		return r.Scope.Accounts
	}
	var out []string
	for _, res := range r.Results {
		if !slices.Contains(out, res.AccountID) {
			out = append(out, res.AccountID)
		}
	}
	return out
}

func newSharedScope(prev, cur *Report) sharedScope {
	s := sharedScope{accounts: map[string]bool{}, regions: map[string]bool{Global: true}, change: &ScopeChange{}}
	both := func(a, b []string, shared map[string]bool, added, removed *[]string) {
		for _, x := range b {
			if slices.Contains(a, x) {
				shared[x] = true
			} else if !slices.Contains(*added, x) {
				*added = append(*added, x)
			}
		}
		for _, x := range a {
			if !slices.Contains(b, x) && !slices.Contains(*removed, x) {
				*removed = append(*removed, x)
			}
		}
		slices.Sort(*added)
		slices.Sort(*removed)
	}
	c := s.change
	both(accountsOf(prev), accountsOf(cur), s.accounts, &c.AccountsAdded, &c.AccountsRemoved)
	both(regionsOf(prev), regionsOf(cur), s.regions, &c.RegionsAdded, &c.RegionsRemoved)
	return s
}

// covers reports whether a result lies in the scope both reports share.
func (s sharedScope) covers(r *Result) bool {
	return s.accounts[r.AccountID] && s.regions[r.Region]
}

// Text is the scope change in one line, e.g. "regions removed: eu-west-1".
func (s *ScopeChange) Text() string {
	var parts []string
	add := func(name string, l []string) {
		if len(l) > 0 {
			parts = append(parts, fmt.Sprintf("%s %v", name, l))
		}
	}
	add("accounts added", s.AccountsAdded)
	add("accounts removed", s.AccountsRemoved)
	add("regions added", s.RegionsAdded)
	add("regions removed", s.RegionsRemoved)
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += "; "
		}
		out += p
	}
	return out
}
