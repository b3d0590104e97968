package awssim

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// page is one page of a list: items [start, end) and the token for the rest.
type page struct {
	start, end int
	next       string // empty on the last page
}

// paginate cuts a list of n items into pages of size. Tokens are opaque and
// bound to the operation and account, as AWS's are; a foreign or malformed
// token yields badToken.
func paginate(c *call, n, size int, token string, badToken *apiError) (page, error) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		scope, offset, ok := strings.Cut(string(raw), "|")
		if err != nil || !ok || scope != tokenScope(c) {
			return page{}, badToken
		}
		start, err = strconv.Atoi(offset)
		if err != nil || start < 0 || start > n {
			return page{}, badToken
		}
	}
	end := min(start+size, n)
	p := page{start: start, end: end}
	if end < n {
		p.next = base64.RawURLEncoding.EncodeToString([]byte(tokenScope(c) + "|" + strconv.Itoa(end)))
	}
	return p, nil
}

func tokenScope(c *call) string {
	account := ""
	if c.account != nil {
		account = string(c.account.ID)
	}
	return "awssim:" + c.service + ":" + c.op + ":" + account + ":" + c.region
}

// ptr returns a pointer to v, or nil for the zero value, so that optional
// response fields are omitted.
func ptr[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// regionState is the caller's account state in the request's region; never nil.
func (c *call) regionState() *RegionState {
	if c.account != nil {
		if st := c.account.Regions[c.region]; st != nil {
			return st
		}
	}
	return &RegionState{}
}
