package ssm_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/ssm"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

const (
	account = "111111111111"
	day     = 24 * time.Hour
	// defaultAgent is the agent version awssim reports when the world names none.
	defaultAgent = "3.3.1142.0"
	// patchRun is how long awssim's patch operations take when the world gives no end.
	patchRun = 4 * time.Minute
)

// world is a one-account organization whose us-east-1 state is regionYAML
// (indented under "us-east-1:").
func world(regionYAML string) string {
	return `
regions: [us-east-1]
accounts:
  - id: "111111111111"
    name: management
    management: true
    regions:
      us-east-1:
` + regionYAML
}

// healthy is two running instances, both managed, online and patched.
const healthy = `
        ec2:
          instances:
            - {id: i-0a1b2c3d4e5f60718, name: web-1, launched: 30d}
            - {id: i-0b1c2d3e4f5a60729, name: jumpbox, platform: Windows, launched: 90d}
        ssm:
          managed_nodes:
            - {id: i-0a1b2c3d4e5f60718, last_ping: 2m, patch: {patch_group: prod-linux, installed: 400, operation: Install, operation_start: 1d}}
            - {id: i-0b1c2d3e4f5a60729, platform_type: Windows, agent_version: 3.1.1080.0, last_ping: 4m, patch: {patch_group: prod-windows, installed: 120, available_security_update: 2, operation_start: 2d}}
`

func ago(d time.Duration) *time.Time {
	t := awssimtest.Now.Add(-d)
	return &t
}

var (
	healthyInstances = []checks.EC2Instance{
		{InstanceID: "i-0a1b2c3d4e5f60718", State: "running", Name: "web-1", Platform: "Linux/UNIX", Tags: map[string]string{"Name": "web-1"}},
		{InstanceID: "i-0b1c2d3e4f5a60729", State: "running", Name: "jumpbox", Platform: "Windows", Tags: map[string]string{"Name": "jumpbox"}},
	}
	healthyNodes = []checks.ManagedNode{
		{InstanceID: "i-0a1b2c3d4e5f60718", PingStatus: "Online", LastPingAt: ago(2 * time.Minute), AgentVersion: defaultAgent, PlatformType: "Linux", ResourceType: "EC2Instance"},
		{InstanceID: "i-0b1c2d3e4f5a60729", PingStatus: "Online", LastPingAt: ago(4 * time.Minute), AgentVersion: "3.1.1080.0", PlatformType: "Windows", ResourceType: "EC2Instance"},
	}
	healthyPatchStates = []checks.PatchState{
		{InstanceID: "i-0a1b2c3d4e5f60718", PatchGroup: "prod-linux", Operation: "Install", OperationEndTime: ago(day - patchRun)},
		{InstanceID: "i-0b1c2d3e4f5a60729", PatchGroup: "prod-windows", AvailableSecurityUpdateCount: 2, Operation: "Scan", OperationEndTime: ago(2*day - patchRun)},
	}
)

func facts(r checks.SSMRegion, errs ...checks.CollectionError) checks.AccountFacts {
	return checks.AccountFacts{SSM: map[string]*checks.SSMRegion{"us-east-1": &r}, Errors: errs}
}

func fault(service, op, code string) awssim.Fault {
	return awssim.Fault{Account: account, Region: "us-east-1", Service: service, Operation: op, Code: code, Message: "explicit deny of " + service + ":" + op}
}

func collectionError(service, op, code string) checks.CollectionError {
	return checks.CollectionError{AccountID: account, Region: "us-east-1", Service: service, Operation: op, Code: code, Message: "explicit deny of " + service + ":" + op}
}

