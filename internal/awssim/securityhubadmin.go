package awssim

import (
	"fmt"
	"net/http"
	"slices"
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

func listFindingAggregators(c *call) (any, error) {
	if _, err := hub(c); err != nil {
		return nil, err
	}
	type aggregator struct{ FindingAggregatorArn string }
	out := []aggregator{}
	if arn := c.srv.findingAggregatorARN(string(c.account.ID)); arn != "" {
		out = append(out, aggregator{arn})
	}
	return struct{ FindingAggregators []aggregator }{out}, nil
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
	type member struct {
		AccountId, AdministratorId, MasterId, MemberStatus, InvitedAt, UpdatedAt string
	}
	members := []member{}
	if c.srv.isSecurityHubAdmin(caller) {
		for _, a := range c.srv.world.Accounts {
			if id := string(a.ID); id != caller && c.srv.isMember(id) {
				joined := isoTime(c.srv.resolveOr(a.Joined, c.srv.now.AddDate(-1, 0, 0)))
				members = append(members, member{id, caller, caller, "Enabled", joined, joined})
			}
		}
	}
	p, err := paginate(c, len(members), size, q.Get("NextToken"), shInvalidInput("Invalid parameter 'NextToken'"))
	if err != nil {
		return nil, err
	}
	return struct {
		Members   []member
		NextToken *string `json:",omitempty"`
	}{members[p.start:p.end], ptr(p.next)}, nil
}
