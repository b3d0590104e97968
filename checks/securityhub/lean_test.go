package securityhub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim/awsmodel"
)

const leanAccount = "111111111111"

// fullValue is a JSON value of the model's shape with every member set,
// each string distinct by its path, so that a member read through one
// deserializer and not the other shows as a difference. A shape already
// being filled higher up (the model's recursive shapes) is left out, and
// lists have two elements near the top (the scan reads a finding's first
// resource, not its second), one deeper.
func fullValue(m *awsmodel.Model, ref *awsmodel.Ref, path string, open map[string]bool) (any, bool) {
	s := m.Shapes[ref.Shape]
	if s == nil || open[ref.Shape] {
		return nil, false
	}
	open[ref.Shape] = true
	defer delete(open, ref.Shape)
	depth := strings.Count(path, ".")
	switch {
	case s.Document:
		return map[string]any{"document": path}, true
	case s.Type == "structure":
		out := map[string]any{}
		for name, member := range s.Members {
			wire := name
			if member.LocationName != "" {
				wire = member.LocationName
			}
			if v, ok := fullValue(m, member, path+"."+wire, open); ok {
				out[wire] = v
			}
		}
		return out, true
	case s.Type == "list":
		n := 1
		if depth < 3 {
			n = 2
		}
		var out []any
		for i := range n {
			if v, ok := fullValue(m, s.Member, fmt.Sprintf("%s[%d]", path, i), open); ok {
				out = append(out, v)
			}
		}
		return out, true
	case s.Type == "map":
		out := map[string]any{}
		for i := range 2 {
			if v, ok := fullValue(m, s.Value, fmt.Sprintf("%s{%d}", path, i), open); ok {
				out[fmt.Sprintf("key-%d-%s", i, path)] = v
			}
		}
		return out, true
	case s.Type == "string":
		if len(s.Enum) > 0 {
			return s.Enum[len(path)%len(s.Enum)], true
		}
		if strings.HasSuffix(path, "At") || strings.HasSuffix(path, "Time") || strings.HasSuffix(path, "Date") {
			// ASFF's timestamps are ISO 8601 strings.
			return fmt.Sprintf("2026-%02d-%02dT%02d:04:05.123Z", 1+len(path)%12, 1+len(path)%28, len(path)%24), true
		}
		return "value of " + path, true
	case s.Type == "boolean":
		return true, true
	case s.Type == "integer" || s.Type == "long":
		return len(path), true
	case s.Type == "double" || s.Type == "float":
		return float64(len(path)) + 0.5, true
	case s.Type == "timestamp":
		return 1767225600 + len(path), true
	case s.Type == "blob":
		return "AAEC", true
	}
	return nil, false
}

// fullFindingsPage is a GetFindings answer of two findings with every
// member of the model set, checked against the model.
func fullFindingsPage(t testing.TB) []byte {
	t.Helper()
	m, err := awsmodel.Load("securityhub")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := fullValue(m, m.Operations["GetFindings"].Output, "GetFindings", map[string]bool{})
	delete(v.(map[string]any), "NextToken") // one page
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if problems := m.ValidateJSONOutput("GetFindings", body); len(problems) > 0 {
		t.Fatalf("the generated answer does not fit the model: %s", awsmodel.String(problems))
	}
	if !bytes.Contains(body, []byte(`"Details":`)) || !bytes.Contains(body, []byte(`"SecurityControlId":`)) {
		t.Fatal("the generated answer lacks members it should have")
	}
	return body
}

// answering is a Security Hub client whose every request is answered with
// status and body, from memory: the SDK's whole stack, without a socket.
func answering(t testing.TB, status int, header http.Header, body []byte) *securityhub.Client {
	t.Helper()
	answer := roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_ = r.Body.Close()
		}
		h := http.Header{"Content-Type": {"application/json"}}
		for k, v := range header {
			h[k] = v
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	})
	return securityhub.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String("https://securityhub.us-east-1.amazonaws.com"),
		HTTPClient:   &http.Client{Transport: answer},
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// both runs read once with the SDK's deserializer and once with the lean
// one.
func both[T any](t *testing.T, read func() (T, error)) (sdk, lean T, sdkErr, leanErr error) {
	t.Helper()
	defer func(was bool) { leanFindings = was }(leanFindings)
	leanFindings = false
	sdk, sdkErr = read()
	leanFindings = true
	lean, leanErr = read()
	return sdk, lean, sdkErr, leanErr
}

