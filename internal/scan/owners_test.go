package scan_test

import (
	"testing"

	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/internal/teams"
	"github.com/baseline-scanner/baseline/report"
)

// ownersWorld: account 222… (team tag payments) has an instance tagged
// team=storefront and one untagged; its Security Hub has a critical finding
// on a bucket tagged team=data and one on an untagged bucket; its GuardDuty
// detectors are denied (ListDetectors) in us-east-1.
const ownersWorld = `
regions: [us-east-1, eu-west-1]
accounts:
  - id: "111111111111"
    name: management
    management: true
    tags: {team: platform}
  - id: "222222222222"
    name: prod
    tags: {team: payments}
    regions:
      us-east-1:
        ec2:
          instances:
            - {id: i-0a1b2c3d4e5f60718, state: running, tags: {Name: web, team: storefront}}
            - {id: i-0b1c2d3e4f5a60729, state: running, tags: {Name: batch}}
        securityhub:
          enabled: true
          standards:
            - arn: aws-foundational-security-best-practices/v/1.0.0
          findings:
            - {id: tagged, title: S3 general purpose buckets should block public access, control: S3.8, severity: CRITICAL, resource: {type: AwsS3Bucket, id: "arn:aws:s3:::data-lake", tags: {team: data}}, first_observed: 30d}
            - {id: untagged, title: S3 general purpose buckets should block public access, control: S3.8, severity: CRITICAL, resource: {type: AwsS3Bucket, id: "arn:aws:s3:::misc"}, first_observed: 30d}
faults:
  - {account: "222222222222", region: us-east-1, service: guardduty, operation: ListDetectors, code: AccessDeniedException}
`

func teamsByResource(rep *report.Report, control string) map[string]string {
	out := map[string]string{}
	for _, r := range rep.Results {
		if r.ControlID == control && r.AccountID == "222222222222" {
			out[r.Region+" "+r.Resource] = r.Team
		}
	}
	return out
}

// TestFindingResourceTeamFromItsTag: a finding whose resource carries a team
// tag in Resources[].Tags is owned by that team; one without, by the
// account's team.
func TestFindingResourceTeamFromItsTag(t *testing.T) {
	rep := scanWorld(t, ownersWorld, scan.Review{})
	got := teamsByResource(rep, "securityhub.critical_findings")
	if got["us-east-1 arn:aws:s3:::data-lake"] != "data" || got["us-east-1 arn:aws:s3:::misc"] != "payments" {
		t.Errorf("finding teams %v, want data-lake → data (its tag), misc → payments (the account's)", got)
	}
}

// TestInstanceTeamFromItsTag: an instance's team tag (DescribeInstances)
// owns its results over the account's team and over --teams; an untagged
// instance keeps the account's team, which --teams still maps.
func TestInstanceTeamFromItsTag(t *testing.T) {
	rep := scanWorld(t, ownersWorld, scan.Review{Teams: teams.Mapping{"222222222222": "mapped"}})
	got := teamsByResource(rep, "ssm.instances_managed")
	tagged, untagged := "", ""
	for res, team := range got {
		switch {
		case len(res) > 0 && res[len(res)-len("i-0a1b2c3d4e5f60718"):] == "i-0a1b2c3d4e5f60718":
			tagged = team
		case len(res) > 0 && res[len(res)-len("i-0b1c2d3e4f5a60729"):] == "i-0b1c2d3e4f5a60729":
			untagged = team
		}
	}
	if tagged != "storefront" || untagged != "mapped" {
		t.Errorf("instance teams %v: tagged %q, untagged %q; want storefront and mapped", got, tagged, untagged)
	}
}

// TestAccessDeniedIsOwnedByTheErrorOwner: an ERROR caused by a denied call
// is owned by the error owner (default platform, --error-owner), marked as
// a collection error, never listed under the account's team.
func TestAccessDeniedIsOwnedByTheErrorOwner(t *testing.T) {
	for _, tc := range []struct{ owner, want string }{{"", scan.DefaultErrorOwner}, {"cloud-ops", "cloud-ops"}} {
		rep := scanWorld(t, ownersWorld, scan.Review{ErrorOwner: tc.owner})
		n := 0
		for _, r := range rep.Results {
			// guardduty.org_auto_enable is judged from the administrator
			// only: NOT_APPLICABLE in a member, whatever its own calls do.
			if r.AccountID != "222222222222" || r.Region != "us-east-1" || r.Service() != "guardduty" || r.ControlID == "guardduty.org_auto_enable" {
				continue
			}
			n++
			if r.Status != report.StatusError || r.Cause != report.CauseCollectionError || r.Team != tc.want {
				t.Errorf("%s: status %s cause %q team %q, want ERROR collection_error %s", r.ControlID, r.Status, r.Cause, r.Team, tc.want)
			}
		}
		if n == 0 {
			t.Fatal("no guardduty result in the denied cell")
		}
		// A result that is not a collection error stays with its owner.
		for _, r := range rep.Results {
			if r.AccountID == "222222222222" && r.Cause == "" && r.Team == tc.want {
				t.Errorf("%s %s %s: owned by the error owner without a collection error", r.ControlID, r.Region, r.Resource)
			}
		}
	}
}
