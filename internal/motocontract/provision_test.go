package motocontract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Credentials of the management account. moto maps an access key it did not
// issue to its default account, 123456789012; keys issued by its
// sts:AssumeRole act in the role's account.
const (
	managementAccessKey = "AKIAMOTOCONTRACT0001"
	managementSecret    = "moto-contract-secret"
	managementAccount   = "123456789012"
)

// account is one provisioned account and credentials that act in it.
type account struct {
	id, name string
	cfg      aws.Config
}

// provisioner creates AWS resources in moto through the AWS SDK for Go.
type provisioner struct {
	endpoint string
}

// config is an SDK config for moto with the given credentials; nothing is
// read from the environment or shared files.
func (p *provisioner) config(creds aws.CredentialsProvider) aws.Config {
	return aws.Config{
		Region:           "us-east-1",
		Credentials:      creds,
		BaseEndpoint:     aws.String(p.endpoint),
		RetryMaxAttempts: 1,
	}
}

func (p *provisioner) management() account {
	return account{id: managementAccount, cfg: p.config(credentials.NewStaticCredentialsProvider(managementAccessKey, managementSecret, ""))}
}

// provisionFailure is how a provisioning step that runs on its own
// goroutine reports: t.Fatal may only be called from the test's goroutine,
// so steps panic with it and inParallel turns it into t.Fatal.
type provisionFailure struct{ msg string }

func (p *provisioner) must(what string, err error) {
	if err != nil {
		p.fatalf("provision %s: %v", what, err)
	}
}

func (p *provisioner) fatalf(format string, args ...any) {
	panic(provisionFailure{fmt.Sprintf(format, args...)})
}

// inParallel runs the steps side by side (moto's server is threaded) and
// fails the test, on the test's goroutine, with every step that failed.
func inParallel(t *testing.T, steps ...func()) {
	t.Helper()
	failures := make([]string, len(steps))
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					f, ok := r.(provisionFailure)
					if !ok {
						panic(r)
					}
					failures[i] = f.msg
				}
			}()
			step()
		})
	}
	wg.Wait()
	failed := false
	for _, f := range failures {
		if f != "" {
			t.Error(f)
			failed = true
		}
	}
	if failed {
		t.FailNow()
	}
}

// createAccount creates a member account from the management account and
// waits (bounded) for the request to succeed, as on AWS where CreateAccount
// is asynchronous.
func (p *provisioner) createAccount(ctx context.Context, orgs *organizations.Client, name string) string {
	out, err := orgs.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
	p.must("organizations:CreateAccount "+name, err)
	status := out.CreateAccountStatus
	for i := 0; status.State == orgtypes.CreateAccountStateInProgress; i++ {
		if i == 50 {
			p.fatalf("account %s still being created", name)
		}
		time.Sleep(100 * time.Millisecond)
		st, err := orgs.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: status.Id})
		p.must("organizations:DescribeCreateAccountStatus", err)
		status = st.CreateAccountStatus
	}
	if status.State != orgtypes.CreateAccountStateSucceeded {
		p.fatalf("create account %s: %s (%s)", name, status.State, status.FailureReason)
	}
	return aws.ToString(status.AccountId)
}

// assume returns credentials in a member account through the role AWS
// Organizations creates there, as the scan itself does.
func (p *provisioner) assume(ctx context.Context, mgmt account, id, name string) account {
	out, err := sts.NewFromConfig(mgmt.cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::" + id + ":role/OrganizationAccountAccessRole"),
		RoleSessionName: aws.String("moto-contract-provision"),
	})
	p.must("sts:AssumeRole into "+id, err)
	c := out.Credentials
	creds := credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return account{id: id, name: name, cfg: p.config(creds)}
}

// signed makes one SigV4-signed HTTP request with the SDK's signer, for the
// two services (S3, KMS) whose SDK clients the module does not otherwise
// need: a trail needs an existing bucket and a KMS key.
func (p *provisioner) signed(ctx context.Context, a account, service, region, method, path string, header map[string]string, body []byte) []byte {
	req, err := http.NewRequestWithContext(ctx, method, p.endpoint+path, bytes.NewReader(body))
	p.must(service+" request", err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	creds, err := a.cfg.Credentials.Retrieve(ctx)
	p.must("credentials", err)
	p.must(service+" signature", v4.NewSigner().SignHTTP(ctx, creds, req, hash, service, region, time.Now()))
	resp, err := http.DefaultClient.Do(req)
	p.must(service+" "+method+" "+path, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		p.fatalf("provision %s %s %s: %s: %s", service, method, path, resp.Status, out)
	}
	return out
}

// trailBucket creates an S3 bucket with the bucket policy CloudTrail
// requires of a trail's bucket (CreateTrail checks it on AWS).
func (p *provisioner) trailBucket(ctx context.Context, a account, bucket, region string) {
	var body []byte
	if region != "us-east-1" {
		body = []byte(`<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>` + region + `</LocationConstraint></CreateBucketConfiguration>`)
	}
	p.signed(ctx, a, "s3", region, http.MethodPut, "/"+bucket, nil, body)
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::%[1]s"},`+
		`{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/AWSLogs/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`, bucket)
	p.signed(ctx, a, "s3", region, http.MethodPut, "/"+bucket+"?policy", nil, []byte(policy))
}

