package awsmodel

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Problem is one way a response departs from the model.
type Problem struct {
	Path string // JSON or XML path of the offending value
	Msg  string
}

func (p Problem) String() string { return p.Path + ": " + p.Msg }

// validator walks a decoded response against shapes.
type validator struct {
	m        *Model
	problems []Problem
}

func (v *validator) fail(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{path, fmt.Sprintf(format, args...)})
}

// defaultTimestampFormat is the protocol's timestamp format for body members.
func (m *Model) defaultTimestampFormat() string {
	switch m.Metadata.Protocol {
	case "query", "ec2":
		return "iso8601"
	}
	return "unixTimestamp"
}

// ValidateJSONOutput checks the body of a successful JSON response (json or
// rest-json protocol) against an operation's output shape.
func (m *Model) ValidateJSONOutput(op string, body []byte) []Problem {
	o, ok := m.Operations[op]
	if !ok {
		return []Problem{{"", fmt.Sprintf("operation %s is not in the %s model", op, m.Service)}}
	}
	if o.Output == nil {
		if len(bytes.TrimSpace(body)) == 0 || string(bytes.TrimSpace(body)) == "{}" {
			return nil
		}
		return []Problem{{"", "the model declares no output, the response has a body"}}
	}
	return m.ValidateJSON(o.Output.Shape, body)
}

// ValidateJSON checks a JSON document against a structure shape: every
// member is one the shape has (by wire name), of its type, within its enum
// and range, and every required member is present.
func (m *Model) ValidateJSON(shape string, body []byte) []Problem {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return []Problem{{"", "body is not JSON: " + err.Error()}}
	}
	v := &validator{m: m}
	v.jsonValue("$", &Ref{Shape: shape}, doc, true)
	return v.problems
}

// jsonValue checks one JSON value against the shape ref points to; top is
// the operation's output structure, whose non-body members are skipped.
func (v *validator) jsonValue(path string, ref *Ref, val any, top bool) {
	s := v.m.Shapes[ref.Shape]
	if s == nil {
		v.fail(path, "shape %s is not in the model", ref.Shape)
		return
	}
	if val == nil {
		v.fail(path, "null (AWS omits a member without a value)")
		return
	}
	if s.Document {
		return // a document holds any JSON value
	}
	switch s.Type {
	case "structure":
		obj, ok := val.(map[string]any)
		if !ok {
			v.fail(path, "want an object for structure %s, got %T", ref.Shape, val)
			return
		}
		if top && s.Payload != "" {
			v.jsonValue(path, s.Members[s.Payload], val, false)
			return
		}
		byWire := map[string]string{}
		for name, mr := range s.Members {
			if top && mr.Location != "" {
				continue // header, status code: not in the body
			}
			byWire[wireName(name, mr)] = name
		}
		for _, k := range sortedKeys(obj) {
			name, ok := byWire[k]
			if !ok {
				v.fail(path+"."+k, "member %q is not in shape %s (members: %s)", k, ref.Shape, strings.Join(sortedKeys(byWire), ", "))
				continue
			}
			v.jsonValue(path+"."+k, s.Members[name], obj[k], false)
		}
		for _, name := range s.Required {
			mr := s.Members[name]
			if mr == nil || top && mr.Location != "" {
				continue
			}
			if _, ok := obj[wireName(name, mr)]; !ok {
				v.fail(path, "required member %q of %s is missing", wireName(name, mr), ref.Shape)
			}
		}
	case "list":
		arr, ok := val.([]any)
		if !ok {
			v.fail(path, "want an array for list %s, got %T", ref.Shape, val)
			return
		}
		v.length(path, s, len(arr), "items")
		for i, e := range arr {
			v.jsonValue(fmt.Sprintf("%s[%d]", path, i), s.Member, e, false)
		}
	case "map":
		obj, ok := val.(map[string]any)
		if !ok {
			v.fail(path, "want an object for map %s, got %T", ref.Shape, val)
			return
		}
		v.length(path, s, len(obj), "entries")
		for _, k := range sortedKeys(obj) {
			v.jsonValue(path+"{key "+k+"}", s.Key, k, false)
			v.jsonValue(path+"."+k, s.Value, obj[k], false)
		}
	case "string":
		str, ok := val.(string)
		if !ok {
			v.fail(path, "want a string for %s, got %T %v", ref.Shape, val, val)
			return
		}
		v.str(path, ref.Shape, s, str)
	case "integer", "long":
		n, ok := val.(json.Number)
		if !ok {
			v.fail(path, "want an integer for %s, got %T %v", ref.Shape, val, val)
			return
		}
		i, err := n.Int64()
		if err != nil {
			v.fail(path, "want an integer for %s, got %s", ref.Shape, n)
			return
		}
		v.number(path, s, float64(i))
	case "float", "double":
		n, ok := val.(json.Number)
		if !ok {
			v.fail(path, "want a number for %s, got %T %v", ref.Shape, val, val)
			return
		}
		f, err := n.Float64()
		if err != nil {
			v.fail(path, "want a number for %s, got %s", ref.Shape, n)
			return
		}
		v.number(path, s, f)
	case "boolean":
		if _, ok := val.(bool); !ok {
			v.fail(path, "want a boolean for %s, got %T %v", ref.Shape, val, val)
		}
	case "timestamp":
		v.jsonTimestamp(path, ref, s, val)
	case "blob":
		str, ok := val.(string)
		if !ok {
			v.fail(path, "want a base64 string for blob %s, got %T", ref.Shape, val)
		} else if _, err := base64.StdEncoding.DecodeString(str); err != nil {
			v.fail(path, "blob %s is not base64: %v", ref.Shape, err)
		}
	default:
		v.fail(path, "shape %s has type %s, which this validator does not know", ref.Shape, s.Type)
	}
}

