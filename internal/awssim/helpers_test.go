package awssim

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
)

// testNow is the fixed server clock of the tests.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// startTestWorld serves testdata/world.yaml until the test ends.
func startTestWorld(t *testing.T) *Server {
	t.Helper()
	w, err := LoadWorld(t.Context(), "testdata/world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return startWorld(t, w)
}

func startWorld(t *testing.T, w *World) *Server {
	t.Helper()
	s, err := Start(w, Options{Now: func() time.Time { return testNow }, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// configFor is an SDK config acting in an account of the world with its
// long-term keys; retries are off so that call counts are exact.
func configFor(s *Server, account, region string) aws.Config {
	akid, secret := s.CredentialsFor(account)
	return sdkConfig(s, credentials.NewStaticCredentialsProvider(akid, secret, ""), region)
}

func sdkConfig(s *Server, creds aws.CredentialsProvider, region string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      creds,
		BaseEndpoint:     aws.String(s.URL()),
		RetryMaxAttempts: 1,
	}
}

// errorCode is the AWS error code carried by err, "" for none.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// httpStatus is the HTTP status of a failed call, 0 when there was no response.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// wantError fails the test unless err carries the code and status.
func wantError(t *testing.T, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (%d)", code, status)
	}
	if got := errorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (error: %v)", got, code, err)
	}
	if status != 0 {
		if got := httpStatus(err); got != status {
			t.Fatalf("HTTP status = %d, want %d (error: %v)", got, status, err)
		}
	}
}
