package cli

import (
	"math"
	"time"
)

// scanSeconds is the report's scan_seconds: the wall time from started (the
// start of discovery) to now, in seconds rounded to the millisecond, at
// least 0.001. Zero, which the report omits, when started is zero: the
// report was not produced by a scan (evaluate of a saved snapshot).
func scanSeconds(started, now time.Time) float64 {
	if started.IsZero() {
		return 0
	}
	return max(math.Round(now.Sub(started).Seconds()*1000)/1000, 0.001)
}
