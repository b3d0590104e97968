package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/internal/awssim"
)

// Credential material used by the tests below: it must never reach stdout,
// stderr or a report.
const (
	leakAccessKey = "ASIAQZ7EXAMPLELEAKED"
	leakSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzXAMPLEKEY"
	leakToken     = "IQoJb3JpZ2luX2VjEXAMPLEsessiontokenFwoGZXIvYXdzEBYaDNoTm9uZVNlY3JldFRva2VuVmFsdWVUaGF0SXNMb25nRW5vdWdoVG9CZUFUb2tlbg=="
)

// TestNoSecretInOutput runs a scan whose credentials come from each source
// the SDK reads that can fail with its own output in the error, and holds
// stdout and stderr free of the credential material.
func TestNoSecretInOutput(t *testing.T) {
	world, err := awssim.SampleWorld()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awssim.Start(world, awssim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	json := `{"Version": 1, "AccessKeyId": "` + leakAccessKey + `", "SecretAccessKey": "` + leakSecret + `", "SessionToken": "` + leakToken + `", "Expiration": "2030-01-01T00:00:00Z"}`

	// A container credentials endpoint (ECS, EKS Pod Identity) that answers
	// with a body the SDK cannot use, credentials included.
	container := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "warning: rotated\n"+json)
	}))
	defer container.Close()

	for _, tc := range []struct {
		name   string
		script string            // the credential_process program's output, as a shell script
		env    map[string]string // instead of the credential_process profile
		creds  string            // the shared credentials file
	}{
		// A warning line before the JSON: the SDK's parse error quotes the
		// whole output.
		{"credential_process with a warning line", "echo 'warning: token cache is stale'\necho '" + json + "'\n", nil, ""},
		// Version 2 is refused; the error must not quote the output either.
		{"credential_process with a wrong version", "echo '" + strings.Replace(json, `"Version": 1`, `"Version": 2`, 1) + "'\n", nil, ""},
		// The program fails after printing the credentials. (What it
		// writes to its own stderr goes to the terminal, as the AWS CLI does
		// for MFA prompts: the SDK passes it through, baseline never sees it.)
		{"credential_process that fails", "echo '" + json + "'\nexit 1\n", nil, ""},
		{"container credentials endpoint", "", map[string]string{"AWS_PROFILE": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": container.URL}, ""},
		{"malformed shared credentials file", "", map[string]string{"AWS_PROFILE": "default"},
			"[default]\naws_access_key_id = " + leakAccessKey + "\naws_secret_access_key " + leakSecret + "\naws_session_token = " + leakToken + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			script := filepath.Join(dir, "creds.sh")
			if err := os.WriteFile(script, []byte("#!/bin/sh\n"+tc.script), 0o755); err != nil {
				t.Fatal(err)
			}
			config := filepath.Join(dir, "config")
			if err := os.WriteFile(config, []byte("[profile leak]\ncredential_process = "+script+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			for k, v := range map[string]string{
				"AWS_ACCESS_KEY_ID":           "",
				"AWS_SECRET_ACCESS_KEY":       "",
				"AWS_SESSION_TOKEN":           "",
				"AWS_REGION":                  "us-east-1",
				"AWS_ENDPOINT_URL":            srv.URL(),
				"AWS_PROFILE":                 "leak",
				"AWS_CONFIG_FILE":             config,
				"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
				"AWS_EC2_METADATA_DISABLED":   "true",
			} {
				t.Setenv(k, v)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(tc.creds), 0o600); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "r.json")
			stdout, stderr, code := run(t, "scan", "--org", "--format", "json", "-o", out)
			if code == ExitOK {
				t.Errorf("scan with broken credentials exited 0")
			}
			report, _ := os.ReadFile(out)
			for where, text := range map[string]string{"stdout": stdout, "stderr": stderr, "report": string(report)} {
				for _, secret := range []string{leakAccessKey, leakSecret, leakToken, "EXAMPLELEAKED", "bPxRfiCYzXAMPLEKEY", "b3JpZ2luX2Vj"} {
					if strings.Contains(text, secret) {
						t.Errorf("%s contains credential material %q:\n%s", where, secret, text)
					}
				}
			}
			t.Logf("stderr: %s", stderr)
			if !strings.Contains(stderr, "credential") {
				t.Errorf("stderr does not say what failed:\n%s", stderr)
			}
		})
	}
}

// TestEmptyRegionsIsAnError: --regions given with no region is a usage
// error like --regions ",,", not a silent fall-back to the default region.
func TestEmptyRegionsIsAnError(t *testing.T) {
	for _, value := range []string{"", " ", ",,"} {
		_, stderr, code := run(t, "scan", "--demo", "-q", "--regions", value)
		if code != ExitUsage || !strings.Contains(stderr, "--regions: no region given") {
			t.Errorf("--regions %q: exit %d, stderr %q; want exit %d and %q", value, code, stderr, ExitUsage, "--regions: no region given")
		}
	}
}
