package checks

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
)

// callCostServer answers every request with GuardDuty's ListDetectors
// answer of one detector: the smallest real call, so that what a call
// costs is the client's stack, not the decoding of a large page.
func callCostServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"detectorIds":["12abc34d567e8fa901bc2d34e56789f0"]}`)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// scanClientConfig is the config a collector gets for one member account,
// built the way a scan builds it (internal/scan.Collect, then Collect's
// targetConfig): the scan's HTTP client and retryer, the call counter, and
// the account's rate limiter (unlimited here, so nothing waits) and
// credential refresh.
func scanClientConfig(url string, calls *CallCounter) aws.Config {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")),
		BaseEndpoint: aws.String(url),
	}
	ConfigureClients(&cfg, ClientOptions{})
	names := SigningNames(maps.Clone(baseSigningNames))
	names["GuardDuty"] = "guardduty" // checks/guardduty's, which checks cannot import
	cfg.APIOptions = append(cfg.APIOptions, calls.Middleware(names))
	limiter := NewRateLimiter(RateLimits{"guardduty:*": {PerSecond: 0}}, names)
	return targetConfig(Target{AccountID: "200000000002", Config: cfg}, limiter)
}

// BenchmarkCall is the scanner's cost of one API call over HTTP, with the
// SDK's whole stack and the scan's middleware (call counting, rate limit,
// retryer, credential refresh); "sdk" is the same call through a client
// with none of the scan's settings, the floor this stack is compared with.
// allocs/op is the figure to watch: it does not depend on the machine.
//
//	go test ./checks -run '^$' -bench BenchmarkCall -benchmem
func BenchmarkCall(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, newClient func() *guardduty.Client, perCall bool) {
		client := newClient()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if perCall {
				client = newClient()
			}
			if _, err := client.ListDetectors(ctx, &guardduty.ListDetectorsInput{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("sdk", func(b *testing.B) {
		srv := callCostServer(b)
		cfg := aws.Config{
			Region:       "us-east-1",
			Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
			BaseEndpoint: aws.String(srv.URL),
		}
		run(b, func() *guardduty.Client { return guardduty.NewFromConfig(cfg) }, false)
	})
	b.Run("scan", func(b *testing.B) {
		srv := callCostServer(b)
		cfg := scanClientConfig(srv.URL, NewCallCounter())
		run(b, func() *guardduty.Client { return guardduty.NewFromConfig(cfg) }, false)
	})
	// A client per call bounds what building clients per (account,
	// region) costs: collectors build one per region and make several
	// calls with it.
	b.Run("scan-client-per-call", func(b *testing.B) {
		srv := callCostServer(b)
		cfg := scanClientConfig(srv.URL, NewCallCounter())
		run(b, func() *guardduty.Client {
			return guardduty.NewFromConfig(cfg, func(o *guardduty.Options) { o.Region = "eu-west-1" })
		}, true)
	})
}
