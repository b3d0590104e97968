package cloudtrail_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

// orgTrail is the management account's organization trail, write-only.
const orgTrail = `
      us-east-1:
        cloudtrail:
          trails:
            - name: org-trail
              organization: true
              multi_region: true
              s3_bucket: acme-org-cloudtrail
              log_file_validation: true
              logging: true
              latest_delivery: 6m
              event_selectors:
                - read_write_type: WriteOnly
                  include_management_events: true
`

func orgTrailSeen(status *checks.TrailStatus, events *string, excluded []string, inScope bool, ownerErr string) checks.Trail {
	tr := checks.Trail{
		ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", Name: "org-trail", HomeRegion: "us-east-1",
		IsMultiRegion: true, IsOrganizationTrail: true, LogFileValidationEnabled: true, S3BucketName: "acme-org-cloudtrail",
		Status: status, ManagementEvents: events, ExcludedManagementEventSources: excluded,
		OwnerInScope: aws.Bool(inScope), OwnerFactsError: ownerErr,
	}
	if status != nil {
		s := *status
		tr.RegionStatuses = map[string]*checks.TrailStatus{"eu-west-1": &s}
	}
	return tr
}

// TestJoinOwnerFacts holds that a member's view of the organization trail
// carries the facts its owner read (never the member's own calls on it), and
// the owner's failure as the reason when they are missing.
func TestJoinOwnerFacts(t *testing.T) {
	regions := []string{"us-east-1", "eu-west-1"}
	logging := &checks.TrailStatus{IsLogging: true, LatestDeliveryTime: ago(6 * time.Minute)}
	tests := []struct {
		name       string
		faults     []awssim.Fault
		withOwner  bool // the management account is collected with the member
		ownerApart bool // ... or apart, as an owner outside the scan
		want       checks.Trail
	}{
		{
			name: "owner scanned: facts from the owner's collection", withOwner: true,
			want: orgTrailSeen(logging, aws.String("write"), []string{}, true, ""),
		},
		{
			name: "owner outside the scan: collected apart, judged in the member", ownerApart: true,
			want: orgTrailSeen(logging, aws.String("write"), []string{}, false, ""),
		},
		{
			name: "owner's selectors denied: the member's trail carries the reason", withOwner: true,
			faults: []awssim.Fault{{
				Account: management, Region: "us-east-1", Service: "cloudtrail", Operation: "GetEventSelectors",
				Code: "AccessDeniedException", Message: "explicit deny",
			}},
			want: func() checks.Trail {
				tr := orgTrailSeen(logging, nil, nil, true, "owner account 111111111111: cloudtrail:GetEventSelectors failed in us-east-1: AccessDeniedException: explicit deny")
				return tr
			}(),
		},
		{
			name: "owner's CloudTrail denied", ownerApart: true,
			faults: []awssim.Fault{{Account: management, Service: "cloudtrail", Code: "AccessDeniedException", Message: "SCP deny"}},
			want: orgTrailSeen(nil, nil, nil, false, "trails of owner account 111111111111 not observed: "+
				"cloudtrail:DescribeTrails failed in eu-west-1: AccessDeniedException: SCP deny; cloudtrail:DescribeTrails failed in us-east-1: AccessDeniedException: SCP deny"),
		},
		{
			name: "owner not collected",
			want: orgTrailSeen(nil, nil, nil, false, "owner account 111111111111 was not collected"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := awssimtest.Start(t, world(orgTrail))
			for _, f := range tt.faults {
				if err := srv.AddFault(f); err != nil {
					t.Fatal(err)
				}
			}
			target := func(id string) checks.Target {
				return checks.Target{AccountID: id, Regions: regions, Config: awssimtest.Config(srv, id)}
			}
			accounts := []checks.Target{target(member)}
			if tt.withOwner {
				accounts = append([]checks.Target{target(management)}, accounts...)
			}
			opts := checks.CollectOptions{Collectors: []checks.Collector{cloudtrail.New()}, Now: awssimtest.Clock}
			snap := checks.Collect(t.Context(), accounts, opts)

			var owners []checks.AccountFacts
			missing := cloudtrail.MissingOwners(snap)
			if tt.withOwner {
				awssimtest.Equal(t, "missing owners", missing, []string(nil))
			} else {
				awssimtest.Equal(t, "missing owners", missing, []string{management})
			}
			if tt.ownerApart {
				owners = checks.Collect(t.Context(), []checks.Target{target(management)}, opts).Accounts
			}
			scanned := func(id string) bool { return tt.withOwner && id == management || id == member }
			// The same join of a copy of the member from the owners'
			// OwnerFacts, as a scan that does not keep its accounts joins it.
			data, err := checks.EncodeAccount(&snap.Accounts[len(snap.Accounts)-1])
			if err != nil {
				t.Fatal(err)
			}
			kept, err := checks.DecodeAccount(data)
			if err != nil {
				t.Fatal(err)
			}
			awssimtest.Equal(t, "foreign owners", cloudtrail.ForeignOwners(&kept), []string{management})
			ownerFacts := map[string]checks.AccountFacts{}
			for _, a := range append(slices.Clone(snap.Accounts), owners...) {
				ownerFacts[a.AccountID] = cloudtrail.OwnerFacts(&a)
			}
			cloudtrail.JoinAccountOwnerFacts(&kept, func(id string) *checks.AccountFacts {
				if f, ok := ownerFacts[id]; ok {
					return &f
				}
				return nil
			}, scanned)
			cloudtrail.JoinOwnerFacts(snap, owners, scanned)

			m := snap.Accounts[len(snap.Accounts)-1]
			awssimtest.Equal(t, "member's trails", m.CloudTrail.Trails, []checks.Trail{tt.want})
			awssimtest.Equal(t, "member's trails joined from OwnerFacts", kept.CloudTrail.Trails, m.CloudTrail.Trails)
			awssimtest.Equal(t, "member's errors", m.Errors, []checks.CollectionError(nil))
			for call := range srv.Calls().ByCall {
				if call.Account == member && call.Operation != "DescribeTrails" {
					t.Errorf("member called %s: a member must not depend on reading another account's trail", call.Operation)
				}
			}
		})
	}
}

