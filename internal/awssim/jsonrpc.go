package awssim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// jsonProtocol is awsJson1_1 (Organizations, CloudTrail, SSM): POST / with
// X-Amz-Target: <target>.<Operation>, JSON in and out, errors as
// {"__type": code, "message": …}.
type jsonProtocol struct {
	target string
	ops    map[string]handler
}

func (p jsonProtocol) route(c *call) (handler, error) {
	target := c.r.Header.Get("X-Amz-Target")
	i := strings.LastIndex(target, ".")
	c.op = target[i+1:]
	op := c.op
	// CloudTrail's full service id is also accepted for its short target prefix.
	prefix := strings.TrimPrefix(target[:max(i, 0)], "com.amazonaws.cloudtrail.v20131101.")
	if i < 0 || prefix != p.target || c.r.Method != http.MethodPost {
		return nil, errorf(http.StatusBadRequest, "UnknownOperationException", "awssim: unknown X-Amz-Target %q", target)
	}
	h := p.ops[op]
	if h == nil {
		return nil, errorf(http.StatusBadRequest, "UnknownOperationException", "awssim: operation %s is not simulated", op)
	}
	return h, nil
}

func (jsonProtocol) authError(kind authFailure) *apiError { return jsonAuthError(kind) }

func jsonAuthError(kind authFailure) *apiError {
	switch kind {
	case authMissing:
		return errorf(http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
	case authExpired:
		return errorf(http.StatusForbidden, "ExpiredTokenException", "The security token included in the request is expired")
	}
	return errorf(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
}

func (jsonProtocol) writeResult(w http.ResponseWriter, c *call, result any) {
	writeJSON(w, c, http.StatusOK, "application/x-amz-json-1.1", result)
}

func (jsonProtocol) writeError(w http.ResponseWriter, c *call, e *apiError) {
	writeJSON(w, c, e.Status, "application/x-amz-json-1.1", map[string]string{"__type": e.Code, "message": e.Message})
}

func writeJSON(w http.ResponseWriter, c *call, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "awssim: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-Requestid", c.requestID)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// decodeJSON reads a JSON request body into v; an empty body is {}.
func decodeJSON(c *call, v any, badInput string) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errorf(http.StatusBadRequest, badInput, "awssim: request body: %v", err)
	}
	return nil
}

// epoch is a timestamp in the awsJson and restJson default format: seconds
// since the epoch as a JSON number; nil for the zero time, so it is omitted.
func epoch(t time.Time) *float64 {
	if t.IsZero() {
		return nil
	}
	v := float64(t.UnixMilli()) / 1000
	return &v
}

// isoTime is a timestamp as an ISO 8601 string (Security Hub, GuardDuty
// string fields); empty for the zero time.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
