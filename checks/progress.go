package checks

import "sync/atomic"

// Progress is the live state of one collection. The scheduler updates it;
// a display reads it concurrently with State.
type Progress struct {
	// Calls, when set, supplies the API call, retry and throttle counts.
	Calls *CallCounter

	accountsTotal, accountsDone atomic.Int64
	regionsTotal, regionsDone   atomic.Int64 // (account, region) cells
	errors                      atomic.Int64
}

// ProgressState is a consistent-enough reading of a Progress.
type ProgressState struct {
	AccountsDone, AccountsTotal int
	// Regions count (account, region) cells: 200 accounts × 4 regions is 800.
	RegionsDone, RegionsTotal int
	Calls, Retries, Throttled int
	Errors                    int // collection errors recorded so far
}

// State reads the progress so far.
func (p *Progress) State() ProgressState {
	if p == nil {
		return ProgressState{}
	}
	s := ProgressState{
		AccountsDone:  int(p.accountsDone.Load()),
		AccountsTotal: int(p.accountsTotal.Load()),
		RegionsDone:   int(p.regionsDone.Load()),
		RegionsTotal:  int(p.regionsTotal.Load()),
		Errors:        int(p.errors.Load()),
	}
	if p.Calls != nil {
		for _, st := range p.Calls.ByService() {
			s.Calls += st.Calls
			s.Retries += st.Retries
			s.Throttled += st.Throttled
		}
	}
	return s
}

// Fraction is how much of the scan is done, in [0, 1], by (account, region)
// cells once they are known, else by accounts.
func (s ProgressState) Fraction() float64 {
	switch {
	case s.RegionsTotal > 0 && s.AccountsDone < s.AccountsTotal || s.RegionsTotal > 0 && s.RegionsDone < s.RegionsTotal:
		return float64(s.RegionsDone) / float64(s.RegionsTotal)
	case s.AccountsTotal > 0:
		return float64(s.AccountsDone) / float64(s.AccountsTotal)
	}
	return 0
}

func (p *Progress) addAccounts(n int) {
	if p != nil {
		p.accountsTotal.Add(int64(n))
	}
}

func (p *Progress) accountDone() {
	if p != nil {
		p.accountsDone.Add(1)
	}
}

func (p *Progress) addRegions(n int) {
	if p != nil {
		p.regionsTotal.Add(int64(n))
	}
}

func (p *Progress) regionDone() {
	if p != nil {
		p.regionsDone.Add(1)
	}
}

func (p *Progress) addErrors(n int) {
	if p != nil && n > 0 {
		p.errors.Add(int64(n))
	}
}
