package awssim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

func TestParseWorldErrors(t *testing.T) {
	const head = "accounts:\n  - id: \"111111111111\"\n    name: m\n    management: true\n"
	tests := []struct {
		name, doc, want string
	}{
		{"unknown field", head + "    regions:\n      us-east-1:\n        securityhub:\n          enabeld: true\n",
			`w.yaml:8:11: unknown field "enabeld"`},
		{"bad severity", head + "    regions:\n      us-east-1:\n        securityhub:\n          enabled: true\n          findings:\n            - title: t\n              severity: CRTICAL\n",
			`w.yaml:11:15: accounts[0].regions.us-east-1.securityhub.findings[0].severity: "CRTICAL" is not one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL`},
		{"short account id", "accounts:\n  - {id: \"11111111111\", name: m, management: true}\n",
			`w.yaml:2:6: accounts[0].id: account id "11111111111" is not 12 digits (quote ids that start with 0)`},
		{"unknown region", head + "    regions:\n      us-east-9: {}\n",
			`w.yaml:6:7: accounts[0].regions.us-east-9: unknown region "us-east-9"`},
		{"region not enabled", "regions: [us-east-1]\n" + head + "    regions:\n      eu-west-1: {}\n",
			`w.yaml:7:7: accounts[0].regions.eu-west-1: region "eu-west-1" is not in the world's regions (us-east-1)`},
		{"bad time", head + "    joined: yesterday\n",
			`w.yaml:5:5: accounts[0].joined: time "yesterday" is neither RFC 3339 nor relative like "3d", "36h", "+1h"`},
		{"syntax error", "accounts: [\n", "w.yaml:1:"},
		{"type mismatch", head + "    regions: [us-east-1]\n", "w.yaml:5:14: "},
		{"no management account", "accounts:\n  - {id: \"111111111111\", name: m}\n",
			`w.yaml:1:1: accounts: no account has management: true`},
		{"duplicate account", head + "  - {id: \"111111111111\", name: n}\n",
			`w.yaml:5:6: accounts[1].id: account 111111111111 is listed twice`},
		{"organization trail in a member", head + "  - id: \"222222222222\"\n    name: p\n    regions:\n      us-east-1:\n        cloudtrail:\n          trails:\n            - {name: t1t, s3_bucket: b, organization: true}\n",
			`w.yaml:11:41: accounts[1].regions.us-east-1.cloudtrail.trails[0].organization: only the management account can have an organization trail`},
		{"excluded source AWS does not accept", head + "    regions:\n      us-east-1:\n        cloudtrail:\n          trails:\n            - {name: t1t, s3_bucket: b, event_selectors: [{read_write_type: All, exclude_management_event_sources: [s3.amazonaws.com]}]}\n",
			`w.yaml:9:117: accounts[0].regions.us-east-1.cloudtrail.trails[0].event_selectors[0].exclude_management_event_sources[0]: "s3.amazonaws.com" is not one of kms.amazonaws.com, rdsdata.amazonaws.com`},
		{"bad instance id", head + "    regions:\n      us-east-1:\n        ec2:\n          instances:\n            - id: i-xyz\n",
			`w.yaml:9:15: accounts[0].regions.us-east-1.ec2.instances[0].id: instance id "i-xyz" is not like i-0123456789abcdef0`},
		{"bad fault rate", head + "faults:\n  - {service: ssm, code: AccessDeniedException, rate: 2}\n",
			`w.yaml:6:49: faults[0].rate: rate 2 is outside 0–1`},
		{"fault without effect", head + "faults:\n  - {service: ssm}\n",
			`w.yaml:6:6: faults[0]: a fault needs a code, a latency or both`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWorld(t.Context(), "w.yaml", []byte(tt.doc))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error:\n got %q\nwant %q (one line)", err, tt.want)
			}
		})
	}
}

