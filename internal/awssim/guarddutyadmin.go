package awssim

import (
	"cmp"
	"slices"
)

func (s *Server) isGuardDutyAdmin(id string) bool {
	da := s.world.DelegatedAdmin
	return da != nil && string(da.GuardDuty) == id
}

// gdMember is account id's relationship with the GuardDuty administrator
// admin in region, and its detector there: "" when it is not a member;
// "Enabled" (associated) for a member with a detector in region; "Removed"
// for a member listed in guardduty_not_associated; "Disabled" for a member
// without a detector in region.
func (s *Server) gdMember(admin, id, region string) (string, *Detector) {
	if id == admin || !s.isGuardDutyAdmin(admin) || !s.isMember(id) {
		return "", nil
	}
	var d *Detector
	if st := s.accounts[id].Regions[region]; st != nil && st.GuardDuty != nil && len(st.GuardDuty.Detectors) > 0 {
		d = &st.GuardDuty.Detectors[0]
	}
	switch {
	case slices.Contains(s.world.DelegatedAdmin.GuardDutyNotAssociated, AccountID(id)):
		return "Removed", d
	case d == nil:
		return "Disabled", nil
	}
	return "Enabled", d
}

// listGuardDutyMembers answers ListMembers on the caller's detector: the
// administrator's members in the region (only the associated ones unless
// onlyAssociated is "false"), none for any other caller.
func listGuardDutyMembers(c *call) (any, error) {
	if _, err := detector(c); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	size, err := gdQueryMaxResults(q)
	if err != nil {
		return nil, err
	}
	onlyAssociated := q.Get("onlyAssociated") != "false"
	caller := string(c.account.ID)
	members := []gdMemberJSON{}
	for i := range c.srv.world.Accounts {
		a := &c.srv.world.Accounts[i]
		status, d := c.srv.gdMember(caller, string(a.ID), c.region)
		if status == "" || onlyAssociated && status != "Enabled" {
			continue
		}
		members = append(members, c.gdMemberEntry(caller, a, status, d))
	}
	p, err := paginate(c, len(members), size, q.Get("nextToken"), gdBadRequest("The request is rejected because the nextToken is invalid."))
	if err != nil {
		return nil, err
	}
	return struct {
		Members   []gdMemberJSON `json:"members"`
		NextToken *string        `json:"nextToken,omitempty"`
	}{members[p.start:p.end], ptr(p.next)}, nil
}

// gdMemberJSON is a GuardDuty Member.
type gdMemberJSON struct {
	AccountID          string `json:"accountId"`
	DetectorID         string `json:"detectorId,omitempty"`
	MasterID           string `json:"masterId"`
	AdministratorID    string `json:"administratorId"`
	Email              string `json:"email"`
	RelationshipStatus string `json:"relationshipStatus"`
	UpdatedAt          string `json:"updatedAt"`
}

// gdMemberEntry is account a as a member of admin's, with its status and
// its detector in the region (nil: none).
func (c *call) gdMemberEntry(admin string, a *Account, status string, d *Detector) gdMemberJSON {
	m := gdMemberJSON{AccountID: string(a.ID), MasterID: admin, AdministratorID: admin, Email: a.Email, RelationshipStatus: status,
		UpdatedAt: isoTime(c.srv.resolveOr(a.Joined, c.srv.now.AddDate(-1, 0, 0)))}
	if d != nil {
		m.DetectorID = d.ID
	}
	return m
}

// groupByAccount answers GetFindingsStatistics with groupBy ACCOUNT: the
// number of found findings per account, most first (fewest with asc), at
// most size accounts.
func groupByAccount(c *call, found []gdHit, size int, asc bool) any {
	type stat struct {
		AccountID       string  `json:"accountId"`
		LastGeneratedAt float64 `json:"lastGeneratedAt"`
		TotalFindings   int     `json:"totalFindings"`
	}
	byAccount := map[string]*stat{}
	var order []*stat
	for _, h := range found {
		st := byAccount[h.account]
		if st == nil {
			st = &stat{AccountID: h.account}
			byAccount[h.account] = st
			order = append(order, st)
		}
		st.TotalFindings++
		t := c.srv.resolveOr(h.f.Updated, c.srv.resolveOr(h.f.Created, c.srv.now))
		st.LastGeneratedAt = max(st.LastGeneratedAt, float64(t.UnixMilli())/1000)
	}
	slices.SortStableFunc(order, func(x, y *stat) int {
		if asc {
			return cmp.Compare(x.TotalFindings, y.TotalFindings)
		}
		return cmp.Compare(y.TotalFindings, x.TotalFindings)
	})
	if len(order) > size {
		order = order[:size]
	}
	out := []stat{}
	for _, st := range order {
		out = append(out, *st)
	}
	return map[string]any{"findingStatistics": map[string]any{"groupedByAccount": out}}
}

// getGuardDutyMembers answers GetMembers on the caller's detector: each
// requested account that is one of the administrator's members in the
// region, whatever its relationship status (ListMembers with
// onlyAssociated "false" lists the same entries), and every other
// requested account as unprocessed. At most 50 account ids.
func getGuardDutyMembers(c *call) (any, error) {
	var in struct {
		AccountIDs []string `json:"accountIds"`
	}
	if err := decodeJSON(c, &in, "BadRequestException"); err != nil {
		return nil, err
	}
	if _, err := detector(c); err != nil {
		return nil, err
	}
	if len(in.AccountIDs) < 1 || len(in.AccountIDs) > 50 {
		return nil, gdBadRequest("The request is rejected because the number of accountIds (%d) is not between 1 and 50.", len(in.AccountIDs))
	}
	caller := string(c.account.ID)
	members := []gdMemberJSON{}
	type unprocessed struct {
		AccountID string `json:"accountId"`
		Result    string `json:"result"`
	}
	unproc := []unprocessed{}
	for _, id := range in.AccountIDs {
		status, d := c.srv.gdMember(caller, id, c.region)
		if status == "" {
			unproc = append(unproc, unprocessed{id, "The request is rejected because the given account ID is not a member of the current account."})
			continue
		}
		members = append(members, c.gdMemberEntry(caller, c.srv.accounts[id], status, d))
	}
	return map[string]any{"members": members, "unprocessedAccounts": unproc}, nil
}
