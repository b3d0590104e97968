package awsmodel

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
)

// Services are the services whose models are kept.
var Services = []string{"account", "cloudtrail", "ec2", "guardduty", "organizations", "securityhub", "ssm", "sts"}

// Model is one service's API model.
type Model struct {
	Service    string
	Metadata   Metadata             `json:"metadata"`
	Operations map[string]Operation `json:"operations"`
	Shapes     map[string]*Shape    `json:"shapes"`
	Paginators map[string]Paginator `json:"-"`
}

// Metadata is the model's protocol description.
type Metadata struct {
	APIVersion   string `json:"apiVersion"`
	Protocol     string `json:"protocol"` // rest-json, json, query, ec2
	JSONVersion  string `json:"jsonVersion"`
	TargetPrefix string `json:"targetPrefix"`
	SigningName  string `json:"signingName"`
	EndpointPref string `json:"endpointPrefix"`
	XMLNamespace string `json:"xmlNamespace"`
}

// Operation is one API operation.
type Operation struct {
	Name string `json:"name"`
	HTTP struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
	Input      *Ref  `json:"input"`
	Output     *Ref  `json:"output"`
	Errors     []Ref `json:"errors"`
	Deprecated bool  `json:"deprecated"`
}

// Ref is a reference to a shape, from an operation or a member.
type Ref struct {
	Shape           string `json:"shape"`
	LocationName    string `json:"locationName"`
	Location        string `json:"location"` // header, headers, uri, querystring, statusCode; "" for the body
	ResultWrapper   string `json:"resultWrapper"`
	TimestampFormat string `json:"timestampFormat"`
	Flattened       bool   `json:"flattened"`
	Deprecated      bool   `json:"deprecated"`
}

// Shape is a model shape.
type Shape struct {
	Type            string          `json:"type"`
	Members         map[string]*Ref `json:"members"`
	Required        []string        `json:"required"`
	Member          *Ref            `json:"member"`
	Key             *Ref            `json:"key"`
	Value           *Ref            `json:"value"`
	Enum            []string        `json:"enum"`
	Min             *float64        `json:"min"`
	Max             *float64        `json:"max"`
	Payload         string          `json:"payload"`
	TimestampFormat string          `json:"timestampFormat"`
	Flattened       bool            `json:"flattened"`
	Exception       bool            `json:"exception"`
	// Document marks a document shape (smithy's document type, e.g.
	// securityhub's OcsfFinding): any JSON value, not checked member by member.
	Document bool `json:"document"`
	Error    *struct {
		Code           string `json:"code"`
		HTTPStatusCode int    `json:"httpStatusCode"`
		SenderFault    bool   `json:"senderFault"`
	} `json:"error"`
}

// Paginator is one entry of paginators-1.json.
type Paginator struct {
	InputToken  any    `json:"input_token"`
	OutputToken any    `json:"output_token"`
	LimitKey    string `json:"limit_key"`
	ResultKey   any    `json:"result_key"`
}

// Strings reads a paginator field that is a string or a list of strings.
func Strings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, s := range v {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Dir is the directory the models are kept in.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "models")
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*Model{}
)

// Load reads a service's model; it is parsed once per process and shared,
// so callers must not modify it.
func Load(service string) (*Model, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if m := cache[service]; m != nil {
		return m, nil
	}
	m := &Model{Service: service}
	if err := readGzipJSON(modelPath(service), m); err != nil {
		return nil, fmt.Errorf("load model %s: %w", service, err)
	}
	var pag struct {
		Pagination map[string]Paginator `json:"pagination"`
	}
	if err := readGzipJSON(filepath.Join(Dir(), service+".paginators-1.json.gz"), &pag); err != nil {
		return nil, fmt.Errorf("load paginators %s: %w", service, err)
	}
	m.Paginators = pag.Pagination
	for name, op := range m.Operations {
		if op.Name == "" {
			op.Name = name
			m.Operations[name] = op
		}
	}
	cache[service] = m
	return m, nil
}

func modelPath(service string) string { return filepath.Join(Dir(), service+".service-2.json.gz") }

func readGzipJSON(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	return json.NewDecoder(zr).Decode(v)
}

// Enum is the value set of an enum shape, sorted; nil when the shape is not an enum.
func (m *Model) Enum(shape string) []string {
	s := m.Shapes[shape]
	if s == nil || len(s.Enum) == 0 {
		return nil
	}
	return slices.Sorted(slices.Values(s.Enum))
}

// MemberShape is the shape name of a member of a structure shape, "" when absent.
func (m *Model) MemberShape(structure, member string) string {
	s := m.Shapes[structure]
	if s == nil || s.Members[member] == nil {
		return ""
	}
	return s.Members[member].Shape
}

// ErrorCode is the wire error code of an error shape: its error.code when
// the model sets one (awsQuery services), else the shape name.
func (m *Model) ErrorCode(shape string) string {
	if s := m.Shapes[shape]; s != nil && s.Error != nil && s.Error.Code != "" {
		return s.Error.Code
	}
	return shape
}

// ErrorShape finds the error shape of an operation with a wire code; nil
// when the operation does not declare it.
func (m *Model) ErrorShape(op, code string) (string, *Shape) {
	for _, e := range m.Operations[op].Errors {
		if m.ErrorCode(e.Shape) == code {
			return e.Shape, m.Shapes[e.Shape]
		}
	}
	return "", nil
}

// wireName is how a member is named on the wire.
func wireName(member string, ref *Ref) string {
	if ref.LocationName != "" {
		return ref.LocationName
	}
	return member
}