func TestParseWorldJSON(t *testing.T) {
	doc := `{"regions": ["us-east-1"], "accounts": [{"id": "011111111111", "name": "m", "management": true,
	  "regions": {"us-east-1": {"securityhub": {"enabled": true}}}}]}`
	w, err := ParseWorld(t.Context(), "w.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	s := startWorld(t, w)
	if _, err := securityhub.NewFromConfig(configFor(s, "011111111111", "us-east-1")).DescribeHub(t.Context(), &securityhub.DescribeHubInput{}); err != nil {
		t.Fatal(err)
	}

	// Unquoted ids keep their leading zero instead of being read as octal.
	w, err = ParseWorld(t.Context(), "w.yaml", []byte("accounts:\n  - {id: 011111111111, name: m, management: true}\n"))
	if err != nil || w.Accounts[0].ID != "011111111111" {
		t.Fatalf("id = %v, err = %v", w, err)
	}
}

func TestLoadWorld(t *testing.T) {
	_, err := LoadWorld(t.Context(), filepath.Join(t.TempDir(), "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("err = %v, want one naming the file", err)
	}
	path := filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(path, []byte("accounts: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWorld(t.Context(), path); err == nil || !strings.HasPrefix(err.Error(), path+":1:") {
		t.Errorf("err = %v, want it to start with %s:1:", err, path)
	}
	if err := (&World{}).Validate(); err == nil || !strings.Contains(err.Error(), "at least one account") {
		t.Errorf("Validate() = %v", err)
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   Time
		want time.Time
		err  bool
	}{
		{"", time.Time{}, false},
		{"now", now, false},
		{"3d", now.Add(-72 * time.Hour), false},
		{"36h", now.Add(-36 * time.Hour), false},
		{"2d12h", now.Add(-60 * time.Hour), false},
		{"-90m", now.Add(-90 * time.Minute), false},
		{"+1h", now.Add(time.Hour), false},
		{"2025-03-04T05:06:07Z", time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC), false},
		{"2025-03-04T07:06:07+02:00", time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC), false},
		{"2025-03-04", time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC), false},
		{"2025-13-04T00:00:00Z", time.Time{}, true},
		{"3 days", time.Time{}, true},
		{"d", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in, now)
		if (err != nil) != tt.err || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v, error %t", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// TestSampleWorld checks the properties of the demo organization that the
// demo and the collectors' tests rely on.
func TestSampleWorld(t *testing.T) {
	w, err := SampleWorld()
	if err != nil {
		t.Fatal(err)
	}
	s := startWorld(t, w)

	accounts, err := organizations.NewFromConfig(configFor(s, "111111111111", "us-east-1")).ListAccounts(t.Context(), &organizations.ListAccountsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, a := range accounts.Accounts {
		states = append(states, aws.ToString(a.Id)+" "+aws.ToString(a.Name)+" "+string(a.State))
	}
	want := "111111111111 management ACTIVE,222222222222 prod ACTIVE,333333333333 staging ACTIVE,444444444444 sandbox ACTIVE,555555555555 legacy-analytics SUSPENDED"
	if got := strings.Join(states, ","); got != want {
		t.Errorf("accounts = %s\nwant %s", got, want)
	}
	if got := strings.Join(w.Regions, ","); got != "us-east-1,eu-west-1,ap-northeast-1" {
		t.Errorf("regions = %s", got)
	}

	_, err = ssm.NewFromConfig(configFor(s, "333333333333", "eu-west-1")).DescribeInstanceInformation(t.Context(), &ssm.DescribeInstanceInformationInput{})
	wantError(t, err, "AccessDeniedException", 403)
	_, err = ssm.NewFromConfig(configFor(s, "333333333333", "eu-west-1")).DescribeInstancePatchStates(t.Context(), &ssm.DescribeInstancePatchStatesInput{InstanceIds: []string{"i-06b0d2e8a5c7f9413"}})
	wantError(t, err, "AccessDeniedException", 403)

	_, err = securityhub.NewFromConfig(configFor(s, "333333333333", "ap-northeast-1")).DescribeHub(t.Context(), &securityhub.DescribeHubInput{})
	wantError(t, err, "InvalidAccessException", 401)
	detectors, err := guardduty.NewFromConfig(configFor(s, "444444444444", "eu-west-1")).ListDetectors(t.Context(), &guardduty.ListDetectorsInput{})
	if err != nil || len(detectors.DetectorIds) != 0 {
		t.Errorf("sandbox/eu-west-1 detectors = %v, %v; want none", detectors, err)
	}

	terminated, err := ec2.NewFromConfig(configFor(s, "444444444444", "us-east-1")).DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"terminated"}}},
	})
	if err != nil || len(terminated.Reservations) != 2 {
		t.Errorf("sandbox terminated instances = %v, %v; want 2", terminated, err)
	}
}
