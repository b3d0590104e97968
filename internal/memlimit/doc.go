// Package memlimit decides the process's soft memory limit and GC target
// for a scan. The library (checks, internal/scan) sets neither: they are
// the process's to choose, from the machine it runs on or a flag.
package memlimit
