package main

import (
	"runtime/metrics"
	"strconv"
)

// ScanCost is what the scan process spent per API call: CPU (which the
// machine's load inflates) and the allocation and goroutine counts behind
// it (which it does not), so that a change in the scanner's cost per call
// can be told apart from a busy machine.
type ScanCost struct {
	CPUMSPer1000Calls float64 `json:"cpu_ms_per_1000_calls"`
	AllocKBPerCall    float64 `json:"alloc_kb_per_call"`
	AllocsPerCall     float64 `json:"allocs_per_call"`
	// GoroutinesPerCall counts every goroutine the scan started: the
	// scheduler's, the collectors', the HTTP transport's (two per new
	// connection) and the runtime's.
	GoroutinesPerCall float64 `json:"goroutines_per_call"`
	// PageFaultsPerCall are the minor page faults of the process (Linux):
	// fresh memory touched, a kernel cost the CPU profile does not show.
	PageFaultsPerCall float64 `json:"page_faults_per_call"`
	GCCycles          uint64  `json:"gc_cycles"`
}

// runtimeCounters are the cumulative runtime counters ScanCost is the
// difference of.
type runtimeCounters struct {
	allocBytes, allocObjects, goroutines, gcCycles, pageFaults uint64
}

var runtimeCounterNames = []string{
	"/gc/heap/allocs:bytes",
	"/gc/heap/allocs:objects",
	"/sched/goroutines-created:goroutines",
	"/gc/cycles/total:gc-cycles",
}

func readRuntimeCounters() runtimeCounters {
	s := make([]metrics.Sample, len(runtimeCounterNames))
	for i, n := range runtimeCounterNames {
		s[i].Name = n
	}
	metrics.Read(s)
	v := func(i int) uint64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0 // not supported by this Go release
		}
		return s[i].Value.Uint64()
	}
	return runtimeCounters{allocBytes: v(0), allocObjects: v(1), goroutines: v(2), gcCycles: v(3), pageFaults: minorFaults()}
}

// minorFaults is the process's minor page faults so far (the 10th field
// of /proc/self/stat); 0 where there is no such file.
func minorFaults() uint64 {
	fields := procStat()
	if len(fields) < 8 {
		return 0
	}
	n, _ := strconv.ParseUint(fields[7], 10, 64)
	return n
}

// scanCost is the cost per call of calls API calls that took cpuSeconds
// between the counters before and after.
func scanCost(before, after runtimeCounters, cpuSeconds float64, calls int) ScanCost {
	if calls <= 0 {
		return ScanCost{}
	}
	n := float64(calls)
	return ScanCost{
		CPUMSPer1000Calls: round(cpuSeconds*1000/n*1000, 1),
		AllocKBPerCall:    round(float64(after.allocBytes-before.allocBytes)/1024/n, 1),
		AllocsPerCall:     round(float64(after.allocObjects-before.allocObjects)/n, 1),
		GoroutinesPerCall: round(float64(after.goroutines-before.goroutines)/n, 2),
		PageFaultsPerCall: round(float64(after.pageFaults-before.pageFaults)/n, 2),
		GCCycles:          after.gcCycles - before.gcCycles,
	}
}
