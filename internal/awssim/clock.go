package awssim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseTime resolves a world time against now. The zero Time is unset and
// resolves to the zero time.Time.
func parseTime(t Time, now time.Time) (time.Time, error) {
	s := strings.TrimSpace(string(t))
	switch {
	case s == "":
		return time.Time{}, nil
	case s == "now":
		return now, nil
	case len(s) >= 10 && s[4] == '-' && s[7] == '-':
		if abs, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return abs.UTC(), nil
		}
		if day, err := time.Parse(time.DateOnly, s); err == nil {
			return day.UTC(), nil
		}
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339 (2026-01-02T15:04:05Z)", s)
	}
	sign := -1 // bare and "-" durations are in the past: "3d" means three days ago
	if s[0] == '+' {
		sign = 1
	}
	d, err := parseDuration(strings.TrimLeft(s, "+-"))
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is neither RFC 3339 nor relative like \"3d\", \"36h\", \"+1h\"", s)
	}
	return now.Add(time.Duration(sign) * d), nil
}

// parseDuration reads a Go duration with an optional leading day count: "2d", "2d12h", "90m".
func parseDuration(s string) (time.Duration, error) {
	var total time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		days, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, err
		}
		total = time.Duration(days) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return total, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return total + d, nil
}

// resolve reads a time that validation has already accepted.
func (s *Server) resolve(t Time) time.Time {
	v, _ := parseTime(t, s.now)
	return v
}

// resolveOr reads a time, or returns def when it is unset.
func (s *Server) resolveOr(t Time, def time.Time) time.Time {
	if t == "" {
		return def
	}
	return s.resolve(t)
}
