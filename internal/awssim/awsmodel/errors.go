package awsmodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// CommonErrors are the error codes any operation of a service may answer
// although its model does not declare them, with the source that says so.
// The model's own declarations come first (Model.ErrorShape).
var CommonErrors = map[string][]string{
	// https://docs.aws.amazon.com/securityhub/1.0/APIReference/CommonErrors.html (and the
	// same page of every service below): errors common to all AWS services.
	"*": {
		"AccessDeniedException", "ExpiredTokenException", "IncompleteSignature", "InternalFailure",
		"InvalidAction", "InvalidClientTokenId", "MalformedHttpRequestException", "NotAuthorized",
		"OptInRequired", "RequestAbortedException", "RequestEntityTooLargeException", "RequestExpired",
		"RequestTimeoutException", "ServiceUnavailable", "ThrottlingException", "UnknownOperationException",
		"UnrecognizedClientException", "ValidationError", "ValidationException",
	},
	// JSON protocols answer an unsigned request with MissingAuthenticationTokenException
	// (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html lists
	// MissingAuthenticationToken, 403).
	"json":      {"MissingAuthenticationTokenException"},
	"rest-json": {"MissingAuthenticationTokenException"},
	// Security Hub and GuardDuty answer throttling with TooManyRequestsException (429),
	// which their models do not declare: observed from Security Hub GetFindings in
	// https://github.com/prowler-cloud/prowler/issues/5004; the Account model declares it.
	"securityhub": {"TooManyRequestsException"},
	"guardduty":   {"TooManyRequestsException"},
	// Query protocol common errors:
	// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html.
	// AccessDenied is STS's answer to an AssumeRole the role's trust policy does not allow
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html), Throttling
	// its throttling code (aws-sdk-go-v2 aws/retry throttle error codes).
	"sts": {
		"AccessDenied", "ExpiredToken", "InvalidParameterCombination", "InvalidParameterValue",
		"InvalidQueryParameter", "MalformedQueryString", "MissingAction", "MissingAuthenticationToken",
		"MissingParameter", "Throttling",
	},
	// EC2 declares no errors in its model; its error codes are listed in
	// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html.
	"ec2": {
		"AuthFailure", "Blocked", "DryRunOperation", "IdempotentParameterMismatch", "IncompleteSignature",
		"InvalidAction", "InvalidCharacter", "InvalidClientTokenId", "InvalidFilter", "InvalidInstanceID.Malformed",
		"InvalidInstanceID.NotFound", "InvalidPaginationToken", "InvalidParameter", "InvalidParameterCombination",
		"InvalidParameterValue", "InvalidQueryParameter", "MalformedQueryString", "MissingAction",
		"MissingAuthenticationToken", "MissingParameter", "OptInRequired", "PendingVerification",
		"RequestExpired", "RequestLimitExceeded", "UnauthorizedOperation", "UnknownParameter",
		"UnsupportedOperation", "UnsupportedProtocol", "InternalError", "Unavailable",
	},
}

// IsCommonError reports whether a code is one every operation of the service may answer.
func (m *Model) IsCommonError(code string) bool {
	for _, k := range []string{"*", m.Metadata.Protocol, m.Service} {
		for _, c := range CommonErrors[k] {
			if c == code {
				return true
			}
		}
	}
	return false
}

