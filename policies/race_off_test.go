//go:build !race

package policies

// raceEnabled says whether the race detector is on: allocation counts are
// then its own.
const raceEnabled = false
