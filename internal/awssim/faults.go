package awssim

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type compiledFault struct {
	Fault
	latency time.Duration
}

func compileFault(f Fault) (compiledFault, error) {
	cf := compiledFault{Fault: f}
	if f.Latency != "" {
		d, err := parseDuration(string(f.Latency))
		if err != nil {
			return cf, fmt.Errorf("fault latency %q: %w", string(f.Latency), err)
		}
		cf.latency = d
	}
	if cf.Rate == 0 {
		cf.Rate = 1
	}
	return cf, nil
}

func (f *compiledFault) matches(c *call) bool {
	any := func(sel string) bool { return sel == "" || sel == "*" }
	switch {
	case !any(string(f.Account)) && string(f.Account) != c.faultAccount:
		return false
	case !any(f.Service) && f.Service != c.service:
		return false
	case !any(f.Operation) && f.Operation != c.op:
		return false
	case f.Region == "global":
		return globalServices[c.service]
	case !any(f.Region) && f.Region != c.region:
		return false
	}
	return true
}

// applyFaults sleeps for the configured latency and returns the error of
// the first matching fault whose rate fires.
func (s *Server) applyFaults(ctx context.Context, c *call) *apiError {
	delay := s.opts.Latency
	var fired *compiledFault
	s.mu.Lock()
	for i := range s.faults {
		f := &s.faults[i]
		if !f.matches(c) {
			continue
		}
		delay += f.latency
		if fired == nil && f.Code != "" && (f.Rate >= 1 || s.rng.Float64() < f.Rate) {
			fired = f
		}
	}
	s.mu.Unlock()
	sleep(ctx, delay)
	if fired == nil {
		return nil
	}
	status := fired.HTTPStatus
	if status == 0 {
		status = defaultStatus(fired.Code)
	}
	msg := fired.Message
	if msg == "" {
		msg = defaultMessage(c, fired.Code)
	}
	return &apiError{Status: status, Code: fired.Code, Message: msg}
}

// defaultStatus is the HTTP status AWS uses with an error code.
func defaultStatus(code string) int {
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
		"InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "MissingAuthenticationToken",
		"MissingAuthenticationTokenException", "SignatureDoesNotMatch", "OptInRequired":
		return http.StatusForbidden
	case "AuthFailure", "InvalidAccessException":
		return http.StatusUnauthorized
	case "TooManyRequestsException", "LimitExceededException":
		return http.StatusTooManyRequests
	case "InternalError", "InternalFailure", "InternalServerError", "InternalServerErrorException",
		"InternalServerException", "InternalException":
		return http.StatusInternalServerError
	case "ServiceUnavailable", "ServiceUnavailableException", "RequestLimitExceeded", "Unavailable":
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest // Throttling and ThrottlingException included, as AWS sends them
}

func defaultMessage(c *call, code string) string {
	if strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation" {
		who := "arn:aws:iam::" + c.faultAccount + ":root"
		if c.sess != nil {
			who = c.sess.arn
		}
		return fmt.Sprintf("User: %s is not authorized to perform: %s:%s because no identity-based policy allows the %s:%s action",
			who, c.service, c.op, c.service, c.op)
	}
	if strings.Contains(code, "Throttl") || code == "TooManyRequestsException" || code == "RequestLimitExceeded" {
		return "Rate exceeded"
	}
	return "awssim: injected " + code
}