func TestCollect(t *testing.T) {
	everyCall := map[string]int{"ec2 DescribeInstances": 1, "ssm DescribeInstanceInformation": 1, "ssm DescribeInstancePatchStates": 1}
	tests := []struct {
		name   string
		world  string
		faults []awssim.Fault
		want   checks.AccountFacts
		// calls are the requests in us-east-1, "service Operation" → count.
		calls map[string]int
	}{
		{
			name:  "pass: every instance managed, online and patched",
			world: world(healthy),
			want:  facts(checks.SSMRegion{Instances: healthyInstances, ManagedNodes: healthyNodes, PatchStates: healthyPatchStates}),
			calls: everyCall,
		},
		{
			name:  "pass: no instances and no nodes are empty lists",
			world: world("        ec2: {}\n"),
			want:  facts(checks.SSMRegion{Instances: []checks.EC2Instance{}, ManagedNodes: []checks.ManagedNode{}, PatchStates: []checks.PatchState{}}),
			calls: map[string]int{"ec2 DescribeInstances": 1, "ssm DescribeInstanceInformation": 1},
		},
		{
			// AWS's DescribeInstanceInformation leaves out nodes whose
			// instance is stopped (SSM-10), so the stopped batch instance's
			// node and patch state are not read.
			name: "fail: unmanaged, lost and unpatched nodes; terminated instances left out, stopped ones not managed nodes",
			world: world(`
        ec2:
          instances:
            - {id: i-0a1b2c3d4e5f60718, name: api-1}
            - {id: i-0c1d2e3f4a5b60730, name: unmanaged}
            - {id: i-0d1e2f3a4b5c60741, name: batch, state: stopped}
            - {id: i-0e1f2a3b4c5d60752, name: gone, state: terminated}
        ssm:
          managed_nodes:
            - id: i-0a1b2c3d4e5f60718
              last_ping: 1m
              patch: {patch_group: prod-linux, installed: 611, missing: 3, failed: 1, installed_pending_reboot: 2, installed_rejected: 5, critical_non_compliant: 1, security_non_compliant: 3, other_non_compliant: 4, operation_start: 1d}
            - id: i-0d1e2f3a4b5c60741
              ping_status: ConnectionLost
              agent_version: 3.2.582.0
              last_ping: 19d
              patch: {patch_group: prod-linux, installed: 377, operation_start: 20d, operation_end: 19d}
            - id: mi-0a1b2c3d4e5f67890
              ping_status: Inactive
              last_ping: 45d
`),
			want: facts(checks.SSMRegion{
				Instances: []checks.EC2Instance{
					{InstanceID: "i-0a1b2c3d4e5f60718", State: "running", Name: "api-1", Platform: "Linux/UNIX", Tags: map[string]string{"Name": "api-1"}},
					{InstanceID: "i-0c1d2e3f4a5b60730", State: "running", Name: "unmanaged", Platform: "Linux/UNIX", Tags: map[string]string{"Name": "unmanaged"}},
					{InstanceID: "i-0d1e2f3a4b5c60741", State: "stopped", Name: "batch", Platform: "Linux/UNIX", Tags: map[string]string{"Name": "batch"}},
				},
				ManagedNodes: []checks.ManagedNode{
					{InstanceID: "i-0a1b2c3d4e5f60718", PingStatus: "Online", LastPingAt: ago(time.Minute), AgentVersion: defaultAgent, PlatformType: "Linux", ResourceType: "EC2Instance"},
					{InstanceID: "mi-0a1b2c3d4e5f67890", PingStatus: "Inactive", LastPingAt: ago(45 * day), AgentVersion: defaultAgent, PlatformType: "Linux", ResourceType: "ManagedInstance"},
				},
				PatchStates: []checks.PatchState{
					{
						InstanceID: "i-0a1b2c3d4e5f60718", PatchGroup: "prod-linux", MissingCount: 3, FailedCount: 1, InstalledPendingRebootCount: 2,
						InstalledRejectedCount: 5, CriticalNonCompliantCount: 1, SecurityNonCompliantCount: 3, OtherNonCompliantCount: 4,
						Operation: "Scan", OperationEndTime: ago(day - patchRun),
					},
				},
			}),
			calls: everyCall,
		},
		{
			name:   "error: DescribeInstanceInformation denied, instances intact, no patch states asked",
			world:  world(healthy),
			faults: []awssim.Fault{fault("ssm", "DescribeInstanceInformation", "AccessDeniedException")},
			want: facts(checks.SSMRegion{Instances: healthyInstances},
				collectionError("ssm", "DescribeInstanceInformation", "AccessDeniedException")),
			calls: map[string]int{"ec2 DescribeInstances": 1, "ssm DescribeInstanceInformation": 1},
		},
		{
			name:   "error: DescribeInstancePatchStates denied, nodes intact",
			world:  world(healthy),
			faults: []awssim.Fault{fault("ssm", "DescribeInstancePatchStates", "AccessDeniedException")},
			want: facts(checks.SSMRegion{Instances: healthyInstances, ManagedNodes: healthyNodes},
				collectionError("ssm", "DescribeInstancePatchStates", "AccessDeniedException")),
			calls: everyCall,
		},
		{
			name:   "error: DescribeInstances unauthorized, SSM facts intact",
			world:  world(healthy),
			faults: []awssim.Fault{fault("ec2", "DescribeInstances", "UnauthorizedOperation")},
			want: facts(checks.SSMRegion{ManagedNodes: healthyNodes, PatchStates: healthyPatchStates},
				collectionError("ec2", "DescribeInstances", "UnauthorizedOperation")),
			calls: everyCall,
		},
		{
			name:  "error: DescribeInstanceInformation fails with 500 after every retry",
			world: world(healthy),
			faults: []awssim.Fault{{
				Account: account, Region: "us-east-1", Service: "ssm", Operation: "DescribeInstanceInformation",
				Code: "InternalServerError", Message: "An internal error occurred.",
			}},
			want: facts(checks.SSMRegion{Instances: healthyInstances}, checks.CollectionError{
				AccountID: account, Region: "us-east-1", Service: "ssm", Operation: "DescribeInstanceInformation",
				Code: "InternalServerError", Message: "An internal error occurred.",
			}),
			calls: map[string]int{"ec2 DescribeInstances": 1, "ssm DescribeInstanceInformation": awssimtest.MaxAttempts},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, cfg := awssimtest.Start(t, tt.world)
			for _, f := range tt.faults {
				if err := srv.AddFault(f); err != nil {
					t.Fatal(err)
				}
			}
			got := ssm.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
			awssimtest.Equal(t, "facts", got, tt.want)
			awssimtest.Equal(t, "calls", callsOf(t, srv), tt.calls)
		})
	}
}

