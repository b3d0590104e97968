package memlimit

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
)

// GCPercent is the GC target a scan runs with unless GOGC is set: Go's
// default. Collection allocates fast (every call builds an SDK middleware
// stack and decodes a response) while holding little, but a higher target
// does not trade heap for CPU: the heap it lets grow is memory the process
// has not touched yet, and the kernel's page faults on it cost more than
// the GC cycles saved. The bench (100 accounts × 4 regions, same calls):
// 400% took 14 page faults and 827–863 ms of CPU per 1,000 calls at a
// 452–462 MB peak; 100% 7 faults and 714–725 ms at 226–242 MB.
const GCPercent = 100

// Fraction of the machine's (or container's) memory the soft limit takes
// by default: room for the stacks, the runtime and the rest of the pod.
const Fraction = 0.75

// Env looks up an environment variable (os.LookupEnv).
type Env func(string) (string, bool)

// ReadFile reads a file (os.ReadFile).
type ReadFile func(string) ([]byte, error)

// Setting is what Decide chose: the soft limit in bytes (0: none) and why.
type Setting struct {
	Limit  int64
	Source string
}

// String describes the setting for a status line.
func (s Setting) String() string {
	if s.Limit <= 0 {
		return "no soft memory limit (" + s.Source + ")"
	}
	return fmt.Sprintf("soft memory limit %s (%s)", Format(s.Limit), s.Source)
}

// Decide reads spec ("auto", "off", or a size such as 1536MiB or 2GiB)
// and returns the soft limit to set. With "auto": none when GOMEMLIMIT is
// set (the runtime already applies it), else Fraction of the container's
// cgroup limit (v2 memory.max, v1 memory.limit_in_bytes) or, when there is
// none, of the machine's MemTotal; none when neither can be read.
func Decide(spec string, env Env, read ReadFile) (Setting, error) {
	spec = strings.TrimSpace(spec)
	switch strings.ToLower(spec) {
	case "off", "none", "0":
		return Setting{Source: "--memory-limit " + spec}, nil
	case "auto", "":
	default:
		n, err := ParseSize(spec)
		if err != nil {
			return Setting{}, fmt.Errorf("--memory-limit: %w", err)
		}
		return Setting{Limit: n, Source: "--memory-limit"}, nil
	}
	if v, ok := env("GOMEMLIMIT"); ok && v != "" {
		return Setting{Source: "GOMEMLIMIT=" + v + " applies"}, nil
	}
	if n, src, ok := cgroupLimit(read); ok {
		return Setting{Limit: int64(float64(n) * Fraction), Source: fmt.Sprintf("%.0f%% of the %s %s", Fraction*100, src, Format(n))}, nil
	}
	if n, ok := memTotal(read); ok {
		return Setting{Limit: int64(float64(n) * Fraction), Source: fmt.Sprintf("%.0f%% of the machine's %s", Fraction*100, Format(n))}, nil
	}
	return Setting{Source: "the machine's memory is unknown"}, nil
}

// Apply sets the soft memory limit of s (when it has one) and the scan's GC
// target (unless GOGC is set), and returns a func that restores the
// previous ones (for a process that goes on after the scan, e.g. tests).
func Apply(s Setting, env Env) (restore func()) {
	prevLimit := debug.SetMemoryLimit(-1)
	prevGC := -2 // not changed
	if s.Limit > 0 {
		debug.SetMemoryLimit(s.Limit)
	}
	if v, ok := env("GOGC"); !ok || v == "" {
		prevGC = debug.SetGCPercent(GCPercent)
	}
	return func() {
		debug.SetMemoryLimit(prevLimit)
		if prevGC != -2 {
			debug.SetGCPercent(prevGC)
		}
	}
}

// cgroupLimit is the memory limit of the process's cgroup: v2's memory.max
// ("max" is none) or v1's memory.limit_in_bytes (a huge value is none).
func cgroupLimit(read ReadFile) (int64, string, bool) {
	if b, err := read("/sys/fs/cgroup/memory.max"); err == nil {
		v := strings.TrimSpace(string(b))
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return n, "cgroup's memory.max", true
		}
		return 0, "", false
	}
	if b, err := read("/sys/fs/cgroup/memory/memory.limit_in_bytes"); err == nil {
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		// v1 reports "no limit" as a page-rounded MaxInt64.
		if err == nil && n > 0 && n < math.MaxInt64/2 {
			return n, "cgroup's memory.limit_in_bytes", true
		}
	}
	return 0, "", false
}

// memTotal is /proc/meminfo's MemTotal in bytes.
func memTotal(read ReadFile) (int64, bool) {
	b, err := read("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || kb <= 0 {
				return 0, false
			}
			return kb * 1024, true
		}
	}
	return 0, false
}

var units = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"b", 1},
}

// ParseSize reads a size: digits with an optional unit (B, KB/MB/GB/TB in
// powers of 1000, KiB/MiB/GiB/TiB in powers of 1024; case-insensitive).
// The smallest accepted is 64MiB: less cannot hold a scan.
func ParseSize(s string) (int64, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size (e.g. 1536MiB, 2GiB, 800MB)", s)
	}
	if n*mult < 64<<20 {
		return 0, fmt.Errorf("%q is below 64MiB, too little to hold a scan", s)
	}
	return n * mult, nil
}

// Format writes bytes in the largest binary unit that keeps one decimal.
func Format(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 0, 64) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
