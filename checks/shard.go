package checks

import "hash/fnv"

// Shard is the shard, in [0, n), an account belongs to: the 32-bit FNV-1a
// hash of its 12-digit id, mod n. It depends on nothing but the id and n,
// so every CI job of a matrix computes the same split, and an account
// added to the organization never moves the others.
func Shard(accountID string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(accountID))
	return int(h.Sum32() % uint32(n))
}