// TestLeanFindingsDecodeWhatTheScanReads holds the facts the scan takes
// from GetFindings, directly and from an administrator's stream, to be the
// same through the lean deserializer as through the SDK's, for findings
// with every member of the model set. A collector that starts reading a
// member leanFinding does not decode gets it empty from the lean one and
// fails here.
func TestLeanFindingsDecodeWhatTheScanReads(t *testing.T) {
	client := answering(t, http.StatusOK, nil, fullFindingsPage(t))
	sdk, lean, sdkErr, leanErr := both(t, func() ([]checks.SecurityHubFinding, error) {
		return directFindings(t.Context(), client, leanAccount, "us-east-1")
	})
	if sdkErr != nil || leanErr != nil {
		t.Fatalf("errors: SDK %v, lean %v", sdkErr, leanErr)
	}
	if len(sdk) != 2 {
		t.Fatalf("the SDK read %d findings, want 2", len(sdk))
	}
	if sdk[0].FirstObservedAt.IsZero() || sdk[0].ResourceTags == nil || sdk[0].ControlID == "" {
		t.Fatalf("the full finding does not exercise the scan's fields: %+v", sdk[0])
	}
	if !reflect.DeepEqual(sdk, lean) {
		t.Errorf("direct findings differ:\nSDK  %+v\nlean %+v", sdk, lean)
	}

	// The administrator's stream, also with findings that have no Region
	// of their own (their resource's is taken).
	var page map[string]any
	if err := json.Unmarshal(fullFindingsPage(t), &page); err != nil {
		t.Fatal(err)
	}
	for _, f := range page["Findings"].([]any) {
		delete(f.(map[string]any), "Region")
	}
	noRegion, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"full": fullFindingsPage(t), "no Region": noRegion} {
		client := answering(t, http.StatusOK, nil, body)
		agg := &Aggregation{Admin: leanAccount, clientFor: func(string) AdminAPI { return client }}
		sdkCells, leanCells, sdkErr, leanErr := both(t, func() (map[[2]string][]checks.SecurityHubFinding, error) {
			return agg.stream(t.Context(), "us-east-1", []string{leanAccount})
		})
		if sdkErr != nil || leanErr != nil {
			t.Fatalf("%s: stream errors: SDK %v, lean %v", name, sdkErr, leanErr)
		}
		if len(sdkCells) == 0 || !reflect.DeepEqual(sdkCells, leanCells) {
			t.Errorf("%s: the administrator's stream differs:\nSDK  %+v\nlean %+v", name, sdkCells, leanCells)
		}
	}
}

// TestLeanFindingsErrorsAreTheSDKs: error answers go through the SDK's own
// deserializer (the same code, the same error), a body that is not JSON
// is a deserialization error in both, and a page of no findings is one in
// both. An answer without Findings, a required member (an empty body,
// null, {}), is a page of no findings to the SDK and an error to the lean
// deserializer: nothing was observed, and a scan must not pass on it.
func TestLeanFindingsErrorsAreTheSDKs(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		header   http.Header
		body     string
		code     string // the error's kind, through the SDK and the lean deserializer; "" for none
		leanCode string // the lean one's, when it differs
	}{
		{name: "not subscribed", status: http.StatusUnauthorized, header: http.Header{"X-Amzn-Errortype": {"InvalidAccessException"}}, body: `{"Code":"InvalidAccessException","Message":"Account 111111111111 is not subscribed to AWS Security Hub"}`, code: "InvalidAccessException"},
		{name: "throttled", status: http.StatusTooManyRequests, body: `{"__type":"TooManyRequestsException","message":"Rate exceeded"}`, code: "TooManyRequestsException"},
		{name: "server error", status: http.StatusInternalServerError, body: `{"Code":"InternalException","Message":"oops"}`, code: "InternalException"},
		{name: "not JSON", status: http.StatusOK, body: `<html>gateway</html>`, code: "deserialization"},
		{name: "wrong type", status: http.StatusOK, body: `{"Findings":[{"Title":7}]}`, code: "deserialization"},
		{name: "findings not a list", status: http.StatusOK, body: `{"Findings":{}}`, code: "deserialization"},
		{name: "no findings", status: http.StatusOK, body: `{"Findings":[]}`},
		{name: "null finding and tags", status: http.StatusOK, body: `{"Findings":[null,{"Id":"a","Resources":[{"Id":"r","Tags":{"team":null}}]}]}`},
		{name: "empty body", status: http.StatusOK, body: ``, leanCode: "deserialization"},
		{name: "null", status: http.StatusOK, body: `null`, leanCode: "deserialization"},
		{name: "no Findings member", status: http.StatusOK, body: `{"NextToken":null}`, leanCode: "deserialization"},
		{name: "null Findings", status: http.StatusOK, body: `{"Findings":null}`, leanCode: "deserialization"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			client := answering(t, c.status, c.header, []byte(c.body))
			sdk, lean, sdkErr, leanErr := both(t, func() ([]checks.SecurityHubFinding, error) {
				return directFindings(t.Context(), client, leanAccount, "us-east-1")
			})
			leanCode := c.code
			if c.leanCode != "" {
				leanCode = c.leanCode
			}
			if code := errorKind(sdkErr); code != c.code {
				t.Fatalf("the SDK's error: %v (%q), want %q", sdkErr, code, c.code)
			}
			if code := errorKind(leanErr); code != leanCode {
				t.Errorf("lean error: %v (%q), want %q (the SDK's: %v)", leanErr, code, leanCode, sdkErr)
			}
			if leanErr == nil && !reflect.DeepEqual(sdk, lean) {
				t.Errorf("findings differ:\nSDK  %+v\nlean %+v", sdk, lean)
			}
		})
	}
}