// ValidateError checks an error response: its code is one the operation
// declares or a common one, in the protocol's error shape, with the HTTP
// status the model gives the error and only the members of its shape.
// It returns the code read from the response.
func (m *Model) ValidateError(op string, status int, header http.Header, body []byte) (string, []Problem) {
	v := &validator{m: m}
	var code string
	var members map[string]any
	switch m.Metadata.Protocol {
	case "json", "rest-json":
		if ct := header.Get("Content-Type"); !strings.Contains(ct, "json") {
			v.fail("Content-Type", "%q is not a JSON content type", ct)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&members); err != nil {
			return "", []Problem{{"", "error body is not a JSON object: " + err.Error()}}
		}
		typ, _ := members["__type"].(string)
		delete(members, "__type")
		if m.Metadata.Protocol == "rest-json" {
			// restJson1: X-Amzn-Errortype names the error; a body "code" or
			// "__type" is read only without the header.
			code = header.Get("X-Amzn-Errortype")
			if code == "" {
				if c, ok := members["code"].(string); ok {
					code = c
				} else {
					code = typ
				}
			}
		} else {
			code = typ
			if code == "" {
				v.fail("$", "awsJson error body has no __type")
			}
		}
		code = sanitizeCode(code)
	case "query", "ec2":
		root, err := ParseXML(body)
		if err != nil {
			return "", []Problem{{"", err.Error()}}
		}
		var errElem *Element
		if m.Metadata.Protocol == "query" {
			if root.Name != "ErrorResponse" || root.Child("Error") == nil || root.Child("RequestId") == nil {
				v.fail(root.Name, "want <ErrorResponse><Error>…</Error><RequestId>, got <%s>", root.Name)
			}
			errElem = root.Child("Error")
		} else {
			if root.Name != "Response" || root.Child("Errors") == nil || root.Child("RequestID") == nil {
				v.fail(root.Name, "want <Response><Errors><Error>…</Error></Errors><RequestID>, got <%s>", root.Name)
			}
			if errs := root.Child("Errors"); errs != nil {
				errElem = errs.Child("Error")
			}
		}
		if errElem == nil {
			return "", append(v.problems, Problem{root.Name, "no <Error> element"})
		}
		if c := errElem.Child("Code"); c != nil {
			code = c.Text
		}
		members = map[string]any{}
		for _, c := range errElem.Children {
			switch c.Name {
			case "Code", "Type":
			default:
				members[c.Name] = c.Text
			}
		}
	default:
		return "", []Problem{{"", "unknown protocol " + m.Metadata.Protocol}}
	}
	if code == "" {
		return "", append(v.problems, Problem{"", "no error code"})
	}
	shapeName, shape := m.ErrorShape(op, code)
	if shape == nil {
		if !m.IsCommonError(code) {
			var declared []string
			for _, e := range m.Operations[op].Errors {
				declared = append(declared, m.ErrorCode(e.Shape))
			}
			v.fail("", "error code %s is neither declared for %s (%s) nor a common error", code, op, strings.Join(declared, ", "))
		}
		return code, v.problems
	}
	if shape.Error != nil && shape.Error.HTTPStatusCode != 0 && shape.Error.HTTPStatusCode != status {
		v.fail("", "HTTP status %d, the model gives %s %d", status, shapeName, shape.Error.HTTPStatusCode)
	}
	byWire := map[string]string{}
	for name, mr := range shape.Members {
		if mr.Location == "" {
			byWire[wireName(name, mr)] = name
		}
	}
	for _, k := range sortedKeys(members) {
		name, ok := byWire[k]
		if !ok && strings.EqualFold(k, "message") {
			// Every SDK reads the message case-insensitively.
			for w, n := range byWire {
				if strings.EqualFold(w, "message") {
					name, ok = n, true
				}
			}
			if !ok {
				continue
			}
		}
		if !ok {
			v.fail("$."+k, "member %q is not in error shape %s", k, shapeName)
			continue
		}
		if m.Metadata.Protocol == "json" || m.Metadata.Protocol == "rest-json" {
			raw, _ := json.Marshal(members[k])
			for _, p := range m.ValidateJSON(shape.Members[name].Shape, raw) {
				v.fail("$."+k+strings.TrimPrefix(p.Path, "$"), "%s", p.Msg)
			}
		}
	}
	return code, v.problems
}

// sanitizeCode strips the namespace and the trailing ":uri" AWS may add to
// an error code, as every SDK does.
func sanitizeCode(code string) string {
	if i := strings.Index(code, ":"); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndex(code, "#"); i >= 0 {
		code = code[i+1:]
	}
	return code
}

// String renders problems one per line.
func String(problems []Problem) string {
	var b strings.Builder
	for _, p := range problems {
		fmt.Fprintln(&b, p)
	}
	return b.String()
}
