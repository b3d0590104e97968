package checks

import (
	"sync/atomic"
	"time"
)

// Phases of a scan, in order, as Progress reports them.
const (
	PhaseStarting   = ""                     // before discovery
	PhaseDiscovery  = "discovering accounts" // organizations:ListAccounts pages
	PhaseTeamTags   = "reading team tags"    // organizations:ListTagsForResource per account
	PhaseCollecting = "collecting"           // the collectors, AssumeRole included
)

// Progress is the live state of one scan, from discovery to the end of
// collection. Discover and the scheduler update it; a display reads it
// concurrently with State.
type Progress struct {
	// Calls, when set, supplies the API call, retry and throttle counts.
	Calls *CallCounter
	// Now is the clock phases are timed with (time.Now when nil).
	Now func() time.Time

	phase                       atomic.Pointer[phaseMark]
	listed                      atomic.Int64 // accounts listed so far by discovery
	tagsTotal, tagsDone         atomic.Int64
	accountsTotal, accountsDone atomic.Int64
	regionsTotal, regionsDone   atomic.Int64 // (account, region) cells
	errors                      atomic.Int64
}

type phaseMark struct {
	name  string
	start time.Time
}

// ProgressState is a consistent-enough reading of a Progress.
type ProgressState struct {
	// Phase is what the scan is doing (PhaseDiscovery, …) since PhaseStart.
	Phase      string
	PhaseStart time.Time
	// Listed are the ACTIVE accounts discovery has listed so far.
	Listed int
	// TagsDone of TagsTotal accounts have had their team tag read.
	TagsDone, TagsTotal         int
	AccountsDone, AccountsTotal int
	// Regions count (account, region) cells: 200 accounts × 4 regions is 800.
	RegionsDone, RegionsTotal int
	Calls, Retries, Throttled int
	// RolesAssumed counts sts:AssumeRole calls: one per member account.
	RolesAssumed int
	Errors       int // collection errors recorded so far
}

// SetPhase records that the scan entered phase now; entering the phase it
// is already in keeps the phase's start.
func (p *Progress) SetPhase(phase string) {
	if p == nil {
		return
	}
	if cur := p.phase.Load(); cur != nil && cur.name == phase {
		return
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	p.phase.Store(&phaseMark{name: phase, start: now()})
}

func (p *Progress) addListed(n int) {
	if p != nil {
		p.listed.Add(int64(n))
	}
}

func (p *Progress) addTags(total int) {
	if p != nil {
		p.tagsTotal.Add(int64(total))
	}
}

func (p *Progress) tagDone() {
	if p != nil {
		p.tagsDone.Add(1)
	}
}

// State reads the progress so far.
func (p *Progress) State() ProgressState {
	if p == nil {
		return ProgressState{}
	}
	s := ProgressState{
		Listed:        int(p.listed.Load()),
		TagsDone:      int(p.tagsDone.Load()),
		TagsTotal:     int(p.tagsTotal.Load()),
		AccountsDone:  int(p.accountsDone.Load()),
		AccountsTotal: int(p.accountsTotal.Load()),
		RegionsDone:   int(p.regionsDone.Load()),
		RegionsTotal:  int(p.regionsTotal.Load()),
		Errors:        int(p.errors.Load()),
	}
	if m := p.phase.Load(); m != nil {
		s.Phase, s.PhaseStart = m.name, m.start
	}
	if p.Calls != nil {
		s.RolesAssumed = p.Calls.Count("sts:AssumeRole")
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
