package policies

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/evalbench/synth"
)

// benchSnapshot is accounts × 4 regions with 250 Security Hub findings per
// region (1,000 per account) and 25 instances per region.
func benchSnapshot(accounts int) *checks.Snapshot {
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-south-1"}
	var accts []checks.AccountFacts
	for a := range accounts {
		acct := healthyAccount(fmt.Sprintf("%012d", 100000000000+a), regions...)
		for _, r := range regions {
			hub := acct.SecurityHub[r]
			for f := range 250 {
				label := "HIGH"
				if f%5 == 0 {
					label = "CRITICAL"
				}
				hub.Findings = append(hub.Findings, checks.SecurityHubFinding{
					ID:            fmt.Sprintf("arn:aws:securityhub:%s:%s:finding/%d", r, acct.AccountID, f),
					Title:         "finding",
					SeverityLabel: label, RecordState: "ACTIVE", WorkflowStatus: "NEW", ComplianceStatus: "FAILED",
					ResourceType: "AwsS3Bucket", ResourceID: "arn:aws:s3:::b", GeneratorID: "security-control/S3.1",
					FirstObservedAt: collectedAt.Add(-time.Duration(f) * 24 * time.Hour),
					UpdatedAt:       collectedAt,
				})
			}
			ssm := acct.SSM[r]
			for i := range 24 {
				id := fmt.Sprintf("i-%s-%d", r, i)
				ssm.Instances = append(ssm.Instances, checks.EC2Instance{InstanceID: id, State: "running"})
				ssm.ManagedNodes = append(ssm.ManagedNodes, checks.ManagedNode{InstanceID: id, PingStatus: "Online", ResourceType: "EC2Instance"})
				ssm.PatchStates = append(ssm.PatchStates, checks.PatchState{InstanceID: id, Operation: "Scan", OperationEndTime: &collectedAt})
			}
		}
		accts = append(accts, acct)
	}
	return snapshot(accts...)
}

// BenchmarkEvaluate100Accounts evaluates 100 accounts with 100,000 findings;
// the 1,000-account target is ten times this.
func BenchmarkEvaluate100Accounts(b *testing.B) {
	e, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	snap := benchSnapshot(100)
	cfg := DefaultConfig()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Evaluate(context.Background(), snap, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate1000Accounts1MFindings evaluates the synthetic snapshot
// of the evalbench command: 1,000 accounts × 4 regions holding 1,000,000
// Security Hub findings. It runs only with -bench (generating the snapshot
// alone takes seconds); `go run ./internal/evalbench` measures the same
// work end to end, with peak memory and against opa eval.
func BenchmarkEvaluate1000Accounts1MFindings(b *testing.B) {
	benchmarkSynth(b, 1000, 1_000_000)
}

// BenchmarkEvaluate100Accounts100KFindings is the same at a tenth of the size.
func BenchmarkEvaluate100Accounts100KFindings(b *testing.B) {
	benchmarkSynth(b, 100, 100_000)
}

func benchmarkSynth(b *testing.B, accounts, findings int) {
	e, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	snap := synth.Snapshot(accounts, findings, 1)
	cfg := DefaultConfig()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Evaluate(context.Background(), snap, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(findings)*float64(b.N)/b.Elapsed().Seconds(), "findings/s")
}