func (v *validator) timestampFormat(ref *Ref, s *Shape) string {
	switch {
	case ref.TimestampFormat != "":
		return ref.TimestampFormat
	case s.TimestampFormat != "":
		return s.TimestampFormat
	}
	return v.m.defaultTimestampFormat()
}

func (v *validator) jsonTimestamp(path string, ref *Ref, s *Shape, val any) {
	switch format := v.timestampFormat(ref, s); format {
	case "unixTimestamp":
		n, ok := val.(json.Number)
		if !ok {
			v.fail(path, "want epoch seconds (a number) for timestamp %s, got %T %v", ref.Shape, val, val)
			return
		}
		if _, err := n.Float64(); err != nil {
			v.fail(path, "timestamp %s: %v", ref.Shape, err)
		}
	default:
		str, ok := val.(string)
		if !ok {
			v.fail(path, "want an %s string for timestamp %s, got %T %v", format, ref.Shape, val, val)
			return
		}
		v.textTimestamp(path, ref.Shape, format, str)
	}
}

func (v *validator) textTimestamp(path, shape, format, str string) {
	var err error
	switch format {
	case "iso8601":
		_, err = time.Parse(time.RFC3339Nano, str)
	case "rfc822":
		_, err = time.Parse(time.RFC1123, str)
	case "unixTimestamp":
		_, err = strconv.ParseFloat(str, 64)
	}
	if err != nil {
		v.fail(path, "timestamp %s %q is not %s: %v", shape, str, format, err)
	}
}

// DocumentedEnumValues are values AWS documents for an enum shape (keyed
// service:shape) although the shape's enum lacks them.
var DocumentedEnumValues = map[string][]string{
	// Instance.Platform: "This value is windows for Windows instances" (the EC2
	// model's own member documentation, and
	// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html),
	// while the PlatformValues enum says Windows.
	"ec2:PlatformValues": {"windows"},
}

