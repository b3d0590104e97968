package ssm

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/baseline-scanner/baseline/checks"
)

// patchStateBatch is SSM's limit of instance ids per DescribeInstancePatchStates call.
const patchStateBatch = 50

// EC2API is exactly the EC2 call this collector makes.
type EC2API interface {
	ec2.DescribeInstancesAPIClient
}

// SSMAPI is exactly the Systems Manager calls this collector makes.
type SSMAPI interface {
	ssm.DescribeInstanceInformationAPIClient
	ssm.DescribeInstancePatchStatesAPIClient
}

// Collector is the Systems Manager collector.
type Collector struct{}

// New returns the Systems Manager collector.
func New() Collector { return Collector{} }

// Service implements checks.Collector.
func (Collector) Service() string { return "ssm" }

// Regional implements checks.Collector.
func (Collector) Regional() bool { return true }

// Collect implements checks.Collector.
func (Collector) Collect(ctx context.Context, t checks.Target) checks.AccountFacts {
	part := checks.AccountFacts{SSM: map[string]*checks.SSMRegion{}}
	for _, region := range t.Regions {
		ec2Client, ssmClient := clients(t, region)
		facts, errs := CollectRegion(ctx, ec2Client, ssmClient, t.AccountID, region)
		part.SSM[region] = facts
		part.Errors = append(part.Errors, errs...)
	}
	return part
}

// clients are the account's EC2 and SSM clients in region.
func clients(t checks.Target, region string) (*ec2.Client, *ssm.Client) {
	return ec2.NewFromConfig(t.Config, func(o *ec2.Options) { o.Region = region }),
		ssm.NewFromConfig(t.Config, func(o *ssm.Options) { o.Region = region })
}

// CollectRegion observes EC2 instances, managed nodes and patch states in one
// account and region. Patch states are read only for managed nodes, in
// batches of 50 ids.
func CollectRegion(ctx context.Context, ec2API EC2API, ssmAPI SSMAPI, accountID, region string) (facts *checks.SSMRegion, errs []checks.CollectionError) {
	facts = &checks.SSMRegion{}
	fail := func(svc, op string, err error) {
		errs = append(errs, checks.NewError(accountID, region, svc, op, err))
	}

	// EC2 instances and managed nodes are independent reads; patch states
	// depend on the nodes, and are read batch by batch as node pages arrive
	// (DescribeInstanceInformation pages hold 50 nodes, the patch-state
	// batch limit), in a two-stage pipeline that keeps each operation's
	// calls in order.
	var ec2Errs []checks.CollectionError
	ec2Done := make(chan struct{})
	go func() {
		defer close(ec2Done)
		facts.Instances, ec2Errs = describeInstances(ctx, ec2API, accountID, region)
	}()
	defer func() {
		<-ec2Done
		errs = append(ec2Errs, errs...)
	}()

	batches := make(chan []string, 4)
	var (
		states     = []checks.PatchState{}
		patchErr   error
		statesDone = make(chan struct{})
	)
	go func() {
		defer close(statesDone)
		for ids := range batches {
			if patchErr != nil {
				continue // drain
			}
			found, err := patchStates(ctx, ssmAPI, ids)
			if err != nil {
				patchErr = err
				continue
			}
			states = append(states, found...)
		}
	}()

	nodes := []checks.ManagedNode{}
	var nodesErr error
	var pending []string
	np := ssm.NewDescribeInstanceInformationPaginator(ssmAPI, &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(50)})
	for np.HasMorePages() {
		page, err := np.NextPage(ctx)
		if err != nil {
			nodesErr = err
			break
		}
		for _, n := range page.InstanceInformationList {
			nodes = append(nodes, checks.ManagedNode{
				InstanceID:   aws.ToString(n.InstanceId),
				PingStatus:   string(n.PingStatus),
				LastPingAt:   utc(n.LastPingDateTime),
				AgentVersion: aws.ToString(n.AgentVersion),
				PlatformType: string(n.PlatformType),
				ResourceType: string(n.ResourceType),
			})
			pending = append(pending, aws.ToString(n.InstanceId))
		}
		for len(pending) >= patchStateBatch {
			batches <- pending[:patchStateBatch:patchStateBatch]
			pending = pending[patchStateBatch:]
		}
	}
	if nodesErr == nil && len(pending) > 0 {
		batches <- pending
	}
	close(batches)
	<-statesDone
	if nodesErr != nil {
		// Without every node there is no complete patch picture either.
		fail("ssm", "DescribeInstanceInformation", nodesErr)
		return facts, errs
	}
	facts.ManagedNodes = nodes
	if patchErr != nil {
		fail("ssm", "DescribeInstancePatchStates", patchErr)
		return facts, errs
	}
	facts.PatchStates = states
	return facts, errs
}

// describeInstances reads the region's running and stopped EC2 instances;
// nil and the error when a page fails.
func describeInstances(ctx context.Context, ec2API EC2API, accountID, region string) ([]checks.EC2Instance, []checks.CollectionError) {
	instances := []checks.EC2Instance{}
	ip := ec2.NewDescribeInstancesPaginator(ec2API, &ec2.DescribeInstancesInput{
		Filters:    []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running", "stopped"}}},
		MaxResults: aws.Int32(1000),
	})
	for ip.HasMorePages() {
		page, err := ip.NextPage(ctx)
		if err != nil {
			return nil, []checks.CollectionError{checks.NewError(accountID, region, "ec2", "DescribeInstances", err)}
		}
		for _, r := range page.Reservations {
			for _, in := range r.Instances {
				instances = append(instances, compactInstance(in))
			}
		}
	}
	return instances, nil
}

// patchStates reads the patch states of up to patchStateBatch instances.
func patchStates(ctx context.Context, api SSMAPI, ids []string) ([]checks.PatchState, error) {
	var states []checks.PatchState
	pp := ssm.NewDescribeInstancePatchStatesPaginator(api, &ssm.DescribeInstancePatchStatesInput{InstanceIds: ids, MaxResults: aws.Int32(50)})
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range page.InstancePatchStates {
			states = append(states, checks.PatchState{
				InstanceID:                   aws.ToString(s.InstanceId),
				PatchGroup:                   aws.ToString(s.PatchGroup),
				MissingCount:                 int(s.MissingCount),
				FailedCount:                  int(s.FailedCount),
				InstalledPendingRebootCount:  int(aws.ToInt32(s.InstalledPendingRebootCount)),
				InstalledRejectedCount:       int(aws.ToInt32(s.InstalledRejectedCount)),
				CriticalNonCompliantCount:    int(aws.ToInt32(s.CriticalNonCompliantCount)),
				SecurityNonCompliantCount:    int(aws.ToInt32(s.SecurityNonCompliantCount)),
				OtherNonCompliantCount:       int(aws.ToInt32(s.OtherNonCompliantCount)),
				AvailableSecurityUpdateCount: int(aws.ToInt32(s.AvailableSecurityUpdateCount)),
				Operation:                    string(s.Operation),
				OperationEndTime:             utc(s.OperationEndTime),
			})
		}
	}
	return states, nil
}

func compactInstance(in ec2types.Instance) checks.EC2Instance {
	out := checks.EC2Instance{InstanceID: aws.ToString(in.InstanceId), Platform: aws.ToString(in.PlatformDetails)}
	if in.State != nil {
		out.State = string(in.State.Name)
	}
	for _, tag := range in.Tags {
		if aws.ToString(tag.Key) == "Name" {
			out.Name = aws.ToString(tag.Value)
		}
		if out.Tags == nil {
			out.Tags = map[string]string{}
		}
		out.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return out
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
