package awssim

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// queryProtocol is awsQuery (STS): form-encoded POST, XML responses wrapped
// in <XResponse><XResult>, errors in <ErrorResponse>.
type queryProtocol struct {
	ops map[string]handler
}

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

func parseForm(c *call) error {
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		return errorf(http.StatusBadRequest, "MalformedQueryString", "awssim: form body: %v", err)
	}
	for k, v := range c.r.URL.Query() {
		form[k] = append(form[k], v...)
	}
	c.form = form
	return nil
}

func (p queryProtocol) route(c *call) (handler, error) {
	if err := parseForm(c); err != nil {
		return nil, err
	}
	c.op = c.form.Get("Action")
	h := p.ops[c.op]
	if h == nil {
		return nil, errorf(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version %s", c.op, c.form.Get("Version"))
	}
	if c.op == "AssumeRole" {
		if target, _, ok := parseRoleARN(c.form.Get("RoleArn")); ok {
			c.faultAccount = target
		}
	}
	return h, nil
}

func (queryProtocol) authError(kind authFailure) *apiError {
	switch kind {
	case authMissing:
		return errorf(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	case authExpired:
		return errorf(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
	}
	return errorf(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
}

type queryResponse struct {
	XMLName   xml.Name
	Xmlns     string `xml:"xmlns,attr"`
	Result    any
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

func (queryProtocol) writeResult(w http.ResponseWriter, c *call, result any) {
	writeXML(w, c, http.StatusOK, queryResponse{
		XMLName:   xml.Name{Local: c.op + "Response"},
		Xmlns:     stsNamespace,
		Result:    result,
		RequestID: c.requestID,
	})
}

type queryErrorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

func (queryProtocol) writeError(w http.ResponseWriter, c *call, e *apiError) {
	var resp queryErrorResponse
	resp.Xmlns = stsNamespace
	resp.Error.Type = "Sender"
	if e.Status >= 500 {
		resp.Error.Type = "Receiver"
	}
	resp.Error.Code, resp.Error.Message, resp.RequestID = e.Code, e.Message, c.requestID
	writeXML(w, c, e.Status, resp)
}

// ec2Protocol is ec2Query: form-encoded POST, XML responses named
// <XResponse> with the result fields directly inside, errors in <Response><Errors>.
type ec2Protocol struct {
	ops map[string]handler
}

const ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

func (p ec2Protocol) route(c *call) (handler, error) {
	if err := parseForm(c); err != nil {
		return nil, err
	}
	c.op = c.form.Get("Action")
	h := p.ops[c.op]
	if h == nil {
		return nil, errorf(http.StatusBadRequest, "InvalidAction", "The action %s is not valid for this web service.", c.op)
	}
	return h, nil
}

func (ec2Protocol) authError(kind authFailure) *apiError {
	if kind == authExpired {
		return errorf(http.StatusBadRequest, "RequestExpired", "Request has expired.")
	}
	return errorf(http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials")
}

// ec2Result is implemented by EC2 responses so the protocol can stamp the request id.
type ec2Result interface{ setRequestID(id string) }

type ec2Header struct {
	Xmlns     string `xml:"xmlns,attr"`
	RequestID string `xml:"requestId"`
}

func (h *ec2Header) setRequestID(id string) { h.Xmlns, h.RequestID = ec2Namespace, id }

func (ec2Protocol) writeResult(w http.ResponseWriter, c *call, result any) {
	if r, ok := result.(ec2Result); ok {
		r.setRequestID(c.requestID)
	}
	writeXML(w, c, http.StatusOK, result)
}

type ec2ErrorResponse struct {
	XMLName xml.Name `xml:"Response"`
	Errors  []struct {
		Code    string
		Message string
	} `xml:"Errors>Error"`
	RequestID string `xml:"RequestID"`
}

func (ec2Protocol) writeError(w http.ResponseWriter, c *call, e *apiError) {
	resp := ec2ErrorResponse{RequestID: c.requestID}
	resp.Errors = append(resp.Errors, struct {
		Code    string
		Message string
	}{e.Code, e.Message})
	writeXML(w, c, e.Status, resp)
}

func writeXML(w http.ResponseWriter, c *call, status int, v any) {
	out, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, "awssim: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", c.requestID)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)+len(xml.Header)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}

// formList reads a query list: Prefix.1, Prefix.2, … .
func formList(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[prefix+"."+strconv.Itoa(i)]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}

// formInt reads an optional integer parameter.
func formInt(form url.Values, name string) (n int, set bool, err error) {
	v := strings.TrimSpace(form.Get(name))
	if v == "" {
		return 0, false, nil
	}
	n, err = strconv.Atoi(v)
	return n, true, err
}