func errorKind(err error) string {
	var de *smithy.DeserializationError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &de):
		return "deserialization"
	}
	return checks.ErrorCode(err)
}

// TestLeanFindingsNamesAreUnambiguous: encoding/json matches a member to
// a field without regard to case. Every field of the lean mirror is a
// member of its model shape, by its exact name, and no other member of
// that shape has the same name in another case, so nothing else can be
// decoded into it.
func TestLeanFindingsNamesAreUnambiguous(t *testing.T) {
	m, err := awsmodel.Load("securityhub")
	if err != nil {
		t.Fatal(err)
	}
	var check func(typ reflect.Type, shape string)
	check = func(typ reflect.Type, shape string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		s := m.Shapes[shape]
		if s == nil || s.Type != "structure" {
			t.Fatalf("%s is not a structure of the model", shape)
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			member, ok := s.Members[f.Name]
			if !ok {
				t.Errorf("%s has no member %s", shape, f.Name)
				continue
			}
			for other := range s.Members {
				if other != f.Name && strings.EqualFold(other, f.Name) {
					t.Errorf("%s: %s and %s differ only in case", shape, f.Name, other)
				}
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				target := m.Shapes[member.Shape]
				if target.Type == "list" {
					check(ft, target.Member.Shape)
				} else {
					check(ft, member.Shape)
				}
			}
		}
	}
	check(reflect.TypeFor[leanPage](), m.Operations["GetFindings"].Output.Shape)
}

// TestLeanFindingsAreRead: the scan's reads go through the lean
// deserializer (a collector that dropped the option would pass the tests
// above, the SDK against itself), which allocates a fraction of what the
// SDK's does for the same page.
func TestLeanFindingsAreRead(t *testing.T) {
	client := answering(t, http.StatusOK, nil, fullFindingsPage(t))
	read := func() { _, _ = directFindings(t.Context(), client, leanAccount, "us-east-1") }
	sdk, lean, _, _ := both(t, func() (float64, error) { return testing.AllocsPerRun(3, read), nil })
	if lean*4 > sdk {
		t.Errorf("a page read with %.0f allocations through the lean deserializer, %.0f through the SDK's: the scan does not read through the lean one", lean, sdk)
	}
}

// BenchmarkGetFindingsPage reads a page of findings with every member of
// the model set through the SDK's deserializer and the lean one.
//
//	go test ./checks/securityhub -run '^$' -bench GetFindingsPage -benchmem
func BenchmarkGetFindingsPage(b *testing.B) {
	body := fullFindingsPage(b)
	for _, lean := range []bool{false, true} {
		b.Run(map[bool]string{false: "sdk", true: "lean"}[lean], func(b *testing.B) {
			defer func(was bool) { leanFindings = was }(leanFindings)
			leanFindings = lean
			client := answering(b, http.StatusOK, nil, body)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := directFindings(b.Context(), client, leanAccount, "us-east-1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
