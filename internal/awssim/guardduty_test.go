package awssim

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"
)

const testDetector = "0123456789abcdef0123456789abcdef"

func TestListDetectorsAndGetDetector(t *testing.T) {
	s := startTestWorld(t)
	tests := []struct {
		account, region string
		want            []string
	}{
		{"022222222222", "us-east-1", []string{testDetector}},
		{"022222222222", "eu-west-1", nil},
		{"111111111111", "us-east-1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.account+"/"+tt.region, func(t *testing.T) {
			client := guardduty.NewFromConfig(configFor(s, tt.account, tt.region))
			var got []string
			p := guardduty.NewListDetectorsPaginator(client, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(50)})
			for p.HasMorePages() {
				page, err := p.NextPage(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page.DetectorIds...)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("detectors = %q, want %q", got, tt.want)
			}
		})
	}

	client := guardduty.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	d, err := client.GetDetector(t.Context(), &guardduty.GetDetectorInput{DetectorId: aws.String(testDetector)})
	if err != nil {
		t.Fatal(err)
	}
	features := map[string]string{}
	for _, f := range d.Features {
		features[string(f.Name)] = string(f.Status)
	}
	want := map[string]string{
		"CLOUD_TRAIL": "ENABLED", "DNS_LOGS": "ENABLED", "FLOW_LOGS": "ENABLED", "S3_DATA_EVENTS": "ENABLED",
		"EKS_AUDIT_LOGS": "DISABLED", "EBS_MALWARE_PROTECTION": "DISABLED", "RDS_LOGIN_EVENTS": "DISABLED",
		"EKS_RUNTIME_MONITORING": "DISABLED", "LAMBDA_NETWORK_LOGS": "DISABLED", "RUNTIME_MONITORING": "ENABLED",
	}
	if d.Status != types.DetectorStatusEnabled || !maps.Equal(features, want) {
		t.Errorf("detector status %s features %v, want ENABLED %v", d.Status, features, want)
	}
	if aws.ToString(d.CreatedAt) != "2026-10-24T12:00:00.000Z" || d.FindingPublishingFrequency != types.FindingPublishingFrequencySixHours {
		t.Errorf("createdAt %s frequency %s", aws.ToString(d.CreatedAt), d.FindingPublishingFrequency)
	}

	_, err = client.GetDetector(t.Context(), &guardduty.GetDetectorInput{DetectorId: aws.String("ffffffffffffffffffffffffffffffff")})
	wantError(t, err, "BadRequestException", 400)
	_, err = client.ListDetectors(t.Context(), &guardduty.ListDetectorsInput{MaxResults: aws.Int32(51)})
	wantError(t, err, "BadRequestException", 400)
}

