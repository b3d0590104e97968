package awssim

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func TestDescribeInstances(t *testing.T) {
	s := startTestWorld(t)
	client := ec2.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	tests := []struct {
		name    string
		filters []ec2types.Filter
		want    []string
	}{
		{"running and stopped", []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running", "stopped"}}},
			[]string{"i-00000000000000001 running web-1 Linux/UNIX", "i-00000000000000002 stopped web-2 Linux/UNIX", "i-00000000000000003 running web-3 Linux/UNIX",
				"i-00000000000000004 running web-4 Windows", "i-00000000000000005 running web-5 Linux/UNIX", "i-00000000000000008 running web-8 Linux/UNIX"}},
		{"terminated", []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"terminated"}}},
			[]string{"i-00000000000000006 terminated web-6 Linux/UNIX"}},
		{"tag", []ec2types.Filter{{Name: aws.String("tag:team"), Values: []string{"web"}}},
			[]string{"i-00000000000000001 running web-1 Linux/UNIX"}},
		{"no filter", nil, []string{
			"i-00000000000000001 running web-1 Linux/UNIX", "i-00000000000000002 stopped web-2 Linux/UNIX", "i-00000000000000003 running web-3 Linux/UNIX",
			"i-00000000000000004 running web-4 Windows", "i-00000000000000005 running web-5 Linux/UNIX", "i-00000000000000006 terminated web-6 Linux/UNIX",
			"i-00000000000000007 pending web-7 Linux/UNIX", "i-00000000000000008 running web-8 Linux/UNIX"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ec2.NewDescribeInstancesPaginator(client, &ec2.DescribeInstancesInput{Filters: tt.filters, MaxResults: aws.Int32(5)})
			var got []string
			for p.HasMorePages() {
				page, err := p.NextPage(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page.Reservations {
					if aws.ToString(r.OwnerId) != "022222222222" {
						t.Errorf("OwnerId = %s", aws.ToString(r.OwnerId))
					}
					for _, in := range r.Instances {
						name := ""
						for _, tag := range in.Tags {
							if aws.ToString(tag.Key) == "Name" {
								name = aws.ToString(tag.Value)
							}
						}
						got = append(got, fmt.Sprintf("%s %s %s %s", aws.ToString(in.InstanceId), in.State.Name, name, aws.ToString(in.PlatformDetails)))
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("instances:\n got %q\nwant %q", got, tt.want)
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name string
			in   *ec2.DescribeInstancesInput
			code string
		}{
			{"page too small", &ec2.DescribeInstancesInput{MaxResults: aws.Int32(4)}, "InvalidParameterValue"},
			{"page too large", &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1001)}, "InvalidParameterValue"},
			{"unknown filter", &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("flavour"), Values: []string{"x"}}}}, "InvalidParameterValue"},
			{"unknown instance", &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0fffffffffffffff0"}}, "InvalidInstanceID.NotFound"},
			{"bad token", &ec2.DescribeInstancesInput{NextToken: aws.String("x")}, "InvalidParameterValue"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := client.DescribeInstances(t.Context(), tt.in)
				wantError(t, err, tt.code, 400)
			})
		}
	})
}

