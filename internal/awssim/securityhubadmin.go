package awssim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// findingSource is the account and region a Security Hub finding belongs
// to, with that account's hub there.
type findingSource struct {
	account, region string
	hub             *SecurityHubState
}

// findingSources are the hubs whose findings GetFindings returns to the
// caller: its own; an administrator also sees its members' in the same
// region, and in the aggregation region those of every linked region.
func (s *Server) findingSources(c *call, own *SecurityHubState) []findingSource {
	caller := string(c.account.ID)
	srcs := []findingSource{{caller, c.region, own}}
	if !s.isSecurityHubAdmin(caller) {
		return srcs
	}
	regions := []string{c.region}
	if fa := s.world.DelegatedAdmin.FindingAggregator; fa != nil && fa.Region == c.region {
		for _, r := range s.linkedRegions() {
			if r != c.region {
				regions = append(regions, r)
			}
		}
	}
	for _, r := range regions {
		for i := range s.world.Accounts {
			a := &s.world.Accounts[i]
			id := string(a.ID)
			if (id == caller && r == c.region) || (id != caller && !s.isMember(id)) {
				continue
			}
			if st := a.Regions[r]; st != nil && st.SecurityHub != nil && st.SecurityHub.Enabled {
				srcs = append(srcs, findingSource{id, r, st.SecurityHub})
			}
		}
	}
	return srcs
}

func (s *Server) isSecurityHubAdmin(id string) bool {
	da := s.world.DelegatedAdmin
	return da != nil && string(da.SecurityHub) == id
}

// isMember reports whether an account is a member of the administrators
// (when it is not one itself): every ACTIVE account but NotMembers.
func (s *Server) isMember(id string) bool {
	da := s.world.DelegatedAdmin
	a := s.accounts[id]
	return da != nil && a != nil && a.Status == "ACTIVE" && !slices.Contains(da.NotMembers, AccountID(id))
}

