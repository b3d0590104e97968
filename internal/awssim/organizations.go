package awssim

import (
	"fmt"
	"net/http"
	"slices"
)

var organizationsOps = map[string]handler{
	"DescribeOrganization": describeOrganization,
	"ListAccounts":         listAccounts,
	"ListTagsForResource":  listTagsForResource,
}

type orgAccount struct {
	ID              string   `json:"Id"`
	Arn             string   `json:"Arn"`
	Email           string   `json:"Email"`
	Name            string   `json:"Name"`
	Status          string   `json:"Status"`
	State           string   `json:"State"`
	JoinedMethod    string   `json:"JoinedMethod"`
	JoinedTimestamp *float64 `json:"JoinedTimestamp,omitempty"`
}

func listAccounts(c *call) (any, error) {
	var in struct {
		MaxResults *int
		NextToken  string
	}
	if err := decodeJSON(c, &in, "InvalidInputException"); err != nil {
		return nil, err
	}
	if !c.account.Management {
		return nil, errorf(http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource.")
	}
	size := 20
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 20 {
			return nil, errorf(http.StatusBadRequest, "InvalidInputException",
				"You provided a value that does not match the required pattern: MaxResults must be between 1 and 20.")
		}
		size = *in.MaxResults
	}
	accounts := slices.Clone(c.srv.world.Accounts)
	p, err := paginate(c, len(accounts), size, in.NextToken,
		errorf(http.StatusBadRequest, "InvalidInputException", "The NextToken value is not valid."))
	if err != nil {
		return nil, err
	}
	out := struct {
		Accounts  []orgAccount
		NextToken *string `json:",omitempty"`
	}{Accounts: []orgAccount{}, NextToken: ptr(p.next)}
	for _, a := range accounts[p.start:p.end] {
		method := "INVITED"
		if !a.Management {
			method = "CREATED"
		}
		joined := c.srv.resolve(a.Joined)
		if joined.IsZero() {
			joined = c.srv.now.AddDate(-2, 0, 0)
		}
		out.Accounts = append(out.Accounts, orgAccount{
			ID:              string(a.ID),
			Arn:             fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", c.srv.mgmt.ID, c.srv.orgID, a.ID),
			Email:           a.Email,
			Name:            a.Name,
			Status:          a.Status,
			State:           a.Status,
			JoinedMethod:    method,
			JoinedTimestamp: epoch(joined),
		})
	}
	return out, nil
}

// describeOrganization answers any account of the organization ("You can
// call this operation from any account in a organization"); a world
// without a management account is not an organization (ORG-26).
func describeOrganization(c *call) (any, error) {
	var in struct{}
	if err := decodeJSON(c, &in, "InvalidInputException"); err != nil {
		return nil, err
	}
	m := c.srv.mgmt
	if m == nil {
		return nil, errorf(http.StatusBadRequest, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	type organization struct {
		ID                 string `json:"Id"`
		Arn                string `json:"Arn"`
		FeatureSet         string `json:"FeatureSet"`
		MasterAccountArn   string `json:"MasterAccountArn"`
		MasterAccountID    string `json:"MasterAccountId"`
		MasterAccountEmail string `json:"MasterAccountEmail,omitempty"`
	}
	return struct{ Organization organization }{organization{
		ID:                 c.srv.orgID,
		Arn:                fmt.Sprintf("arn:aws:organizations::%s:organization/%s", m.ID, c.srv.orgID),
		FeatureSet:         "ALL",
		MasterAccountArn:   fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", m.ID, c.srv.orgID, m.ID),
		MasterAccountID:    string(m.ID),
		MasterAccountEmail: m.Email,
	}}, nil
}
