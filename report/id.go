package report

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// IDLength is the number of hex digits of a result id (64 bits).
const IDLength = 16

// ResultID is the stable id of a result: the first 16 hex digits of the
// SHA-256 of its canonical fields, control_id, account_id, region, resource
// and the finding id (finding.id; "" for a result that is not about one
// finding), each written as its length in bytes in decimal, a colon and the
// field's UTF-8 bytes, one after the other. For example control
// "ssm.managed", account "111111111111", region "eu-west-1", resource "i-1"
// and no finding hash "11:ssm.managed12:1111111111119:eu-west-13:i-10:".
// Status, message, team and every other field are left out, so the id of
// one check on one thing stays the same from scan to scan whatever the
// verdict; the length prefixes make the encoding unambiguous.
//
// The id is a string of its own 16 bytes, not a slice of the whole digest's
// hex: a report keeps one per result.
func ResultID(controlID, accountID, region, resource, findingID string) string {
	// The canonical bytes are built in one buffer on the stack and hashed
	// at once: a hash.Hash and its writes each escaped to the heap.
	var stack [512]byte
	b := stack[:0]
	for _, f := range [...]string{controlID, accountID, region, resource, findingID} {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
	}
	sum := sha256.Sum256(b)
	var id [IDLength]byte
	hex.Encode(id[:], sum[:IDLength/2])
	return string(id[:])
}

// StableID computes the result's id from its fields (see ResultID).
func (r *Result) StableID() string {
	var finding string
	if r.Finding != nil {
		finding = r.Finding.ID
	}
	return ResultID(r.ControlID, r.AccountID, r.Region, r.Resource, finding)
}

// AssignIDs sets the id of every result from its fields.
func AssignIDs(results []Result) {
	for i := range results {
		results[i].ID = results[i].StableID()
	}
}