// TestJoinOwnerFactsOwnerUnreachable holds that an owner whose role could not
// be assumed leaves the member's trail without facts, with the STS failure
// as the reason, and that an owner's trail missing from its list is said so.
func TestJoinOwnerFactsOwnerUnreachable(t *testing.T) {
	const arn = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	memberView := func() checks.AccountFacts {
		return checks.AccountFacts{AccountID: member, CloudTrail: &checks.CloudTrailFacts{Trails: []checks.Trail{{
			ARN: arn, Name: "org-trail", HomeRegion: "us-east-1", IsMultiRegion: true, IsOrganizationTrail: true,
		}}}}
	}
	tests := []struct {
		name  string
		owner checks.AccountFacts
		want  string
	}{
		{
			name: "role not assumed",
			owner: checks.AccountFacts{AccountID: management, Errors: []checks.CollectionError{{
				AccountID: management, Region: checks.Global, Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: "not authorized",
			}}},
			want: "trails of owner account 111111111111 not observed: sts:AssumeRole failed in global: AccessDenied: not authorized",
		},
		{
			name:  "trail not listed by its owner",
			owner: checks.AccountFacts{AccountID: management, CloudTrail: &checks.CloudTrailFacts{Trails: []checks.Trail{}}},
			want:  "owner account 111111111111 does not list the trail",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := &checks.Snapshot{Accounts: []checks.AccountFacts{memberView()}}
			cloudtrail.JoinOwnerFacts(snap, []checks.AccountFacts{tt.owner}, func(string) bool { return false })
			got := snap.Accounts[0].CloudTrail.Trails[0]
			if got.OwnerFactsError != tt.want || got.Status != nil || got.ManagementEvents != nil || got.OwnerInScope == nil || *got.OwnerInScope {
				t.Errorf("trail = %+v, want no facts, owner not in scope, reason %q", got, tt.want)
			}
		})
	}
}

// TestJoinOwnerFactsNullRegionStatus: an owner's region status that is
// null (not observed there) stays null in the member's view, so that the
// region is judged unobserved rather than dropped; joining does not panic.
func TestJoinOwnerFactsNullRegionStatus(t *testing.T) {
	const arn = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	events := "all"
	owner := checks.AccountFacts{AccountID: management, CloudTrail: &checks.CloudTrailFacts{Trails: []checks.Trail{{
		ARN: arn, Name: "org-trail", HomeRegion: "us-east-1", IsMultiRegion: true, IsOrganizationTrail: true,
		Status: &checks.TrailStatus{IsLogging: true}, ManagementEvents: &events,
		RegionStatuses: map[string]*checks.TrailStatus{"eu-west-1": nil, "us-west-2": {IsLogging: true}},
	}}}}
	snap := &checks.Snapshot{Accounts: []checks.AccountFacts{{AccountID: member, CloudTrail: &checks.CloudTrailFacts{Trails: []checks.Trail{{
		ARN: arn, Name: "org-trail", HomeRegion: "us-east-1", IsMultiRegion: true, IsOrganizationTrail: true,
	}}}}}}
	cloudtrail.JoinOwnerFacts(snap, []checks.AccountFacts{owner}, func(string) bool { return false })
	got := snap.Accounts[0].CloudTrail.Trails[0]
	if s, ok := got.RegionStatuses["eu-west-1"]; !ok || s != nil || got.RegionStatuses["us-west-2"] == nil || !got.RegionStatuses["us-west-2"].IsLogging {
		t.Errorf("region statuses %v: want us-west-2 logging and eu-west-1 null", got.RegionStatuses)
	}
}
