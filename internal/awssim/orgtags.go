package awssim

import (
	"maps"
	"net/http"
	"slices"
)

type orgTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// listTagsForResource is organizations:ListTagsForResource for accounts
// (ResourceId is a 12-digit account id): the account's tags sorted by key,
// in one page, as AWS answers for an account's at most 50 tags.
func listTagsForResource(c *call) (any, error) {
	var in struct {
		ResourceId string
		NextToken  string
	}
	if err := decodeJSON(c, &in, "InvalidInputException"); err != nil {
		return nil, err
	}
	if !c.account.Management {
		return nil, errorf(http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource.")
	}
	if in.NextToken != "" {
		return nil, errorf(http.StatusBadRequest, "InvalidInputException", "The NextToken value is not valid.")
	}
	if !accountIDPattern.MatchString(in.ResourceId) {
		return nil, errorf(http.StatusBadRequest, "InvalidInputException",
			"You provided a value that does not match the required pattern: ResourceId must be an account id, root, OU or policy id.")
	}
	i := slices.IndexFunc(c.srv.world.Accounts, func(a Account) bool { return string(a.ID) == in.ResourceId })
	if i < 0 {
		return nil, errorf(http.StatusBadRequest, "TargetNotFoundException", "We can't find a target with the TargetId that you specified.")
	}
	tags := c.srv.world.Accounts[i].Tags
	out := struct {
		Tags []orgTag
	}{Tags: []orgTag{}}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out.Tags = append(out.Tags, orgTag{Key: k, Value: tags[k]})
	}
	return out, nil
}

// tags checks Organizations' tag limits: at most 50 per resource, keys of
// 1–128 characters, values of at most 256.
func (v *validator) tags(p path, tags map[string]string) {
	if len(tags) > 50 {
		v.fail(p, "an account has at most 50 tags, got %d", len(tags))
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		switch {
		case k == "" || len(k) > 128:
			v.fail(p, "tag key %q must be 1 to 128 characters", k)
		case len(tags[k]) > 256:
			v.fail(p.key(k), "tag value must be at most 256 characters")
		}
	}
}
