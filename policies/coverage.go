package policies

import (
	"cmp"
	"slices"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// coverage is each service's state in each account and in-scope region,
// by the service's coverage rule (checks.Service.Coverage; see each
// service's folder for what enabled means). The state is error when the
// facts it needs were not observed, or when the account's credentials
// failed (an STS error).
func coverage(snap *checks.Snapshot, svcs []checks.Service) []report.Coverage {
	out := []report.Coverage{}
	for i := range snap.Accounts {
		acct := &snap.Accounts[i]
		stsFailed := slices.ContainsFunc(acct.Errors, func(e checks.CollectionError) bool { return e.Service == "sts" })
		for _, region := range acct.Regions {
			for _, s := range svcs {
				if s.Coverage == nil {
					continue
				}
				state := report.CoverageState(s.Coverage(acct, region))
				if stsFailed {
					state = report.CoverageError
				}
				out = append(out, report.Coverage{AccountID: acct.AccountID, Region: region, Service: s.Name, State: state})
			}
		}
	}
	sortCoverage(out)
	return out
}

// sortCoverage orders cells by account, region and service.
func sortCoverage(out []report.Coverage) {
	slices.SortFunc(out, func(a, b report.Coverage) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Service, b.Service))
	})
}