func TestDescribeRegions(t *testing.T) {
	s := startTestWorld(t)
	client := ec2.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	out, err := client.DescribeRegions(t.Context(), &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Regions {
		got = append(got, aws.ToString(r.RegionName)+" "+aws.ToString(r.OptInStatus))
	}
	if want := []string{"eu-west-1 opt-in-not-required", "us-east-1 opt-in-not-required"}; !slices.Equal(got, want) {
		t.Errorf("regions = %q, want %q", got, want)
	}
	all, err := client.DescribeRegions(t.Context(), &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Regions) <= len(out.Regions) {
		t.Errorf("AllRegions listed %d regions, want more than the %d enabled", len(all.Regions), len(out.Regions))
	}
}

func TestDescribeInstanceInformation(t *testing.T) {
	s := startTestWorld(t)
	client := ssm.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	p := ssm.NewDescribeInstanceInformationPaginator(client, &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(5)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, n := range page.InstanceInformationList {
			got = append(got, fmt.Sprintf("%s %s %s %s", aws.ToString(n.InstanceId), n.PingStatus, n.ResourceType, n.PlatformType))
		}
	}
	want := []string{
		"i-00000000000000001 Online EC2Instance Linux", "i-00000000000000003 ConnectionLost EC2Instance Linux",
		"i-00000000000000004 Online EC2Instance Windows", "i-00000000000000005 Online EC2Instance Linux",
		"i-00000000000000007 Online EC2Instance Linux", "mi-0123456789abcdef0 Online ManagedInstance Linux",
	}
	if pages != 2 || !slices.Equal(got, want) {
		t.Errorf("got %d pages:\n%q\nwant 2:\n%q", pages, got, want)
	}

	out, err := client.DescribeInstanceInformation(t.Context(), &ssm.DescribeInstanceInformationInput{
		Filters: []ssmtypes.InstanceInformationStringFilter{{Key: aws.String("PingStatus"), Values: []string{"ConnectionLost"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.InstanceInformationList) != 1 {
		t.Fatalf("PingStatus filter: got %d nodes, want 1", len(out.InstanceInformationList))
	}
	lost := out.InstanceInformationList[0]
	if !aws.ToTime(lost.LastPingDateTime).Equal(testNow.Add(-5*24*time.Hour)) || aws.ToString(lost.AgentVersion) == "" || !aws.ToBool(lost.IsLatestVersion) {
		t.Errorf("node = %+v", lost)
	}

	for _, max := range []int32{4, 51} {
		_, err := client.DescribeInstanceInformation(t.Context(), &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(max)})
		wantError(t, err, "ValidationException", 400)
	}
	_, err = client.DescribeInstanceInformation(t.Context(), &ssm.DescribeInstanceInformationInput{NextToken: aws.String("stale")})
	wantError(t, err, "InvalidNextToken", 400)
}

// TestDescribeInstanceInformationOmitsStoppedInstances: AWS does not return
// nodes whose EC2 instance is stopped or terminated (API reference), whether
// listed or asked for by id; the patch states recorded for them remain.
func TestDescribeInstanceInformationOmitsStoppedInstances(t *testing.T) {
	w, err := ParseWorld(t.Context(), "world.yaml", []byte(`
regions: [us-east-1]
accounts:
  - id: "111111111111"
    name: management
    management: true
    regions:
      us-east-1:
        ec2:
          instances:
            - {id: i-0a000000000000001}
            - {id: i-0a000000000000002, state: stopped}
            - {id: i-0a000000000000003, state: terminated}
            - {id: i-0a000000000000004, state: stopping}
        ssm:
          managed_nodes:
            - {id: i-0a000000000000001}
            - {id: i-0a000000000000002, ping_status: ConnectionLost, patch: {missing: 1}}
            - {id: i-0a000000000000003, ping_status: ConnectionLost}
            - {id: i-0a000000000000004}
            - {id: mi-0123456789abcdef0}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := startWorld(t, w)
	client := ssm.NewFromConfig(configFor(s, "111111111111", "us-east-1"))
	out, err := client.DescribeInstanceInformation(t.Context(), &ssm.DescribeInstanceInformationInput{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range out.InstanceInformationList {
		got = append(got, aws.ToString(n.InstanceId))
	}
	if want := []string{"i-0a000000000000001", "i-0a000000000000004", "mi-0123456789abcdef0"}; !slices.Equal(got, want) {
		t.Errorf("nodes = %q, want %q", got, want)
	}
	out, err = client.DescribeInstanceInformation(t.Context(), &ssm.DescribeInstanceInformationInput{
		Filters: []ssmtypes.InstanceInformationStringFilter{{Key: aws.String("InstanceIds"), Values: []string{"i-0a000000000000002"}}},
	})
	if err != nil || len(out.InstanceInformationList) != 0 {
		t.Errorf("stopped instance by id: got %d nodes (error %v), want none", len(out.InstanceInformationList), err)
	}
	states, err := client.DescribeInstancePatchStates(t.Context(), &ssm.DescribeInstancePatchStatesInput{InstanceIds: []string{"i-0a000000000000002"}})
	if err != nil || len(states.InstancePatchStates) != 1 {
		t.Errorf("patch state of the stopped instance: got %+v (error %v), want it", states, err)
	}
}

func TestDescribeInstancePatchStates(t *testing.T) {
	s := startTestWorld(t)
	client := ssm.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	ids := []string{"i-00000000000000001", "i-00000000000000002", "i-00000000000000003", "mi-0123456789abcdef0", "i-0fffffffffffffff0"}
	p := ssm.NewDescribeInstancePatchStatesPaginator(client, &ssm.DescribeInstancePatchStatesInput{InstanceIds: ids, MaxResults: aws.Int32(10)})
	var got []string
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range page.InstancePatchStates {
			got = append(got, fmt.Sprintf("%s group=%q missing=%d reboot=%d %s end=%s",
				aws.ToString(st.InstanceId), aws.ToString(st.PatchGroup), st.MissingCount, aws.ToInt32(st.InstalledPendingRebootCount),
				st.Operation, aws.ToTime(st.OperationEndTime).Format(time.RFC3339)))
		}
	}
	want := []string{
		`i-00000000000000001 group="web" missing=2 reboot=0 Scan end=2026-11-21T12:04:00Z`,
		`i-00000000000000002 group="" missing=0 reboot=0 Install end=2026-11-04T12:00:00Z`,
		`mi-0123456789abcdef0 group="" missing=0 reboot=1 Scan end=2026-11-22T12:04:00Z`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("patch states:\n got %q\nwant %q", got, want)
	}

	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf("i-%017x", i)
	}
	_, err := client.DescribeInstancePatchStates(t.Context(), &ssm.DescribeInstancePatchStatesInput{InstanceIds: many})
	wantError(t, err, "ValidationException", 400)
	_, err = client.DescribeInstancePatchStates(t.Context(), &ssm.DescribeInstancePatchStatesInput{InstanceIds: ids, MaxResults: aws.Int32(101)})
	wantError(t, err, "ValidationException", 400)
}