// linkedRegions are the enabled regions whose findings the aggregator
// replicates, the aggregation region included, sorted.
func (s *Server) linkedRegions() []string {
	fa := s.world.DelegatedAdmin.FindingAggregator
	var out []string
	for r := range s.enabled {
		listed := slices.Contains(fa.Regions, r)
		switch fa.RegionLinkingMode {
		case "SPECIFIED_REGIONS":
			if !listed && r != fa.Region {
				continue
			}
		case "ALL_REGIONS_EXCEPT_SPECIFIED":
			if listed && r != fa.Region {
				continue
			}
		case "NO_REGIONS":
			// "Aggregates no data because no Regions are selected as
			// linked Regions" (CreateFindingAggregator, RegionLinkingMode).
			if r != fa.Region {
				continue
			}
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// findingAggregatorARN is the caller's aggregator, or "" when it has none.
func (s *Server) findingAggregatorARN(caller string) string {
	if !s.isSecurityHubAdmin(caller) || s.world.DelegatedAdmin.FindingAggregator == nil {
		return ""
	}
	fa := s.world.DelegatedAdmin.FindingAggregator
	return fmt.Sprintf("arn:aws:securityhub:%s:%s:finding-aggregator/%s", fa.Region, caller, uuidFrom("finding-aggregator", caller))
}

// listFindingAggregators answers ListFindingAggregators, paginated as the
// model says (MaxResults 1–100 in the query string) although an account has
// at most one aggregator.
func listFindingAggregators(c *call) (any, error) {
	if _, err := hub(c); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	size := 100
	if v := q.Get("MaxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return nil, shInvalidInput("Invalid parameter 'MaxResults': %q must be between 1 and 100", v)
		}
		size = n
	}
	type aggregator struct{ FindingAggregatorArn string }
	all := []aggregator{}
	if arn := c.srv.findingAggregatorARN(string(c.account.ID)); arn != "" {
		all = append(all, aggregator{arn})
	}
	p, err := paginate(c, len(all), size, q.Get("NextToken"), shInvalidInput("Invalid parameter 'NextToken'"))
	if err != nil {
		return nil, err
	}
	return struct {
		FindingAggregators []aggregator
		NextToken          *string `json:",omitempty"`
	}{all[p.start:p.end], ptr(p.next)}, nil
}

func getFindingAggregator(c *call) (any, error) {
	if _, err := hub(c); err != nil {
		return nil, err
	}
	arn := c.params["FindingAggregatorArn"]
	if own := c.srv.findingAggregatorARN(string(c.account.ID)); own == "" || arn != own {
		return nil, errorf(http.StatusNotFound, "ResourceNotFoundException", "Finding aggregator %s not found", arn)
	}
	fa := c.srv.world.DelegatedAdmin.FindingAggregator
	mode := fa.RegionLinkingMode
	if mode == "" {
		mode = "ALL_REGIONS"
	}
	return map[string]any{
		"FindingAggregatorArn":     arn,
		"FindingAggregationRegion": fa.Region,
		"RegionLinkingMode":        mode,
		"Regions":                  append([]string{}, fa.Regions...),
	}, nil
}

// listSecurityHubMembers answers ListMembers: the administrator's member
// accounts (all of them associated, as in an organization), none for any
// other caller.
func listSecurityHubMembers(c *call) (any, error) {
	if _, err := hub(c); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	size := 50
	if v := q.Get("MaxResults"); v != "" {
		var n int
		if _, err := fmt.Sscan(v, &n); err != nil || n < 1 || n > 50 {
			return nil, shInvalidInput("Invalid parameter 'MaxResults': %q must be between 1 and 50", v)
		}
		size = n
	}
	caller := string(c.account.ID)
	members := []shMember{}
	for i := range c.srv.world.Accounts {
		if m, ok := c.shMemberOf(caller, &c.srv.world.Accounts[i]); ok {
			members = append(members, m)
		}
	}
	p, err := paginate(c, len(members), size, q.Get("NextToken"), shInvalidInput("Invalid parameter 'NextToken'"))
	if err != nil {
		return nil, err
	}
	return struct {
		Members   []shMember
		NextToken *string `json:",omitempty"`
	}{members[p.start:p.end], ptr(p.next)}, nil
}

// shMember is a Security Hub Member.
type shMember struct {
	AccountId, AdministratorId, MasterId, MemberStatus, InvitedAt, UpdatedAt string
}

// shMemberOf is account a as a member of admin's: every member is
// associated ("Enabled"), as in an organization; ok is false when a is not
// a member or admin is not the administrator.
func (c *call) shMemberOf(admin string, a *Account) (shMember, bool) {
	id := string(a.ID)
	if !c.srv.isSecurityHubAdmin(admin) || id == admin || !c.srv.isMember(id) {
		return shMember{}, false
	}
	joined := isoTime(c.srv.resolveOr(a.Joined, c.srv.now.AddDate(-1, 0, 0)))
	return shMember{id, admin, admin, "Enabled", joined, joined}, true
}

// getSecurityHubMembers answers GetMembers: each requested account that is
// one of the administrator's members (as ListMembers lists them), every
// other as unprocessed. At most 50 account ids.
func getSecurityHubMembers(c *call) (any, error) {
	var in struct {
		AccountIds []string
	}
	if err := decodeJSON(c, &in, "InvalidInputException"); err != nil {
		return nil, err
	}
	if _, err := hub(c); err != nil {
		return nil, err
	}
	if len(in.AccountIds) == 0 {
		return nil, shInvalidInput("Invalid parameter 'AccountIds': at least one account id is required")
	}
	if len(in.AccountIds) > 50 {
		return nil, shInvalidInput("Invalid parameter 'AccountIds': at most 50 account ids, got %d", len(in.AccountIds))
	}
	caller := string(c.account.ID)
	type result struct{ AccountId, ProcessingResult string }
	members, unproc := []shMember{}, []result{}
	for _, id := range in.AccountIds {
		a := c.srv.accounts[id]
		if a != nil {
			if m, ok := c.shMemberOf(caller, a); ok {
				members = append(members, m)
				continue
			}
		}
		unproc = append(unproc, result{id, "Account is not a member of the administrator account"})
	}
	return map[string]any{"Members": members, "UnprocessedAccounts": unproc}, nil
}
