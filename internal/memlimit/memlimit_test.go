package memlimit

import (
	"io/fs"
	"runtime/debug"
	"strings"
	"testing"
)

func files(m map[string]string) ReadFile {
	return func(p string) ([]byte, error) {
		if v, ok := m[p]; ok {
			return []byte(v), nil
		}
		return nil, fs.ErrNotExist
	}
}

func env(m map[string]string) Env {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const meminfo = "MemTotal:        8000000 kB\nMemFree:  100 kB\n"

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name      string
		spec      string
		env       map[string]string
		files     map[string]string
		wantLimit int64
		wantSrc   string
		wantErr   string
	}{
		{"cgroup v2", "auto", nil, map[string]string{"/sys/fs/cgroup/memory.max": "2147483648\n", "/proc/meminfo": meminfo}, 1610612736, "75% of the cgroup's memory.max 2.0 GiB", ""},
		{"cgroup v2 unlimited: the machine", "auto", nil, map[string]string{"/sys/fs/cgroup/memory.max": "max\n", "/proc/meminfo": meminfo}, 0, "", ""},
		{"cgroup v1", "auto", nil, map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "1073741824", "/proc/meminfo": meminfo}, 805306368, "cgroup's memory.limit_in_bytes", ""},
		{"cgroup v1 unlimited", "", nil, map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712", "/proc/meminfo": meminfo}, 6144000000, "machine's", ""},
		{"machine", "auto", nil, map[string]string{"/proc/meminfo": meminfo}, 6144000000, "75% of the machine's", ""},
		{"unknown", "auto", nil, nil, 0, "unknown", ""},
		{"GOMEMLIMIT wins over auto", "auto", map[string]string{"GOMEMLIMIT": "300MiB"}, map[string]string{"/proc/meminfo": meminfo}, 0, "GOMEMLIMIT=300MiB applies", ""},
		{"flag wins over GOMEMLIMIT", "1GiB", map[string]string{"GOMEMLIMIT": "300MiB"}, nil, 1 << 30, "--memory-limit", ""},
		{"off", "off", nil, map[string]string{"/proc/meminfo": meminfo}, 0, "--memory-limit off", ""},
		{"decimal units", "800MB", nil, nil, 800e6, "--memory-limit", ""},
		{"bad", "lots", nil, nil, 0, "", `--memory-limit: "lots" is not a size`},
		{"too small", "1MiB", nil, nil, 0, "", "below 64MiB"},
		{"negative", "-5GiB", nil, nil, 0, "", "is not a size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Decide(tc.spec, env(tc.env), files(tc.files))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "cgroup v2 unlimited: the machine" {
				tc.wantLimit, tc.wantSrc = 6144000000, "machine's"
			}
			if s.Limit != tc.wantLimit || !strings.Contains(s.String(), tc.wantSrc) {
				t.Errorf("got %d %q, want %d containing %q", s.Limit, s.String(), tc.wantLimit, tc.wantSrc)
			}
		})
	}
}

func TestParseSizeOverflow(t *testing.T) {
	if _, err := ParseSize("99999999999999TiB"); err == nil {
		t.Error("an overflowing size was accepted")
	}
}

// TestApplyRestores: the settings last for the scan, then the previous
// ones come back; GOGC set by the user is left alone.
func TestApplyRestores(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	gcBefore := debug.SetGCPercent(123)
	defer debug.SetGCPercent(gcBefore)
	restore := Apply(Setting{Limit: 3 << 30}, env(nil))
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("limit %d during the scan, want %d", got, int64(3<<30))
	}
	if got := debug.SetGCPercent(GCPercent); got != GCPercent {
		t.Errorf("GC target %d during the scan, want %d", got, GCPercent)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d after, want %d", got, before)
	}
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("GC target %d after, want 123", got)
	}
	Apply(Setting{}, env(map[string]string{"GOGC": "50"}))()
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("with GOGC set the GC target changed to %d", got)
	}
}
