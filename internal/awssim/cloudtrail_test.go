package awssim

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

const (
	orgTrailARN   = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	localTrailARN = "arn:aws:cloudtrail:us-east-1:111111111111:trail/local-trail"
	prodTrailARN  = "arn:aws:cloudtrail:eu-west-1:022222222222:trail/prod-trail"
)

func TestDescribeTrails(t *testing.T) {
	s := startTestWorld(t)
	tests := []struct {
		account, region string
		shadows         bool
		want            []string // TrailARN home-region multi-region organization
	}{
		{"111111111111", "us-east-1", true, []string{orgTrailARN + " us-east-1 true true", localTrailARN + " us-east-1 false false"}},
		{"111111111111", "eu-west-1", true, []string{orgTrailARN + " us-east-1 true true"}},
		{"111111111111", "eu-west-1", false, nil},
		{"022222222222", "us-east-1", true, []string{prodTrailARN + " eu-west-1 true false", orgTrailARN + " us-east-1 true true"}},
		{"022222222222", "eu-west-1", true, []string{prodTrailARN + " eu-west-1 true false", orgTrailARN + " us-east-1 true true"}},
		{"022222222222", "eu-west-1", false, []string{prodTrailARN + " eu-west-1 true false"}},
		{"444444444444", "us-east-1", true, []string{orgTrailARN + " us-east-1 true true"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/shadows=%t", tt.account, tt.region, tt.shadows), func(t *testing.T) {
			out, err := cloudtrail.NewFromConfig(configFor(s, tt.account, tt.region)).DescribeTrails(t.Context(),
				&cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(tt.shadows)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tr := range out.TrailList {
				got = append(got, fmt.Sprintf("%s %s %t %t", aws.ToString(tr.TrailARN), aws.ToString(tr.HomeRegion),
					aws.ToBool(tr.IsMultiRegionTrail), aws.ToBool(tr.IsOrganizationTrail)))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("trails:\n got %q\nwant %q", got, tt.want)
			}
		})
	}

	out, err := cloudtrail.NewFromConfig(configFor(s, "022222222222", "us-east-1")).DescribeTrails(t.Context(),
		&cloudtrail.DescribeTrailsInput{TrailNameList: []string{orgTrailARN}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TrailList) != 1 {
		t.Fatalf("trailNameList: got %d trails, want 1", len(out.TrailList))
	}
	org := out.TrailList[0]
	if aws.ToString(org.Name) != "org-trail" || aws.ToString(org.S3BucketName) != "org-trail-bucket" || !aws.ToBool(org.LogFileValidationEnabled) ||
		aws.ToString(org.KmsKeyId) == "" || aws.ToString(org.CloudWatchLogsLogGroupArn) != "arn:aws:logs:us-east-1:111111111111:log-group:org:*" {
		t.Errorf("org trail = %+v", org)
	}
}

func TestGetTrailStatus(t *testing.T) {
	s := startTestWorld(t)
	at := func(ago time.Duration) *time.Time { v := testNow.Add(-ago); return &v }
	tests := []struct {
		name, account, region, trail string
		logging                      bool
		delivered                    *time.Time
		deliveryError                string
		code                         string
	}{
		{"own trail by name", "111111111111", "us-east-1", "org-trail", true, at(10 * time.Minute), "", ""},
		{"own trail by ARN in another region", "111111111111", "eu-west-1", orgTrailARN, true, at(10 * time.Minute), "", ""},
		{"shadow trail by name", "111111111111", "eu-west-1", "org-trail", false, nil, "", "TrailNotFoundException"},
		{"org trail from a member", "022222222222", "us-east-1", orgTrailARN, true, at(10 * time.Minute), "", ""},
		{"org trail by name from a member", "022222222222", "us-east-1", "org-trail", false, nil, "", "TrailNotFoundException"},
		{"multi-region trail in its home region", "022222222222", "eu-west-1", prodTrailARN, true, at(20 * time.Minute), "", ""},
		{"multi-region trail in another region answers that region's delivery", "022222222222", "us-east-1", prodTrailARN, true, at(72 * time.Hour), "AccessDenied", ""},
		{"stopped trail", "111111111111", "us-east-1", localTrailARN, false, at(48 * time.Hour), "NoSuchBucket", ""},
		{"single-region trail elsewhere", "111111111111", "eu-west-1", localTrailARN, false, nil, "", "TrailNotFoundException"},
		{"another account's trail", "444444444444", "eu-west-1", prodTrailARN, false, nil, "", "TrailNotFoundException"},
		{"unknown trail", "111111111111", "us-east-1", "nope", false, nil, "", "TrailNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := cloudtrail.NewFromConfig(configFor(s, tt.account, tt.region)).GetTrailStatus(t.Context(),
				&cloudtrail.GetTrailStatusInput{Name: aws.String(tt.trail)})
			if tt.code != "" {
				wantError(t, err, tt.code, 400)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToBool(out.IsLogging) != tt.logging || !aws.ToTime(out.LatestDeliveryTime).Equal(aws.ToTime(tt.delivered)) ||
				aws.ToString(out.LatestDeliveryError) != tt.deliveryError {
				t.Errorf("status = logging %t delivered %v error %q, want %t %v %q", aws.ToBool(out.IsLogging),
					out.LatestDeliveryTime, aws.ToString(out.LatestDeliveryError), tt.logging, tt.delivered, tt.deliveryError)
			}
		})
	}

	out, err := cloudtrail.NewFromConfig(configFor(s, "111111111111", "us-east-1")).GetTrailStatus(t.Context(), &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToTime(out.LatestCloudWatchLogsDeliveryTime).Equal(testNow.Add(-5*time.Minute)) ||
		!aws.ToTime(out.StartLoggingTime).Equal(testNow.Add(-100*24*time.Hour)) {
		t.Errorf("CloudWatch delivery %v, start logging %v", out.LatestCloudWatchLogsDeliveryTime, out.StartLoggingTime)
	}
}

func TestGetEventSelectors(t *testing.T) {
	s := startTestWorld(t)
	tests := []struct {
		name, account, region, trail string
		want                         []string
	}{
		{"default selectors", "022222222222", "us-east-1", orgTrailARN, []string{"basic All true []"}},
		{"basic selectors", "022222222222", "us-east-1", prodTrailARN, []string{"basic WriteOnly true [kms.amazonaws.com rdsdata.amazonaws.com]", "basic ReadOnly false []"}},
		{"advanced selectors", "111111111111", "us-east-1", "local-trail", []string{"advanced reads eventCategory=[Management] readOnly=[true]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := cloudtrail.NewFromConfig(configFor(s, tt.account, tt.region)).GetEventSelectors(t.Context(),
				&cloudtrail.GetEventSelectorsInput{TrailName: aws.String(tt.trail)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, sel := range out.EventSelectors {
				got = append(got, fmt.Sprintf("basic %s %t %v", sel.ReadWriteType, aws.ToBool(sel.IncludeManagementEvents), sel.ExcludeManagementEventSources))
			}
			for _, sel := range out.AdvancedEventSelectors {
				line := "advanced " + aws.ToString(sel.Name)
				for _, f := range sel.FieldSelectors {
					line += fmt.Sprintf(" %s=%v", aws.ToString(f.Field), f.Equals)
				}
				got = append(got, line)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("selectors = %q, want %q", got, tt.want)
			}
		})
	}
	_, err := cloudtrail.NewFromConfig(configFor(s, "444444444444", "us-east-1")).GetEventSelectors(t.Context(),
		&cloudtrail.GetEventSelectorsInput{TrailName: aws.String("arn:aws:cloudtrail:us-east-1:444444444444:trail/none")})
	wantError(t, err, "TrailNotFoundException", 400)
}
