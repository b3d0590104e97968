package awssim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baseline-scanner/baseline/internal/awssim/awsmodel"
)

// exchange is one response the simulator gave the SDK.
type exchange struct {
	service, op string
	status      int
	header      http.Header
	body        []byte
}

// recorder is an SDK HTTP client that keeps every response's raw bytes so
// that they can be validated against the AWS service models (the SDK's own
// decoding is lenient: it ignores unknown members and enum values).
type recorder struct {
	mu        sync.Mutex
	exchanges []exchange
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	_, _, service := parseAuthorization(req.Header.Get("Authorization"))
	r.mu.Lock()
	r.exchanges = append(r.exchanges, exchange{
		service: service, op: awsmiddleware.GetOperationName(req.Context()),
		status: resp.StatusCode, header: resp.Header.Clone(), body: body,
	})
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) take() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.exchanges
	r.exchanges = nil
	return out
}

// recordedConfig is an SDK config acting in account with long-term keys
// whose responses rec keeps; retries are off so each call is one exchange.
func recordedConfig(s *Server, rec *recorder, account, region string) aws.Config {
	akid, secret := s.CredentialsFor(account)
	cfg := sdkConfig(s, credentials.NewStaticCredentialsProvider(akid, secret, ""), region)
	cfg.HTTPClient = rec
	return cfg
}

// conformance accumulates what the exchanges showed.
type conformance struct {
	models map[string]*awsmodel.Model
	// ok and failed count validated successful and error responses per service:operation.
	ok, failed map[string]int
	// codes are the error codes seen per service:operation.
	codes    map[string]map[string]bool
	problems map[string][]string // service:operation → problems, deduplicated
}

func newConformance(t *testing.T) *conformance {
	t.Helper()
	c := &conformance{models: map[string]*awsmodel.Model{}, ok: map[string]int{}, failed: map[string]int{},
		codes: map[string]map[string]bool{}, problems: map[string][]string{}}
	for _, svc := range awsmodel.Services {
		m, err := awsmodel.Load(svc)
		if err != nil {
			t.Fatal(err)
		}
		c.models[svc] = m
	}
	return c
}

// check validates exchanges against the models.
func (c *conformance) check(exchanges []exchange) {
	for _, x := range exchanges {
		key := x.service + ":" + x.op
		m := c.models[x.service]
		if m == nil {
			c.problem(key, "no model for service %q", x.service)
			continue
		}
		var problems []awsmodel.Problem
		if x.status >= 200 && x.status < 300 {
			c.ok[key]++
			if want := m.Operations[x.op].HTTP.ResponseCode; want != 0 && want != x.status {
				c.problem(key, "HTTP status %d, the model says %d", x.status, want)
			}
			c.pageSize(m, key, x)
			switch m.Metadata.Protocol {
			case "query", "ec2":
				problems = m.ValidateXMLOutput(x.op, x.body)
			default:
				problems = m.ValidateJSONOutput(x.op, x.body)
			}
		} else {
			c.failed[key]++
			var code string
			code, problems = m.ValidateError(x.op, x.status, x.header, x.body)
			if c.codes[key] == nil {
				c.codes[key] = map[string]bool{}
			}
			c.codes[key][code] = true
		}
		for _, p := range problems {
			c.problem(key, "%s", p)
		}
	}
}

func (c *conformance) problem(key, format string, args ...any) {
	msg := indexes.ReplaceAllString(fmt.Sprintf(format, args...), "[]")
	for _, p := range c.problems[key] {
		if p == msg {
			return
		}
	}
	c.problems[key] = append(c.problems[key], msg)
}

func (c *conformance) report(t *testing.T) {
	t.Helper()
	keys := make([]string, 0, len(c.problems))
	for k := range c.problems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("%s departs from the AWS model:\n  %s", k, strings.Join(c.problems[k], "\n  "))
	}
}

// indexes are list positions in problem paths: one problem per member, not per item.
var indexes = regexp.MustCompile(`\[\d+\]`)

// servedOperations lists every service:operation the simulator serves.
func servedOperations() []string {
	var out []string
	for _, rt := range restRoutes {
		out = append(out, rt.service+":"+rt.op)
	}
	for svc, p := range protocols {
		var ops map[string]handler
		switch p := p.(type) {
		case jsonProtocol:
			ops = p.ops
		case queryProtocol:
			ops = p.ops
		case ec2Protocol:
			ops = p.ops
		}
		for op := range ops {
			out = append(out, svc+":"+op)
		}
	}
	sort.Strings(out)
	return out
}

// pageSize checks a successful JSON listing against its paginator: the page
// holds at most the model's maximum of the limit key (MaxResults) items.
func (c *conformance) pageSize(m *awsmodel.Model, key string, x exchange) {
	p, ok := m.Paginators[x.op]
	if !ok || p.LimitKey == "" || m.Metadata.Protocol == "query" || m.Metadata.Protocol == "ec2" {
		return
	}
	op := m.Operations[x.op]
	limit := m.Shapes[m.MemberShape(op.Input.Shape, p.LimitKey)]
	if limit == nil || limit.Max == nil {
		return
	}
	var doc map[string]any
	if err := json.Unmarshal(x.body, &doc); err != nil {
		return // reported by the shape validation
	}
	out := m.Shapes[op.Output.Shape]
	for _, rk := range awsmodel.Strings(p.ResultKey) {
		ref := out.Members[rk]
		if ref == nil {
			c.problem(key, "paginator result key %s is not an output member", rk)
			continue
		}
		wire := rk
		if ref.LocationName != "" {
			wire = ref.LocationName
		}
		if items, ok := doc[wire].([]any); ok && float64(len(items)) > *limit.Max {
			c.problem(key, "a page of %d %s, the model's %s maximum is %v", len(items), wire, p.LimitKey, *limit.Max)
		}
	}
	for _, ot := range awsmodel.Strings(p.OutputToken) {
		if out.Members[ot] == nil {
			c.problem(key, "paginator output token %s is not an output member", ot)
		}
	}
}