func TestGuardDutyFindings(t *testing.T) {
	s := startTestWorld(t)
	client := guardduty.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	unarchivedHigh := map[string]types.Condition{
		"service.archived": {Equals: []string{"false"}},
		"severity":         {GreaterThanOrEqual: aws.Int64(7)},
	}
	tests := []struct {
		name      string
		criterion map[string]types.Condition
		want      []string
	}{
		{"everything", nil, []string{"g1", "g2", "g3", "g4", "g5", "g6"}},
		{"unarchived high, current operators", unarchivedHigh, []string{"g2", "g4", "g5"}},
		{"unarchived high, old operators", map[string]types.Condition{
			"service.archived": {Eq: []string{"false"}},
			"severity":         {Gte: aws.Int32(7)},
		}, []string{"g2", "g4", "g5"}},
		{"archived", map[string]types.Condition{"service.archived": {Equals: []string{"true"}}}, []string{"g3"}},
		{"below high", map[string]types.Condition{"severity": {LessThan: aws.Int64(7)}}, []string{"g1", "g6"}},
		{"type not equal", map[string]types.Condition{"type": {NotEquals: []string{"Recon:EC2/PortProbeUnprotectedPort"}}, "severity": {Lt: aws.Int32(7)}}, []string{"g6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var criteria *types.FindingCriteria
			if tt.criterion != nil {
				criteria = &types.FindingCriteria{Criterion: tt.criterion}
			}
			p := guardduty.NewListFindingsPaginator(client, &guardduty.ListFindingsInput{
				DetectorId: aws.String(testDetector), FindingCriteria: criteria, MaxResults: aws.Int32(2),
			})
			var got []string
			for p.HasMorePages() {
				page, err := p.NextPage(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page.FindingIds...)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("finding ids = %q, want %q", got, tt.want)
			}
		})
	}

	stats, err := client.GetFindingsStatistics(t.Context(), &guardduty.GetFindingsStatisticsInput{
		DetectorId:            aws.String(testDetector),
		FindingStatisticTypes: []types.FindingStatisticType{types.FindingStatisticTypeCountBySeverity},
		FindingCriteria:       &types.FindingCriteria{Criterion: map[string]types.Condition{"service.archived": {Equals: []string{"false"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[string]int32{"2.0": 1, "8.0": 1, "9.5": 1, "7.0": 1, "5.5": 1}
	if !maps.Equal(stats.FindingStatistics.CountBySeverity, wantCounts) {
		t.Errorf("countBySeverity = %v, want %v", stats.FindingStatistics.CountBySeverity, wantCounts)
	}

	got, err := client.GetFindings(t.Context(), &guardduty.GetFindingsInput{DetectorId: aws.String(testDetector), FindingIds: []string{"g2", "g3", "g4", "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, f := range got.Findings {
		r := f.Resource
		id := ""
		switch {
		case r.InstanceDetails != nil:
			id = aws.ToString(r.InstanceDetails.InstanceId)
		case r.AccessKeyDetails != nil:
			id = aws.ToString(r.AccessKeyDetails.AccessKeyId)
		case len(r.S3BucketDetails) > 0:
			id = aws.ToString(r.S3BucketDetails[0].Name)
		}
		summary = append(summary, fmt.Sprintf("%s %s %s %.1f %s %s archived=%t count=%d %s",
			aws.ToString(f.Id), aws.ToString(f.AccountId), aws.ToString(f.Region), aws.ToFloat64(f.Severity),
			aws.ToString(r.ResourceType), id, aws.ToBool(f.Service.Archived), aws.ToInt32(f.Service.Count), aws.ToString(f.Arn)))
	}
	wantSummary := []string{
		"g2 022222222222 us-east-1 8.0 Instance i-0123456789abcdef0 archived=false count=5 arn:aws:guardduty:us-east-1:022222222222:detector/" + testDetector + "/finding/g2",
		"g3 022222222222 us-east-1 8.0 AccessKey AKIAEXAMPLE archived=true count=1 arn:aws:guardduty:us-east-1:022222222222:detector/" + testDetector + "/finding/g3",
		"g4 022222222222 us-east-1 9.5 S3Bucket some-bucket archived=false count=1 arn:aws:guardduty:us-east-1:022222222222:detector/" + testDetector + "/finding/g4",
	}
	if !slices.Equal(summary, wantSummary) {
		t.Errorf("findings:\n got %q\nwant %q", summary, wantSummary)
	}

	t.Run("errors", func(t *testing.T) {
		many := make([]string, 51)
		for i := range many {
			many[i] = fmt.Sprint("id", i)
		}
		_, err := client.GetFindings(t.Context(), &guardduty.GetFindingsInput{DetectorId: aws.String(testDetector), FindingIds: many})
		wantError(t, err, "BadRequestException", 400)
		_, err = client.ListFindings(t.Context(), &guardduty.ListFindingsInput{DetectorId: aws.String(testDetector), MaxResults: aws.Int32(51)})
		wantError(t, err, "BadRequestException", 400)
		_, err = client.ListFindings(t.Context(), &guardduty.ListFindingsInput{DetectorId: aws.String("ffffffffffffffffffffffffffffffff")})
		wantError(t, err, "BadRequestException", 400)
	})
}

// TestGetDetectorRegionalFeatures: GetDetector describes only the features
// the region offers (GD-12): RDS Protection is not offered in ap-east-2
// (GuardDuty's Regions and endpoints page), and a world may withhold others
// from a region. Additional configuration follows the world.
func TestGetDetectorRegionalFeatures(t *testing.T) {
	w, err := ParseWorld(t.Context(), "world.yaml", []byte(`
regions: [us-east-1, eu-west-1, ap-east-2]
guardduty_features_not_offered:
  eu-west-1: [LAMBDA_NETWORK_LOGS]
accounts:
  - id: "111111111111"
    name: management
    management: true
    regions:
      us-east-1:
        guardduty:
          detectors:
            - id: 0123456789abcdef0123456789abcdef
              features: {RDS_LOGIN_EVENTS: ENABLED, RUNTIME_MONITORING: ENABLED}
              additional_configuration:
                RUNTIME_MONITORING: {EC2_AGENT_MANAGEMENT: DISABLED}
      eu-west-1:
        guardduty:
          detectors:
            - {id: 0123456789abcdef0123456789abcde1, features: {LAMBDA_NETWORK_LOGS: ENABLED}}
      ap-east-2:
        guardduty:
          detectors:
            - {id: 0123456789abcdef0123456789abcde2, features: {RDS_LOGIN_EVENTS: ENABLED}}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := startWorld(t, w)
	describe := func(region, id string) (names []string, extra map[string]string) {
		t.Helper()
		d, err := guardduty.NewFromConfig(configFor(s, "111111111111", region)).GetDetector(t.Context(), &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		extra = map[string]string{}
		for _, f := range d.Features {
			names = append(names, string(f.Name))
			for _, c := range f.AdditionalConfiguration {
				extra[string(f.Name)+"/"+string(c.Name)] = string(c.Status)
			}
		}
		return names, extra
	}
	all := []string{"CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION",
		"RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}
	names, extra := describe("us-east-1", "0123456789abcdef0123456789abcdef")
	if !slices.Equal(names, all) {
		t.Errorf("us-east-1 features %q, want %q", names, all)
	}
	wantExtra := map[string]string{
		"EKS_RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT": "DISABLED",
		"RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT":     "ENABLED", "RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT": "ENABLED",
		"RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT": "DISABLED",
	}
	if !maps.Equal(extra, wantExtra) {
		t.Errorf("us-east-1 additional configuration %v, want %v", extra, wantExtra)
	}
	if names, _ := describe("ap-east-2", "0123456789abcdef0123456789abcde2"); slices.Contains(names, "RDS_LOGIN_EVENTS") || len(names) != len(all)-1 {
		t.Errorf("ap-east-2 features %q, want all but RDS_LOGIN_EVENTS", names)
	}
	if names, _ := describe("eu-west-1", "0123456789abcdef0123456789abcde1"); slices.Contains(names, "LAMBDA_NETWORK_LOGS") || len(names) != len(all)-1 {
		t.Errorf("eu-west-1 features %q, want all but LAMBDA_NETWORK_LOGS", names)
	}
}
