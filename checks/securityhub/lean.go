package securityhub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
	smithyio "github.com/aws/smithy-go/io"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// GetFindings pages are the largest answers a scan reads: up to 100 ASFF
// findings, each with resources, details, remediation and product fields.
// The SDK decodes a page into a generic JSON tree and then every member of
// every finding into its types, about a third of all the memory a scan
// allocates; the scan reads a dozen of those members. leanFindings swaps
// GetFindings' deserializer, for a successful answer only, for one that
// decodes those members into the SDK's own types and skips the rest.
// Everything else about the call (signing, retries, endpoints, the call
// counter and rate limiter, and every error answer, which the SDK's own
// deserializer still reads) is unchanged.
//
// The members decoded are exactly what compactFinding, findingRegion and
// the administrator's stream read. TestLeanFindingsDecodeWhatTheScanReads
// decodes a finding with every member of the AWS model set through both
// deserializers and holds the scan's facts to be equal, so reading a
// member this does not decode fails it.
var leanFindings = true

// withLeanFindings is the per-call option that installs the deserializer.
func withLeanFindings(o *securityhub.Options) {
	if leanFindings {
		o.APIOptions = append(o.APIOptions, swapFindingsDeserializer)
	}
}

func swapFindingsDeserializer(stack *middleware.Stack) error {
	orig, ok := stack.Deserialize.Get("OperationDeserializer")
	if !ok {
		return fmt.Errorf("securityhub GetFindings: the SDK's stack has no OperationDeserializer")
	}
	_, err := stack.Deserialize.Swap("OperationDeserializer", leanFindingsDeserializer{sdk: orig})
	return err
}

type leanFindingsDeserializer struct {
	sdk middleware.DeserializeMiddleware // the SDK's own, for error answers
}

func (leanFindingsDeserializer) ID() string { return "OperationDeserializer" }

func (m leanFindingsDeserializer) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, metadata, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, metadata, err
	}
	response, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || response.StatusCode < 200 || response.StatusCode >= 300 {
		// The SDK reads the answer it would have read: the one already
		// received, not a second request.
		return m.sdk.HandleDeserialize(ctx, in, answered{out, metadata})
	}
	output := &securityhub.GetFindingsOutput{}
	out.Result = output
	var buff [1024]byte
	ringBuffer := smithyio.NewRingBuffer(buff[:])
	var page leanPage
	// As the SDK, the first JSON value of the body. Unlike the SDK, an
	// answer without Findings (a required member of GetFindingsResponse:
	// an empty body, null, {}) is an error, not a page of no findings:
	// nothing was observed.
	err = json.NewDecoder(io.TeeReader(response.Body, ringBuffer)).Decode(&page)
	if err == nil && page.Findings == nil {
		err = fmt.Errorf("no Findings in the answer")
	}
	if err != nil {
		var snapshot bytes.Buffer
		_, _ = io.Copy(&snapshot, ringBuffer)
		return out, metadata, &smithy.DeserializationError{
			Err:      fmt.Errorf("failed to decode response body, %w", err),
			Snapshot: snapshot.Bytes(),
		}
	}
	output.NextToken = page.NextToken
	output.Findings = make([]types.AwsSecurityFinding, len(page.Findings))
	for i := range page.Findings {
		output.Findings[i] = page.Findings[i].sdk()
	}
	return out, metadata, nil
}

// answered is a handler that returns a response already received.
type answered struct {
	out      middleware.DeserializeOutput
	metadata middleware.Metadata
}

func (a answered) HandleDeserialize(context.Context, middleware.DeserializeInput) (middleware.DeserializeOutput, middleware.Metadata, error) {
	return a.out, a.metadata, nil
}

// leanPage and leanFinding mirror the GetFindings members the scan reads,
// named as in the AWS model. encoding/json matches names without regard
// to case; TestLeanFindingsNamesAreUnambiguous checks that no other member
// of the same shapes in the model matches one of these that way.
type leanPage struct {
	Findings  []leanFinding
	NextToken *string
}

type leanFinding struct {
	AwsAccountId    *string
	CreatedAt       *string
	FirstObservedAt *string
	GeneratorId     *string
	Id              *string
	ProductName     *string
	RecordState     types.RecordState
	Region          *string
	Title           *string
	UpdatedAt       *string
	Severity        *struct{ Label types.SeverityLabel }
	Workflow        *struct{ Status types.WorkflowStatus }
	Compliance      *struct {
		Status            types.ComplianceStatus
		SecurityControlId *string
	}
	Resources []struct {
		Id     *string
		Region *string
		Tags   map[string]string
		Type   *string
	}
}

func (f *leanFinding) sdk() types.AwsSecurityFinding {
	out := types.AwsSecurityFinding{
		AwsAccountId:    f.AwsAccountId,
		CreatedAt:       f.CreatedAt,
		FirstObservedAt: f.FirstObservedAt,
		GeneratorId:     f.GeneratorId,
		Id:              f.Id,
		ProductName:     f.ProductName,
		RecordState:     f.RecordState,
		Region:          f.Region,
		Title:           f.Title,
		UpdatedAt:       f.UpdatedAt,
	}
	if f.Severity != nil {
		out.Severity = &types.Severity{Label: f.Severity.Label}
	}
	if f.Workflow != nil {
		out.Workflow = &types.Workflow{Status: f.Workflow.Status}
	}
	if f.Compliance != nil {
		out.Compliance = &types.Compliance{Status: f.Compliance.Status, SecurityControlId: f.Compliance.SecurityControlId}
	}
	if f.Resources != nil {
		out.Resources = make([]types.Resource, len(f.Resources))
		for i, r := range f.Resources {
			out.Resources[i] = types.Resource{Id: r.Id, Region: r.Region, Tags: r.Tags, Type: r.Type}
		}
	}
	return out
}