// callsOf counts the requests in us-east-1 by "service Operation".
func callsOf(t *testing.T, srv *awssim.Server) map[string]int {
	t.Helper()
	calls := map[string]int{}
	for call, n := range srv.Calls().ByCall {
		if call.Account != account || call.Region != "us-east-1" {
			t.Errorf("unexpected call %+v", call)
			continue
		}
		calls[call.Service+" "+call.Operation] += n
	}
	return calls
}

// TestCollectPaginates reads 120 managed nodes in pages of 50 and their patch
// states in batches of at most 50 ids: three DescribeInstanceInformation and
// three DescribeInstancePatchStates calls, and one DescribeInstances page.
func TestCollectPaginates(t *testing.T) {
	t.Parallel()
	const n = 120
	var instances, nodes strings.Builder
	instances.WriteString("        ec2:\n          instances:\n")
	nodes.WriteString("        ssm:\n          managed_nodes:\n")
	var want checks.SSMRegion
	for i := range n {
		id := fmt.Sprintf("i-%017x", 0xa0000+i)
		fmt.Fprintf(&instances, "            - {id: %s, name: node-%03d}\n", id, i)
		fmt.Fprintf(&nodes, "            - {id: %s, last_ping: %dm, patch: {patch_group: fleet, missing: %d, operation_start: %dh}}\n", id, i+1, i%3, i+1)
		want.Instances = append(want.Instances, checks.EC2Instance{InstanceID: id, State: "running", Name: fmt.Sprintf("node-%03d", i), Platform: "Linux/UNIX", Tags: map[string]string{"Name": fmt.Sprintf("node-%03d", i)}})
		want.ManagedNodes = append(want.ManagedNodes, checks.ManagedNode{
			InstanceID: id, PingStatus: "Online", LastPingAt: ago(time.Duration(i+1) * time.Minute),
			AgentVersion: defaultAgent, PlatformType: "Linux", ResourceType: "EC2Instance",
		})
		want.PatchStates = append(want.PatchStates, checks.PatchState{
			InstanceID: id, PatchGroup: "fleet", MissingCount: i % 3, Operation: "Scan",
			OperationEndTime: ago(time.Duration(i+1)*time.Hour - patchRun),
		})
	}
	srv, cfg := awssimtest.Start(t, world(instances.String()+nodes.String()))
	got := ssm.New().Collect(t.Context(), checks.Target{AccountID: account, Regions: []string{"us-east-1"}, Config: cfg})
	awssimtest.Equal(t, "facts", got, facts(want))
	awssimtest.Equal(t, "calls", callsOf(t, srv), map[string]int{
		"ec2 DescribeInstances": 1, "ssm DescribeInstanceInformation": 3, "ssm DescribeInstancePatchStates": 3,
	})
}
