package awsmodel

import (
	"net/http"
	"strings"
	"testing"
)

func load(t *testing.T, service string) *Model {
	t.Helper()
	m, err := Load(service)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestValidatorCatchesDepartures holds the validator to its purpose: each
// kind of departure from the model the simulator could make is reported.
func TestValidatorCatchesDepartures(t *testing.T) {
	tests := []struct {
		name, service, op, body string
		want                    string // "" for a conforming body
	}{
		{"conforming restJson", "guardduty", "ListDetectors", `{"detectorIds":["d1"],"nextToken":"t"}`, ""},
		{"member not in the model", "guardduty", "ListDetectors", `{"detectorIds":[],"detectorCount":1}`, `member "detectorCount" is not in shape`},
		{"member name instead of locationName", "guardduty", "ListDetectors", `{"DetectorIds":[]}`, `member "DetectorIds" is not in shape`},
		{"missing required member", "guardduty", "ListDetectors", `{"nextToken":"t"}`, `required member "detectorIds"`},
		{"wrong type", "guardduty", "ListDetectors", `{"detectorIds":"d1"}`, "want an array"},
		{"page larger than the model's maximum", "guardduty", "ListDetectors", `{"detectorIds":[` + strings.Repeat(`"d",`, 50) + `"d"]}`, "51 items, the model's maximum is 50"},
		{"enum value outside the model", "guardduty", "GetDetector", `{"serviceRole":"r","status":"PAUSED"}`, `"PAUSED" is not a value of enum DetectorStatus`},
		{"integer that is not one", "ssm", "DescribeInstancePatchStates", `{"InstancePatchStates":[{"InstanceId":"i","PatchGroup":"g","BaselineId":"pb","OperationStartTime":1,"OperationEndTime":2,"Operation":"Scan","MissingCount":1.5}]}`, "want an integer"},
		{"timestamp in the wrong format", "ssm", "DescribeInstancePatchStates", `{"InstancePatchStates":[{"InstanceId":"i","PatchGroup":"g","BaselineId":"pb","OperationStartTime":"2026-01-01T00:00:00Z","OperationEndTime":2,"Operation":"Scan"}]}`, "want epoch seconds"},
		{"null member", "organizations", "ListAccounts", `{"Accounts":null}`, "null"},
		{"boolean as string", "cloudtrail", "GetTrailStatus", `{"IsLogging":"true"}`, "want a boolean"},
		{"document members are free", "securityhub", "GetFindingsV2", `{"Findings":[{"metadata":{"uid":"u"},"severity_id":5}]}`, ""},
		{"document list still a list", "securityhub", "GetFindingsV2", `{"Findings":{"severity":"High"}}`, "want an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(load(t, tt.service).ValidateJSONOutput(tt.op, []byte(tt.body)))
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("problems:\n%s\nwant %q", got, tt.want)
			}
		})
	}
}

func TestValidatorCatchesXMLDepartures(t *testing.T) {
	const ok = `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo><item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item></regionInfo></DescribeRegionsResponse>`
	tests := []struct {
		name, service, op, body, want string
	}{
		{"conforming ec2", "ec2", "DescribeRegions", ok, ""},
		{"unknown element", "ec2", "DescribeRegions", strings.Replace(ok, "<optInStatus>", "<optIn>x</optIn><optInStatus>", 1), "element <optIn> is not a member"},
		{"list item not <item>", "ec2", "DescribeRegions", strings.ReplaceAll(ok, "item>", "member>"), "item element <member>"},
		{"no request id", "ec2", "DescribeRegions", strings.Replace(ok, "<requestId>r</requestId>", "", 1), "no <requestId>"},
		{"conforming query", "sts", "GetCallerIdentity", `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a</Arn><UserId>u</UserId><Account>1</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, ""},
		{"query result not wrapped", "sts", "GetCallerIdentity", `<GetCallerIdentityResponse><Arn>a</Arn><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, "no <GetCallerIdentityResult>"},
		{"query timestamp not ISO 8601", "sts", "AssumeRole", `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>AKIA0000000000000000</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>1700000000</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`, "is not iso8601"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(load(t, tt.service).ValidateXMLOutput(tt.op, []byte(tt.body)))
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("problems:\n%s\nwant %q", got, tt.want)
			}
		})
	}
}

func TestValidatorCatchesErrorDepartures(t *testing.T) {
	jsonHeader := func(kv ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json"}}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name, service, op string
		status            int
		header            http.Header
		body, code, want  string
	}{
		{"declared restJson error", "securityhub", "GetFindings", 400, jsonHeader("X-Amzn-Errortype", "InvalidInputException"), `{"Code":"InvalidInputException","Message":"m"}`, "InvalidInputException", ""},
		{"undeclared code", "securityhub", "GetFindings", 404, jsonHeader("X-Amzn-Errortype", "ResourceNotFoundException"), `{"Message":"m"}`, "ResourceNotFoundException", "neither declared"},
		{"status the model does not give", "securityhub", "DescribeHub", 403, jsonHeader("X-Amzn-Errortype", "InvalidAccessException"), `{"Message":"m"}`, "InvalidAccessException", "HTTP status 403, the model gives InvalidAccessException 401"},
		{"member not in the error shape", "account", "ListRegions", 400, jsonHeader("X-Amzn-Errortype", "ValidationException"), `{"Code":"ValidationException","message":"m"}`, "ValidationException", `member "Code" is not in error shape`},
		{"common error", "ssm", "DescribeInstanceInformation", 400, http.Header{"Content-Type": {"application/x-amz-json-1.1"}}, `{"__type":"ThrottlingException","message":"m"}`, "ThrottlingException", ""},
		{"awsJson without __type", "ssm", "DescribeInstanceInformation", 400, http.Header{"Content-Type": {"application/x-amz-json-1.1"}}, `{"code":"InvalidNextToken"}`, "", "no __type"},
		{"query error", "sts", "AssumeRole", 403, nil, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`, "AccessDenied", ""},
		{"ec2 error in the query shape", "ec2", "DescribeInstances", 400, nil, `<ErrorResponse><Error><Code>InvalidInstanceID.NotFound</Code></Error><RequestId>r</RequestId></ErrorResponse>`, "", "want <Response><Errors>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, problems := load(t, tt.service).ValidateError(tt.op, tt.status, tt.header, []byte(tt.body))
			got := String(problems)
			if tt.code != "" && code != tt.code {
				t.Errorf("code = %q, want %q", code, tt.code)
			}
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("problems:\n%s\nwant %q", got, tt.want)
			}
		})
	}
}