// kmsKey creates a KMS key and returns its ARN.
func (p *provisioner) kmsKey(ctx context.Context, a account, region string) string {
	out := p.signed(ctx, a, "kms", region, http.MethodPost, "/", map[string]string{
		"X-Amz-Target": "TrentService.CreateKey",
		"Content-Type": "application/x-amz-json-1.1",
	}, []byte(`{"Description":"moto contract trail key"}`))
	var key struct{ KeyMetadata struct{ Arn string } }
	p.must("kms:CreateKey answer", json.Unmarshal(out, &key))
	if key.KeyMetadata.Arn == "" {
		p.fatalf("kms:CreateKey answered no key ARN: %s", out)
	}
	return key.KeyMetadata.Arn
}

// trail describes one trail to create.
type trail struct {
	name, region   string
	multiRegion    bool
	validation     bool
	kms            bool
	logging        bool
	selectors      []cttypes.EventSelector
	advanced       []cttypes.AdvancedEventSelector
	bucket         string
	cloudWatchLogs bool
}

// createTrail creates the trail (bucket and key first), puts its event
// selectors and starts logging; it returns the trail's ARN.
func (p *provisioner) createTrail(ctx context.Context, a account, tr trail) string {
	p.trailBucket(ctx, a, tr.bucket, tr.region)
	in := &cloudtrail.CreateTrailInput{
		Name:                       aws.String(tr.name),
		S3BucketName:               aws.String(tr.bucket),
		IsMultiRegionTrail:         aws.Bool(tr.multiRegion),
		EnableLogFileValidation:    aws.Bool(tr.validation),
		IncludeGlobalServiceEvents: aws.Bool(tr.multiRegion),
	}
	if tr.kms {
		in.KmsKeyId = aws.String(p.kmsKey(ctx, a, tr.region))
	}
	ct := cloudtrail.NewFromConfig(a.cfg, func(o *cloudtrail.Options) { o.Region = tr.region })
	out, err := ct.CreateTrail(ctx, in)
	p.must("cloudtrail:CreateTrail "+tr.name, err)
	if tr.selectors != nil || tr.advanced != nil {
		_, err := ct.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: out.TrailARN, EventSelectors: tr.selectors, AdvancedEventSelectors: tr.advanced})
		p.must("cloudtrail:PutEventSelectors "+tr.name, err)
	}
	if tr.logging {
		// By name: moto 5.2 answers 500 to StartLogging by ARN, which AWS
		// accepts.
		_, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: out.Name})
		p.must("cloudtrail:StartLogging "+tr.name, err)
	}
	return aws.ToString(out.TrailARN)
}

// enableSecurityHub subscribes the account to Security Hub in region with
// the default standards, as the console does.
func (p *provisioner) enableSecurityHub(ctx context.Context, a account, region string) {
	_, err := securityhub.NewFromConfig(a.cfg, func(o *securityhub.Options) { o.Region = region }).EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(true)})
	p.must("securityhub:EnableSecurityHub in "+a.id+" "+region, err)
}

// shFinding describes one ASFF finding to import.
type shFinding struct {
	id        string
	severity  shtypes.SeverityLabel
	age       time.Duration // since first observed
	workflow  shtypes.WorkflowStatus
	record    shtypes.RecordState
	compliant shtypes.ComplianceStatus // "" for a finding without a Compliance block
}

// importFindings imports findings as the account's own product (the
// default product ARN every account may import into).
func (p *provisioner) importFindings(ctx context.Context, a account, region string, now time.Time, findings ...shFinding) {
	var asff []shtypes.AwsSecurityFinding
	for _, f := range findings {
		first := now.Add(-f.age).UTC().Format("2006-01-02T15:04:05.000Z")
		finding := shtypes.AwsSecurityFinding{
			SchemaVersion:   aws.String("2018-10-08"),
			Id:              aws.String(f.id),
			ProductArn:      aws.String(fmt.Sprintf("arn:aws:securityhub:%s:%s:product/%s/default", region, a.id, a.id)),
			GeneratorId:     aws.String("moto-contract"),
			AwsAccountId:    aws.String(a.id),
			Region:          aws.String(region),
			Types:           []string{"Software and Configuration Checks/AWS Security Best Practices"},
			FirstObservedAt: aws.String(first),
			CreatedAt:       aws.String(first),
			UpdatedAt:       aws.String(now.UTC().Format("2006-01-02T15:04:05.000Z")),
			Severity:        &shtypes.Severity{Label: f.severity},
			Title:           aws.String(f.id),
			Description:     aws.String("imported by the moto contract test"),
			Resources:       []shtypes.Resource{{Type: aws.String("AwsAccount"), Id: aws.String("AWS::::Account:" + a.id)}},
			Workflow:        &shtypes.Workflow{Status: f.workflow},
			RecordState:     f.record,
		}
		if f.compliant != "" {
			finding.Compliance = &shtypes.Compliance{Status: f.compliant}
		}
		asff = append(asff, finding)
	}
	out, err := securityhub.NewFromConfig(a.cfg, func(o *securityhub.Options) { o.Region = region }).BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: asff})
	p.must("securityhub:BatchImportFindings", err)
	if aws.ToInt32(out.FailedCount) != 0 {
		p.fatalf("securityhub:BatchImportFindings failed %d finding(s): %+v", aws.ToInt32(out.FailedCount), out.FailedFindings)
	}
}

