package checks

import (
	"context"
	"errors"
	"net"

	"github.com/aws/smithy-go"

	"github.com/baseline-scanner/baseline/internal/redact"
)

// NewError records a failed AWS call as data. The code is the AWS error code
// when the service answered; otherwise "Timeout", "Canceled" or
// "RequestError" (no usable response: DNS, connection, TLS).
func NewError(accountID, region, service, operation string, err error) CollectionError {
	ce := CollectionError{
		AccountID: accountID,
		Region:    region,
		Service:   service,
		Operation: operation,
		Code:      "RequestError",
		Message:   err.Error(),
	}
	var apiErr smithy.APIError
	var netErr net.Error
	switch {
	case errors.As(err, &apiErr):
		ce.Code = apiErr.ErrorCode()
		if msg := apiErr.ErrorMessage(); msg != "" {
			ce.Message = msg
		}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		ce.Code = "Timeout"
	case errors.Is(err, context.Canceled):
		ce.Code = "Canceled"
	}
	// An error from the credential chain can quote a credential_process's
	// output, keys included; reports and logs must not carry them.
	ce.Message = redact.Secrets(ce.Message)
	return ce
}

// ErrorCode is the AWS error code of err, or "" when err carries none.
func ErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
