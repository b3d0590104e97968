package report

import (
	"strings"
	"time"
)

// sampleReport is a hand-made report that exercises every writer: three
// accounts, global and regional results, all statuses and severities, a
// waiver, a team, a collection error, HTML-hostile text and a long message.
func sampleReport() *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "baseline", Version: "1.2.3"},
		GeneratedAt:   time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC),
		Scope: Scope{
			Accounts: []string{"111111111111", "222222222222", "333333333333"},
			Regions:  []string{"eu-west-1", "us-east-1"},
		},
		Results: []Result{
			{
				ControlID: "securityhub.enabled",
				Control:   &ControlText{Title: "Security Hub is enabled", Service: "securityhub", Remediation: "Enable Security Hub in every region.", References: []string{"https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html"}},
				Severity:  SeverityHigh, Status: StatusPass,
				AccountID: "111111111111", AccountName: "prod", Region: "eu-west-1",
				Resource: "arn:aws:securityhub:eu-west-1:111111111111:hub/default",
				Message:  "Security Hub is enabled",
			},
			{
				ControlID: "securityhub.critical_findings",
				Control:   &ControlText{Title: "No overdue critical findings", Service: "securityhub", Remediation: "Resolve or suppress the findings.", References: []string{}},
				Severity:  SeverityCritical, Status: StatusFail,
				AccountID: "111111111111", AccountName: "prod", Region: "eu-west-1",
				Resource: "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0",
				Message:  "CRITICAL finding open 41 days (SLA 7 days): " + strings.TrimSuffix(strings.Repeat("EC2 instances should not have a public IPv4 address, ", 3), ", "),
				Team:     "storefront",
				Finding: &Finding{
					ID: "arn:aws:securityhub:eu-west-1:111111111111:security-control/EC2.9/finding/0f1e2d3c", Title: "EC2 instances should not have a public IPv4 address",
					Product: "Security Hub", ControlID: "EC2.9", Severity: "CRITICAL", FirstObservedAt: "2025-02-01T09:00:00Z",
					SLADays: 7, SLADue: "2025-02-08", DaysOverdue: ptrInt(34),
				},
			},
			{
				ControlID: "cloudtrail.multi_region_logging",
				Control:   &ControlText{Title: "A multi-region trail is logging", Service: "cloudtrail", Remediation: "Create a multi-region trail.", References: []string{"CIS 3.1", "CloudTrail.1"}},
				Severity:  SeverityHigh, Status: StatusPass,
				AccountID: "111111111111", AccountName: "prod", Region: "global",
				Resource: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
				Message:  "org-trail is multi-region and logging",
			},
			{
				ControlID: "cloudtrail.log_file_validation",
				Control:   &ControlText{Title: "Log file validation is enabled", Service: "cloudtrail", Remediation: "Enable log file validation on the trail.", References: []string{"CloudTrail.4"}},
				Severity:  SeverityLow, Status: StatusWaived,
				AccountID: "111111111111", AccountName: "prod", Region: "global",
				Resource: "arn:aws:cloudtrail:us-east-1:111111111111:trail/legacy",
				Message:  "log file validation is disabled",
				Waiver: &Waiver{
					Control: "cloudtrail.log_file_validation", Reason: "legacy trail, removed in Q2",
					Owner: "alice@example.com", Expires: "2025-06-30",
				},
			},
			{
				ControlID: "ssm.patch_compliant",
				Control:   &ControlText{Title: "Instances are patch compliant", Service: "ssm", Remediation: "Run AWS-RunPatchBaseline with Operation=Install.", References: []string{"SSM.2"}},
				Severity:  SeverityHigh, Status: StatusFail,
				AccountID: "111111111111", AccountName: "prod", Region: "us-east-1",
				Resource: "arn:aws:ec2:us-east-1:111111111111:instance/i-0fedcba9876543210",
				Message:  `instance tagged Name=<script>alert("x")</script> & co has 3 missing security patches`,
			},
			{
				ControlID: "ssm.agent_online",
				Control:   &ControlText{Title: "SSM agent is online", Service: "ssm", Remediation: "Check the agent and the instance's network path to SSM.", References: []string{}},
				Severity:  SeverityLow, Status: StatusFail,
				AccountID: "111111111111", AccountName: "prod", Region: "us-east-1",
				Resource: "arn:aws:ec2:us-east-1:111111111111:instance/i-0fedcba9876543210",
				Message:  "ping status is ConnectionLost",
			},
			{
				ControlID: "guardduty.enabled",
				Control:   &ControlText{Title: "GuardDuty is enabled", Service: "guardduty", Remediation: "Enable GuardDuty with a detector in every region.", References: []string{"GuardDuty.1"}},
				Severity:  SeverityHigh, Status: StatusError,
				AccountID: "222222222222", AccountName: "staging", Region: "eu-west-1",
				Resource: "arn:aws:guardduty:eu-west-1:222222222222:detector",
				Message:  "not observed: guardduty:ListDetectors failed with AccessDeniedException",
				Team:     "platform",
				Cause:    CauseCollectionError,
			},
			{
				ControlID: "guardduty.protection_plans",
				Control:   &ControlText{Title: "GuardDuty protection plans are enabled", Service: "guardduty", Remediation: "Enable the missing protection plans.", References: []string{"GuardDuty.5", "GuardDuty.11"}},
				Severity:  SeverityMedium, Status: StatusFail,
				AccountID: "222222222222", AccountName: "staging", Region: "us-east-1",
				Resource: "arn:aws:guardduty:us-east-1:222222222222:detector/12abc34d567e8fa901bc2d34e56789f0",
				Message:  "disabled:\n\tEKS_AUDIT_LOGS, RUNTIME_MONITORING\x1b[0m\u202e",
			},
			{
				ControlID: "cloudtrail.kms_encryption",
				Control:   &ControlText{Title: "CloudTrail logs are encrypted with KMS", Service: "cloudtrail", Remediation: "Encrypt the trail's log files with a KMS key.", References: []string{"CloudTrail.2"}},
				Severity:  SeverityMedium, Status: StatusNotApplicable,
				AccountID: "333333333333", AccountName: "", Region: "eu-west-1",
				Message: "no trail of this account is homed in this region",
			},
			{
				ControlID: "securityhub.standards",
				Control:   &ControlText{Title: "Required standards are enabled", Service: "securityhub", Remediation: "Subscribe to the required standards.", References: []string{}},
				Severity:  SeverityMedium, Status: StatusPass,
				AccountID: "333333333333", AccountName: "", Region: "eu-west-1",
				Resource: "arn:aws:securityhub:eu-west-1:333333333333:hub/default",
				Message:  "AWS FSBP and CIS 3.0 are READY",
			},
		},
		Coverage: []Coverage{
			{AccountID: "111111111111", Region: "eu-west-1", Service: "securityhub", State: CoverageEnabled},
			{AccountID: "222222222222", Region: "eu-west-1", Service: "guardduty", State: CoverageError},
			{AccountID: "222222222222", Region: "us-east-1", Service: "guardduty", State: CoverageEnabled},
			{AccountID: "333333333333", Region: "eu-west-1", Service: "guardduty", State: CoverageDisabled},
		},
		Errors: []Error{{
			AccountID: "222222222222", Region: "eu-west-1", Service: "guardduty", Operation: "ListDetectors",
			Code: "AccessDeniedException", Message: "User: arn:aws:sts::222222222222:assumed-role/audit/baseline is not authorized to perform: guardduty:ListDetectors",
		}},
	}
	r.Upcoming = []Upcoming{{
		ID:        ResultID("securityhub.high_findings", "111111111111", "eu-west-1", "arn:aws:s3:::acme-share", "arn:aws:securityhub:eu-west-1:111111111111:security-control/S3.8/finding/9a8b"),
		ControlID: "securityhub.high_findings", Severity: SeverityHigh, AccountID: "111111111111", AccountName: "prod", Region: "eu-west-1",
		Resource: "arn:aws:s3:::acme-share", Team: "platform",
		Finding: Finding{ID: "arn:aws:securityhub:eu-west-1:111111111111:security-control/S3.8/finding/9a8b", Title: "S3 general purpose buckets should block public access",
			Product: "Security Hub", ControlID: "S3.8", Severity: "HIGH", FirstObservedAt: "2025-03-01T00:00:00Z", SLADays: 30, SLADue: "2025-03-31", DaysOverdue: ptrInt(-17)},
	}}
	r.Finalize()
	return r
}

func ptrInt(n int) *int { return &n }
