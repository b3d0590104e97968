package awssim

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

func TestDescribeHub(t *testing.T) {
	s := startTestWorld(t)
	tests := []struct {
		name, account, region string
		wantARN, code         string
	}{
		{"enabled", "022222222222", "us-east-1", "arn:aws:securityhub:us-east-1:022222222222:hub/default", ""},
		{"region without hub", "022222222222", "eu-west-1", "", "InvalidAccessException"},
		{"account without hub", "111111111111", "us-east-1", "", "InvalidAccessException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := securityhub.NewFromConfig(configFor(s, tt.account, tt.region)).DescribeHub(t.Context(), &securityhub.DescribeHubInput{})
			if tt.code != "" {
				wantError(t, err, tt.code, 401)
				if want := "Account " + tt.account + " is not subscribed to AWS Security Hub"; !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.HubArn) != tt.wantARN || aws.ToString(out.SubscribedAt) != "2025-01-01T00:00:00.000Z" {
				t.Errorf("hub = %s subscribed %s", aws.ToString(out.HubArn), aws.ToString(out.SubscribedAt))
			}
		})
	}
}

func TestGetEnabledStandards(t *testing.T) {
	s := startTestWorld(t)
	client := securityhub.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	p := securityhub.NewGetEnabledStandardsPaginator(client, &securityhub.GetEnabledStandardsInput{MaxResults: aws.Int32(2)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, sub := range page.StandardsSubscriptions {
			got = append(got, aws.ToString(sub.StandardsArn)+" "+string(sub.StandardsStatus)+" "+aws.ToString(sub.StandardsSubscriptionArn))
		}
	}
	want := []string{
		"arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0 READY arn:aws:securityhub:us-east-1:022222222222:subscription/aws-foundational-security-best-practices/v/1.0.0",
		"arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0 PENDING arn:aws:securityhub:us-east-1:022222222222:subscription/cis-aws-foundations-benchmark/v/1.4.0",
		"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0 READY arn:aws:securityhub:us-east-1:022222222222:subscription/cis-aws-foundations-benchmark/v/1.2.0",
	}
	if pages != 2 || !slices.Equal(got, want) {
		t.Errorf("got %d pages:\n%q\nwant 2 pages:\n%q", pages, got, want)
	}

	_, err := client.GetEnabledStandards(t.Context(), &securityhub.GetEnabledStandardsInput{MaxResults: aws.Int32(101)})
	wantError(t, err, "InvalidInputException", 400)
	_, err = securityhub.NewFromConfig(configFor(s, "022222222222", "eu-west-1")).GetEnabledStandards(t.Context(), &securityhub.GetEnabledStandardsInput{})
	wantError(t, err, "InvalidAccessException", 401)
}

// collectorFilters are the filters the Security Hub collector sends.
func collectorFilters() *types.AwsSecurityFindingFilters {
	eq := func(values ...string) []types.StringFilter {
		var fs []types.StringFilter
		for _, v := range values {
			fs = append(fs, types.StringFilter{Comparison: types.StringFilterComparisonEquals, Value: aws.String(v)})
		}
		return fs
	}
	return &types.AwsSecurityFindingFilters{
		RecordState:      eq("ACTIVE"),
		WorkflowStatus:   eq("NEW", "NOTIFIED"),
		SeverityLabel:    eq("CRITICAL", "HIGH"),
		ComplianceStatus: []types.StringFilter{{Comparison: types.StringFilterComparisonNotEquals, Value: aws.String("PASSED")}},
	}
}

func TestGetFindingsFilters(t *testing.T) {
	s := startTestWorld(t)
	client := securityhub.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	sf := func(cmp types.StringFilterComparison, v string) types.StringFilter {
		return types.StringFilter{Comparison: cmp, Value: aws.String(v)}
	}
	tests := []struct {
		name    string
		filters *types.AwsSecurityFindingFilters
		want    []string
	}{
		{"no filter", nil, []string{"f-crit-old", "f-crit-new", "f-crit-passed", "f-crit-archived", "f-crit-suppressed", "f-high-notified", "f-high-new", "f-medium", "f-low"}},
		{"the collector's filters", collectorFilters(), []string{"f-crit-old", "f-crit-new", "f-high-notified", "f-high-new"}},
		{"account id", &types.AwsSecurityFindingFilters{AwsAccountId: []types.StringFilter{sf(types.StringFilterComparisonEquals, "022222222222")}, SeverityLabel: []types.StringFilter{sf(types.StringFilterComparisonEquals, "LOW")}}, []string{"f-low"}},
		{"other account", &types.AwsSecurityFindingFilters{AwsAccountId: []types.StringFilter{sf(types.StringFilterComparisonEquals, "111111111111")}}, nil},
		{"prefix", &types.AwsSecurityFindingFilters{Id: []types.StringFilter{sf(types.StringFilterComparisonPrefix, "f-high")}}, []string{"f-high-notified", "f-high-new"}},
		{"not equals AND-ed", &types.AwsSecurityFindingFilters{SeverityLabel: []types.StringFilter{
			sf(types.StringFilterComparisonNotEquals, "CRITICAL"), sf(types.StringFilterComparisonNotEquals, "HIGH")}}, []string{"f-medium", "f-low"}},
		{"control id", &types.AwsSecurityFindingFilters{ComplianceSecurityControlId: []types.StringFilter{sf(types.StringFilterComparisonEquals, "EC2.7")}}, []string{"f-medium"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := securityhub.NewGetFindingsPaginator(client, &securityhub.GetFindingsInput{Filters: tt.filters, MaxResults: aws.Int32(3)})
			var got []string
			for p.HasMorePages() {
				page, err := p.NextPage(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range page.Findings {
					got = append(got, aws.ToString(f.Id))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ids = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGetFindingsASFF(t *testing.T) {
	s := startTestWorld(t)
	client := securityhub.NewFromConfig(configFor(s, "022222222222", "us-east-1"))
	out, err := client.GetFindings(t.Context(), &securityhub.GetFindingsInput{Filters: &types.AwsSecurityFindingFilters{
		Id: []types.StringFilter{{Comparison: types.StringFilterComparisonEquals, Value: aws.String("f-high-notified")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Findings) != 1 {
		t.Fatalf("got %d findings, want 1", len(out.Findings))
	}
	f := out.Findings[0]
	first := testNow.Add(-40 * 24 * time.Hour).Format("2006-01-02T15:04:05.000Z")
	got := []string{
		aws.ToString(f.ProductArn), aws.ToString(f.GeneratorId), aws.ToString(f.AwsAccountId), aws.ToString(f.Region),
		aws.ToString(f.Title), string(f.Severity.Label), string(f.RecordState), string(f.Workflow.Status),
		string(f.Compliance.Status), aws.ToString(f.Compliance.SecurityControlId),
		aws.ToString(f.Resources[0].Type), aws.ToString(f.FirstObservedAt), aws.ToString(f.UpdatedAt), aws.ToString(f.SchemaVersion),
	}
	want := []string{
		"arn:aws:securityhub:us-east-1::product/aws/securityhub", "security-control/EC2.18", "022222222222", "us-east-1",
		"high notified", "HIGH", "ACTIVE", "NOTIFIED", "FAILED", "EC2.18",
		"AwsAccount", first, first, "2018-10-08",
	}
	if !slices.Equal(got, want) {
		t.Errorf("finding fields:\n got %q\nwant %q", got, want)
	}
	if aws.ToInt32(f.Severity.Normalized) != 70 {
		t.Errorf("Normalized = %d, want 70", aws.ToInt32(f.Severity.Normalized))
	}

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name string
			in   *securityhub.GetFindingsInput
		}{
			{"page too large", &securityhub.GetFindingsInput{MaxResults: aws.Int32(101)}},
			{"bad token", &securityhub.GetFindingsInput{NextToken: aws.String("garbage")}},
			{"bad comparison", &securityhub.GetFindingsInput{Filters: &types.AwsSecurityFindingFilters{
				Id: []types.StringFilter{{Comparison: "SOUNDS_LIKE", Value: aws.String("x")}}}}},
			{"filter not simulated", &securityhub.GetFindingsInput{Filters: &types.AwsSecurityFindingFilters{
				ProductName: []types.StringFilter{{Comparison: types.StringFilterComparisonEquals, Value: aws.String("x")}}}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := client.GetFindings(t.Context(), tt.in)
				wantError(t, err, "InvalidInputException", 400)
			})
		}
	})
}
