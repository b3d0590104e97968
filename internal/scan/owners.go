package scan

import (
	"regexp"
	"strings"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/teams"
	"github.com/baseline-scanner/baseline/report"
)

// DefaultErrorOwner owns the results whose cause is a collection error
// (--error-owner): a denied or failed call is the platform team's to fix,
// not the account's team.
const DefaultErrorOwner = "platform"

// resourceTeams are the teams named by resources' own tags, by account and
// instance id, and by account and finding id.
type resourceTeams struct {
	instance map[[2]string]string
	finding  map[[2]string]string
}

// resourceTeamsOf reads the team tag (key tag) of every instance (EC2
// DescribeInstances tags) and finding (Security Hub Resources[].Tags,
// GuardDuty InstanceDetails.Tags) in the snapshot.
func resourceTeamsOf(snap *checks.Snapshot, tag string) resourceTeams {
	rt := newResourceTeams()
	for i := range snap.Accounts {
		rt.add(&snap.Accounts[i], tag)
	}
	return rt
}

func newResourceTeams() resourceTeams {
	return resourceTeams{instance: map[[2]string]string{}, finding: map[[2]string]string{}}
}

// add reads the team tag (key tag) of account a's instances and findings.
func (rt resourceTeams) add(a *checks.AccountFacts, tag string) {
	if tag == "" {
		tag = teams.DefaultTag
	}
	team := func(tags map[string]string) string { return strings.TrimSpace(tags[tag]) }
	for _, r := range a.SSM {
		if r == nil {
			continue
		}
		for _, in := range r.Instances {
			if t := team(in.Tags); t != "" {
				rt.instance[[2]string{a.AccountID, in.InstanceID}] = t
			}
		}
	}
	for _, r := range a.SecurityHub {
		if r == nil {
			continue
		}
		for _, f := range r.Findings {
			if t := team(f.ResourceTags); t != "" {
				rt.finding[[2]string{a.AccountID, f.ID}] = t
			}
		}
	}
	for _, r := range a.GuardDuty {
		if r == nil {
			continue
		}
		for _, f := range r.HighFindings {
			if t := team(f.ResourceTags); t != "" {
				rt.finding[[2]string{a.AccountID, f.ID}] = t
			}
		}
	}
}

// instanceID is the EC2 instance id a resource names: an instance ARN or a
// bare id.
var instanceID = regexp.MustCompile(`(?:^|[/ ])(i-[0-9a-f]{8,17})$`)

// teamOf is the team a result's resource names by its own tag: the
// finding's resource tag, else the instance's; "" when none.
func (rt resourceTeams) teamOf(accountID, resource string, finding *report.Finding) string {
	if finding != nil {
		if t := rt.finding[[2]string{accountID, finding.ID}]; t != "" {
			return t
		}
	}
	if m := instanceID.FindStringSubmatch(resource); m != nil {
		return rt.instance[[2]string{accountID, m[1]}]
	}
	return ""
}
