package report

import (
	"strings"
	"testing"
)

// TestSecurityHubControlDocURL: a Security Hub control id links to its entry
// in the user guide's per-service controls page (L-1).
func TestSecurityHubControlDocURL(t *testing.T) {
	for in, want := range map[string]string{
		"S3.2":         "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-2",
		"CloudTrail.1": "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1",
		"EC2.19":       "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19",
		"CIS 3.1":      "",
		"S3.":          "",
		"javascript:1": "",
	} {
		if got := securityHubControlDocURL(in); got != want {
			t.Errorf("securityHubControlDocURL(%q) = %q, want %q", in, got, want)
		}
	}
	if got := referenceURL("https://docs.aws.amazon.com/x.html"); got != "https://docs.aws.amazon.com/x.html" {
		t.Errorf("an https reference is its own link, got %q", got)
	}
	if got := referenceURL("http://example.com/x"); got != "" {
		t.Errorf("a plain http reference is not linked, got %q", got)
	}
}

// TestConsoleURL: console deep links for findings, instances and trails, in
// the resource's own region (L-2 … L-5); nothing for other partitions or
// resources.
func TestConsoleURL(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:securityhub:us-east-1:222222222222:security-control/S3.2/finding/8beb6005-267c": "https://us-east-1.console.aws.amazon.com/securityhub/home?region=us-east-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Asecurityhub%253Aus-east-1%253A222222222222%253Asecurity-control%252FS3.2%252Ffinding%252F8beb6005-267c",
		"arn:aws:guardduty:eu-west-1:222222222222:detector/12abc/finding/d78d8846b318b8f4":       "https://eu-west-1.console.aws.amazon.com/guardduty/home?region=eu-west-1#/findings?macros=current&fId=d78d8846b318b8f4",
		"arn:aws:ec2:ap-northeast-1:444444444444:instance/i-0b05c7d3f0a2e4968":                   "https://ap-northeast-1.console.aws.amazon.com/ec2/home?region=ap-northeast-1#InstanceDetails:instanceId=i-0b05c7d3f0a2e4968",
		"arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail":                         "https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/trails/arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail",
		"arn:aws-cn:ec2:cn-north-1:444444444444:instance/i-0b05c7d3f0a2e4968":                    "",
		"arn:aws:ec2:evil.example.com/x:444444444444:instance/i-1":                               "",
		"arn:aws:s3:::bucket": "",
		"arn:aws:securityhub:us-east-1:111111111111:hub/default": "",
		"detector/12abc": "",
	} {
		if got := consoleURL(in); got != want {
			t.Errorf("consoleURL(%q) =\n%s\nwant\n%s", in, got, want)
		}
	}
}

func TestLinkify(t *testing.T) {
	text := "2 findings: arn:aws:ec2:us-east-1:1:instance/i-1, arn:aws:s3:::b and arn:aws:cloudtrail:us-east-1:1:trail/t."
	got := linkify(text)
	var joined string
	links := 0
	for _, p := range got {
		joined += p.Text
		if p.URL != "" {
			links++
		}
	}
	if joined != text || links != 2 {
		t.Errorf("linkify(%q) = %+v: %d links, text %q", text, got, links, joined)
	}
}

// TestHTMLFindingLinks: a finding-level result links its title to the
// finding's console page and its Security Hub control id to the user guide.
func TestHTMLFindingLinks(t *testing.T) {
	r := &Report{Results: []Result{
		{ControlID: "securityhub.critical_findings",
			Control: &ControlText{Service: "securityhub"}, Severity: SeverityCritical, Status: StatusFail, AccountID: "222222222222", Region: "us-east-1",
			Resource: "arn:aws:s3:::bucket", Message: "past its SLA",
			Finding: &Finding{ID: "arn:aws:securityhub:us-east-1:222222222222:security-control/S3.2/finding/8beb", Title: "S3 general purpose buckets should block public read access <b>", ControlID: "S3.2", Product: "Security Hub", SLADays: 7, SLADue: "2026-11-28", DaysOverdue: func() *int { n := 4; return &n }(), FirstObservedAt: "2026-11-21T10:00:00Z"}},
		{ControlID: "guardduty.high_findings",
			Control: &ControlText{Service: "guardduty"}, Severity: SeverityHigh, Status: StatusFail, AccountID: "222222222222", Region: "eu-west-1",
			Resource: "arn:aws:ec2:eu-west-1:222222222222:instance/i-0d52e8a91c7f3b640", Message: "past its SLA",
			Finding: &Finding{ID: "d78d8846b318b8f44bd695c14fb2fc5c", Title: "CryptoCurrency:EC2/BitcoinTool.B!DNS", ControlID: "CryptoCurrency:EC2/BitcoinTool.B!DNS", Product: "GuardDuty"}},
	}}
	r.Finalize()
	out := renderHTML(t, r)
	for _, want := range []string{
		`href="https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-2"`,
		`href="https://us-east-1.console.aws.amazon.com/securityhub/home?region=us-east-1#/findings?search=Id%3D%255Coperator`,
		`href="https://eu-west-1.console.aws.amazon.com/guardduty/home?region=eu-west-1#/findings?macros=current&amp;fId=d78d8846b318b8f44bd695c14fb2fc5c"`,
		`href="https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0d52e8a91c7f3b640"`,
		"public read access &lt;b&gt;",
		"SLA 7 days, due 2026-11-28 · 4 days overdue",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the page has no %s", want)
		}
	}
}