// str checks a string's enum. Length constraints are not checked: they
// constrain input, and AWS answers below them (its own example of
// DescribeInstancePatchStatesForPatchGroup shows "OwnerInformation": "" for
// a shape of minimum length 1:
// https://docs.aws.amazon.com/code-library/latest/ug/ssm_example_ssm_DescribeInstancePatchStatesForPatchGroup_section.html).
func (v *validator) str(path, shape string, s *Shape, str string) {
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) && !slices.Contains(DocumentedEnumValues[v.m.Service+":"+shape], str) {
		v.fail(path, "%q is not a value of enum %s %v", str, shape, s.Enum)
	}
}

// length checks a list's or map's size against the model's maximum: a page
// larger than the model allows is a simulator bug. Minimums constrain input
// only (see str).
func (v *validator) length(path string, s *Shape, n int, what string) {
	if s.Max != nil && float64(n) > *s.Max {
		v.fail(path, "%d %s, the model's maximum is %v", n, what, *s.Max)
	}
}

func (v *validator) number(path string, s *Shape, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		v.fail(path, "%v is not a number AWS sends", f)
	}
	if s.Min != nil && f < *s.Min {
		v.fail(path, "%v is below the model's minimum %v", f, *s.Min)
	}
	if s.Max != nil && f > *s.Max {
		v.fail(path, "%v is above the model's maximum %v", f, *s.Max)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Element is a parsed XML element.
type Element struct {
	Name     string
	Text     string
	Children []*Element
}

// ParseXML reads an XML document into its root element.
func ParseXML(body []byte) (*Element, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*Element
	var root *Element
	for {
		tok, err := dec.Token()
		if err != nil {
			if root != nil && len(stack) == 0 {
				return root, nil
			}
			return nil, fmt.Errorf("parse XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &Element{Name: t.Name.Local}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, e)
			} else if root == nil {
				root = e
			} else {
				return nil, fmt.Errorf("parse XML: a second root element <%s>", e.Name)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
}

// Child is the first child element with a name, nil when there is none.
func (e *Element) Child(name string) *Element {
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ValidateXMLOutput checks the body of a successful query or ec2 protocol
// response against an operation's output shape: <OpResponse> holding
// <OpResult> (query) or the members directly (ec2), and the request id.
func (m *Model) ValidateXMLOutput(op string, body []byte) []Problem {
	o, ok := m.Operations[op]
	if !ok {
		return []Problem{{"", fmt.Sprintf("operation %s is not in the %s model", op, m.Service)}}
	}
	root, err := ParseXML(body)
	if err != nil {
		return []Problem{{"", err.Error()}}
	}
	v := &validator{m: m}
	if root.Name != op+"Response" {
		v.fail(root.Name, "root element <%s>, want <%sResponse>", root.Name, op)
	}
	result := root
	switch m.Metadata.Protocol {
	case "query":
		var rest []*Element
		for _, c := range root.Children {
			switch {
			case o.Output != nil && c.Name == o.Output.ResultWrapper:
			case c.Name == "ResponseMetadata" && c.Child("RequestId") != nil && len(c.Children) == 1:
			default:
				rest = append(rest, c)
			}
		}
		for _, c := range rest {
			v.fail(root.Name+"/"+c.Name, "unexpected element <%s>", c.Name)
		}
		if root.Child("ResponseMetadata") == nil {
			v.fail(root.Name, "no <ResponseMetadata><RequestId>")
		}
		if o.Output == nil {
			return v.problems
		}
		result = root.Child(o.Output.ResultWrapper)
		if result == nil {
			v.fail(root.Name, "no <%s>", o.Output.ResultWrapper)
			return v.problems
		}
	case "ec2":
		if root.Child("requestId") == nil {
			v.fail(root.Name, "no <requestId>")
		}
		var kept []*Element
		for _, c := range root.Children {
			if c.Name != "requestId" {
				kept = append(kept, c)
			}
		}
		result = &Element{Name: root.Name, Children: kept}
	default:
		v.fail("", "protocol %s is not XML", m.Metadata.Protocol)
		return v.problems
	}
	if o.Output == nil {
		for _, c := range result.Children {
			v.fail(root.Name+"/"+c.Name, "the model declares no output")
		}
		return v.problems
	}
	v.xmlStructure(root.Name, o.Output.Shape, v.m.Shapes[o.Output.Shape], result)
	return v.problems
}

// xmlMemberName is a member's element name: its locationName, else the member name.
func (m *Model) xmlMemberName(member string, ref *Ref) string {
	if ref.LocationName != "" {
		return ref.LocationName
	}
	return member
}

func (v *validator) xmlStructure(path, shape string, s *Shape, e *Element) {
	type memberRef struct {
		name string
		ref  *Ref
	}
	byElem := map[string]memberRef{}
	for name, mr := range s.Members {
		byElem[v.m.xmlMemberName(name, mr)] = memberRef{name, mr}
	}
	seen := map[string]int{}
	for _, c := range e.Children {
		mr, ok := byElem[c.Name]
		if !ok {
			v.fail(path+"/"+c.Name, "element <%s> is not a member of %s (members: %s)", c.Name, shape, strings.Join(sortedKeys(byElem), ", "))
			continue
		}
		seen[c.Name]++
		flat := mr.ref.Flattened || v.m.Shapes[mr.ref.Shape] != nil && v.m.Shapes[mr.ref.Shape].Flattened
		if seen[c.Name] > 1 && !flat {
			v.fail(path+"/"+c.Name, "element <%s> repeated", c.Name)
			continue
		}
		if flat {
			// a flattened list's items are the repeated member elements
			v.xmlValue(path+"/"+c.Name, v.m.Shapes[mr.ref.Shape].Member, c)
			continue
		}
		v.xmlValue(path+"/"+c.Name, mr.ref, c)
	}
	for _, name := range s.Required {
		mr := s.Members[name]
		if mr != nil && seen[v.m.xmlMemberName(name, mr)] == 0 {
			v.fail(path, "required member <%s> of %s is missing", v.m.xmlMemberName(name, mr), shape)
		}
	}
}

func (v *validator) xmlValue(path string, ref *Ref, e *Element) {
	s := v.m.Shapes[ref.Shape]
	if s == nil {
		v.fail(path, "shape %s is not in the model", ref.Shape)
		return
	}
	if s.Type != "structure" && s.Type != "list" && s.Type != "map" && len(e.Children) > 0 {
		v.fail(path, "scalar %s has child elements", ref.Shape)
		return
	}
	text := e.Text
	switch s.Type {
	case "structure":
		v.xmlStructure(path, ref.Shape, s, e)
	case "list":
		item := "member"
		if s.Member.LocationName != "" {
			item = s.Member.LocationName
		}
		n := 0
		for _, c := range e.Children {
			if c.Name != item {
				v.fail(path+"/"+c.Name, "list %s item element <%s>, want <%s>", ref.Shape, c.Name, item)
				continue
			}
			n++
			v.xmlValue(fmt.Sprintf("%s/%s[%d]", path, item, n), s.Member, c)
		}
		v.length(path, s, n, "items")
	case "map":
		v.fail(path, "XML maps are not validated (shape %s)", ref.Shape)
	case "string":
		v.str(path, ref.Shape, s, text)
	case "integer", "long":
		i, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			v.fail(path, "want an integer for %s, got %q", ref.Shape, text)
			return
		}
		v.number(path, s, float64(i))
	case "float", "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			v.fail(path, "want a number for %s, got %q", ref.Shape, text)
			return
		}
		v.number(path, s, f)
	case "boolean":
		if text != "true" && text != "false" {
			v.fail(path, "want true or false for %s, got %q", ref.Shape, text)
		}
	case "timestamp":
		v.textTimestamp(path, ref.Shape, v.timestampFormat(ref, s), strings.TrimSpace(text))
	case "blob":
		if _, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text)); err != nil {
			v.fail(path, "blob %s is not base64: %v", ref.Shape, err)
		}
	default:
		v.fail(path, "shape %s has type %s, which this validator does not know", ref.Shape, s.Type)
	}
}
