package cloudtrail

import (
	"slices"

	"github.com/baseline-scanner/baseline/checks"
)

// OwnerFacts is what JoinAccountOwnerFacts reads of a as the owner of
// other accounts' trails: its own trails (those whose ARN names it; a nil
// list stays nil) and its STS and CloudTrail errors. A scan that does not
// keep its accounts keeps this of each, to join members' organization
// trails after collection exactly as JoinOwnerFacts does.
func OwnerFacts(a *checks.AccountFacts) checks.AccountFacts {
	out := checks.AccountFacts{AccountID: a.AccountID}
	if a.CloudTrail != nil {
		ct := &checks.CloudTrailFacts{}
		if a.CloudTrail.Trails != nil {
			ct.Trails = []checks.Trail{}
		}
		for _, t := range a.CloudTrail.Trails {
			if Owner(t.ARN) == a.AccountID {
				ct.Trails = append(ct.Trails, t)
			}
		}
		out.CloudTrail = ct
	}
	for _, e := range a.Errors {
		if e.Service == "sts" || e.Service == service {
			out.Errors = append(out.Errors, e)
		}
	}
	return out
}

// ForeignOwners are the owners of the trails a sees but does not own,
// sorted, each once.
func ForeignOwners(a *checks.AccountFacts) []string {
	var out []string
	for _, t := range trailsOf(a) {
		if o := Owner(t.ARN); o != "" && o != a.AccountID && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return out
}
