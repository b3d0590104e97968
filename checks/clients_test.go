package checks

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// TestScanHTTPClientRedirectsAsTheSDK holds the scan's HTTP client to the
// SDK's own (BuildableClient) on every kind of redirect: both must give
// the same final status and body, and send the session token to the same
// hosts.
func TestScanHTTPClientRedirectsAsTheSDK(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		tokens []string // "path token" of every request the other host received
	)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tokens = append(tokens, r.URL.Path+" "+r.Header.Get("X-Amz-Security-Token"))
		mu.Unlock()
		_, _ = w.Write([]byte("other " + r.URL.Path))
	}))
	t.Cleanup(other.Close)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, loc, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		switch {
		case code == "ok":
			_, _ = w.Write([]byte("origin " + r.URL.Path))
			return
		case loc == "here":
			w.Header().Set("Location", "/ok/"+code)
		case loc == "other":
			w.Header().Set("Location", other.URL+"/"+code)
		}
		switch code {
		case "301":
			w.WriteHeader(http.StatusMovedPermanently)
		case "302":
			w.WriteHeader(http.StatusFound)
		case "307":
			w.WriteHeader(http.StatusTemporaryRedirect)
		case "308":
			w.WriteHeader(http.StatusPermanentRedirect)
		}
	}))
	t.Cleanup(origin.Close)

	var cfg aws.Config
	ConfigureClients(&cfg, ClientOptions{})
	clients := map[string]aws.HTTPClient{"sdk": awshttp.NewBuildableClient(), "scan": cfg.HTTPClient}
	for _, code := range []string{"301", "302", "307", "308"} {
		for _, loc := range []string{"none", "here", "other"} {
			answers := map[string]string{}
			for name, c := range clients {
				mu.Lock()
				tokens = nil
				mu.Unlock()
				req, err := http.NewRequest(http.MethodGet, origin.URL+"/"+code+"/"+loc, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("X-Amz-Security-Token", "session")
				resp, err := c.Do(req)
				if err != nil {
					t.Fatalf("%s %s %s: %v", name, code, loc, err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				answers[name] = resp.Status + " " + string(body) + " " + strings.Join(tokens, ",")
				mu.Unlock()
			}
			if answers["scan"] != answers["sdk"] {
				t.Errorf("%s redirect to %s: scan client %q, SDK client %q", code, loc, answers["scan"], answers["sdk"])
			}
		}
	}
}

// TestConfigureClientsKeepsTheTransport checks that the loaded client's
// transport settings (a CA bundle, a proxy) survive ConfigureClients, also
// when it runs twice on one config, and that the transport is net/http's
// own, on which net/http enforces the timeout with the request's context
// (over any other, with a goroutine and a timer per request).
func TestConfigureClientsKeepsTheTransport(t *testing.T) {
	t.Parallel()
	cfg := aws.Config{HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{ServerName: "bundle.example"}
	})}
	for range 2 {
		ConfigureClients(&cfg, ClientOptions{MaxConnsPerHost: 8, CallTimeout: 7e9})
		c, ok := cfg.HTTPClient.(*scanHTTPClient)
		if !ok {
			t.Fatalf("HTTP client is %T", cfg.HTTPClient)
		}
		tr, ok := c.Transport.(*http.Transport)
		if !ok {
			t.Fatalf("transport is %T, not *http.Transport", c.Transport)
		}
		if tr.TLSClientConfig == nil || tr.TLSClientConfig.ServerName != "bundle.example" {
			t.Errorf("TLS config %+v: the loaded client's was lost", tr.TLSClientConfig)
		}
		if tr.MaxIdleConnsPerHost != 8*idleConnsPerWorkItem || c.Timeout != 7e9 {
			t.Errorf("idle connections per host %d, timeout %s", tr.MaxIdleConnsPerHost, c.Timeout)
		}
	}
}
