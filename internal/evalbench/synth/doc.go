// Package synth generates large, realistic snapshots for the evaluation
// benchmarks in policies and internal/evalbench.
package synth
