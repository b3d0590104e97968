package awssimtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baseline-scanner/baseline/internal/awssim"
)

// Now is the server clock of every test world: relative world times ("3d")
// resolve against it, so expected facts can be written as Now minus a duration.
var Now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// Clock returns Now; it is the clock to give checks.CollectOptions.
func Clock() time.Time { return Now }

// MaxAttempts is how many times the configs built here try a retryable call.
const MaxAttempts = 3

// Start parses worldYAML, serves it until the test ends and returns a config
// acting in the management account with its long-term keys.
func Start(t testing.TB, worldYAML string) (*awssim.Server, aws.Config) {
	t.Helper()
	w, err := awssim.ParseWorld(t.Context(), t.Name()+".yaml", []byte(worldYAML))
	if err != nil {
		t.Fatal(err)
	}
	return StartWorld(t, w)
}

// StartWorld serves w until the test ends and returns a config acting in the
// management account with its long-term keys.
func StartWorld(t testing.TB, w *awssim.World) (*awssim.Server, aws.Config) {
	t.Helper()
	srv, err := awssim.Start(w, awssim.Options{Now: Clock, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, Config(srv, ManagementAccount(w))
}

// ManagementAccount is the id of the world's management account.
func ManagementAccount(w *awssim.World) string {
	for _, a := range w.Accounts {
		if a.Management {
			return string(a.ID)
		}
	}
	return ""
}

// Config returns an SDK config that acts directly in accountID with its
// long-term keys. Retryable errors are retried MaxAttempts times without
// backoff or a retry quota, so tests of failing calls stay fast and their
// call counts exact.
func Config(srv *awssim.Server, accountID string) aws.Config {
	akid, secret := srv.CredentialsFor(accountID)
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(akid, secret, "")),
		BaseEndpoint: aws.String(srv.URL()),
		HTTPClient:   &http.Client{Transport: bufferedTransport{http.DefaultTransport}},
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = MaxAttempts
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// Equal fails the test when got and want differ (reflect.DeepEqual, so a nil
// slice and an empty one differ as JSON null and [] do), showing both as
// JSON from the first line that differs.
func Equal(t testing.TB, what string, got, want any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, w := toJSON(got), toJSON(want)
	if g == w {
		t.Errorf("%s differs outside its JSON form:\ngot:  %#v\nwant: %#v", what, got, want)
		return
	}
	t.Errorf("%s differs:\n%s\n--- got:\n%s\n--- want:\n%s", what, firstDiff(g, w), g, w)
}

// JSON is v as indented JSON; it fails the test when v does not marshal.
func JSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func toJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return buf.String()
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("first difference at line %d:\n  got:  %s\n  want: %s", i+1, gl, wl)
		}
	}
	return ""
}

// bufferedTransport reads each response body whole before RoundTrip
// returns. On a loaded machine, a body of ~100 findings left to the SDK's
// JSON decoder was now and then cut by "use of closed network connection"
// (about 1 in 300 pages with three CPU hogs running; with keep-alives off
// too, never when the body is read at once), which the SDK retries: the
// result was right but the exact call counts these tests assert were not.
// The cause is not understood yet; this keeps the collector tests
// deterministic without changing what the SDK sends or decodes.
type bufferedTransport struct{ http.RoundTripper }

func (b bufferedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := b.RoundTripper.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