// detectorFeatures are the protection plans GuardDuty offers in the regions
// of the test; GetDetector lists each of them, DISABLED ones included.
var detectorFeatures = []gdtypes.DetectorFeature{
	gdtypes.DetectorFeatureS3DataEvents, gdtypes.DetectorFeatureEksAuditLogs, gdtypes.DetectorFeatureEbsMalwareProtection,
	gdtypes.DetectorFeatureRdsLoginEvents, gdtypes.DetectorFeatureLambdaNetworkLogs, gdtypes.DetectorFeatureRuntimeMonitoring,
}

// createDetector creates a GuardDuty detector with the given features
// ENABLED and every other offered one DISABLED, so that GetDetector shows
// what AWS shows (moto echoes only the features it was given).
// RUNTIME_MONITORING comes with its three agent-management configurations
// in the same status.
func (p *provisioner) createDetector(ctx context.Context, a account, region string, enable bool, enabled ...gdtypes.DetectorFeature) {
	var conf []gdtypes.DetectorFeatureConfiguration
	for _, f := range detectorFeatures {
		status := gdtypes.FeatureStatusDisabled
		if slices.Contains(enabled, f) {
			status = gdtypes.FeatureStatusEnabled
		}
		c := gdtypes.DetectorFeatureConfiguration{Name: f, Status: status}
		if f == gdtypes.DetectorFeatureRuntimeMonitoring {
			for _, add := range []gdtypes.FeatureAdditionalConfiguration{
				gdtypes.FeatureAdditionalConfigurationEksAddonManagement,
				gdtypes.FeatureAdditionalConfigurationEcsFargateAgentManagement,
				gdtypes.FeatureAdditionalConfigurationEc2AgentManagement,
			} {
				c.AdditionalConfiguration = append(c.AdditionalConfiguration, gdtypes.DetectorAdditionalConfiguration{Name: add, Status: status})
			}
		}
		conf = append(conf, c)
	}
	_, err := guardduty.NewFromConfig(a.cfg, func(o *guardduty.Options) { o.Region = region }).CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(enable), Features: conf})
	p.must("guardduty:CreateDetector in "+a.id+" "+region, err)
}

// runInstances starts n instances in region and stops the first `stopped`
// of them; it returns their ids.
func (p *provisioner) runInstances(ctx context.Context, a account, region string, names []string, stopped int) []string {
	client := ec2.NewFromConfig(a.cfg, func(o *ec2.Options) { o.Region = region })
	var ids []string
	for _, name := range names {
		out, err := client.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId:      aws.String(p.image(ctx, client)),
			InstanceType: ec2types.InstanceTypeT3Micro,
			MinCount:     aws.Int32(1),
			MaxCount:     aws.Int32(1),
			TagSpecifications: []ec2types.TagSpecification{{
				ResourceType: ec2types.ResourceTypeInstance,
				Tags:         []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}},
			}},
		})
		p.must("ec2:RunInstances", err)
		ids = append(ids, aws.ToString(out.Instances[0].InstanceId))
	}
	if stopped > 0 {
		_, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: ids[:stopped]})
		p.must("ec2:StopInstances", err)
	}
	return ids
}

// image is an Amazon Linux image the region offers.
func (p *provisioner) image(ctx context.Context, client *ec2.Client) string {
	out, err := client.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:  []string{"amazon"},
		Filters: []ec2types.Filter{{Name: aws.String("architecture"), Values: []string{"x86_64"}}},
	})
	p.must("ec2:DescribeImages", err)
	for _, img := range out.Images {
		if strings.Contains(strings.ToLower(aws.ToString(img.Name)), "amzn") {
			return aws.ToString(img.ImageId)
		}
	}
	if len(out.Images) == 0 {
		p.fatalf("provision: ec2:DescribeImages lists no Amazon image")
	}
	return aws.ToString(out.Images[0].ImageId)
}
