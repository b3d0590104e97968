package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestNotifyPostsToTheWebhook runs 'baseline notify' on a demo report
// against a local server: one POST of the Slack payload, the run link from
// the GitHub environment, and the URL in no output.
func TestNotifyPostsToTheWebhook(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	var out, errb bytes.Buffer
	if err := Execute(context.Background(), []string{"scan", "--demo", "-q", "--format", "json", "-o", rep}, &out, &errb); ExitCode(err) != ExitFailing {
		t.Fatalf("demo scan: %v %s", err, errb.String())
	}
	var mu sync.Mutex
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	defer srv.Close()
	secretURL := srv.URL + "/services/T0/B0/topsecret"
	t.Setenv("MY_HOOK", secretURL)
	t.Setenv("GITHUB_SERVER_URL", "https://github.com")
	t.Setenv("GITHUB_REPOSITORY", "acme/security")
	t.Setenv("GITHUB_RUN_ID", "777")

	out.Reset()
	errb.Reset()
	err := Execute(context.Background(), []string{"notify", rep, "--kind", "slack", "--webhook-url-env", "MY_HOOK", "--team", "payments"}, &out, &errb)
	if err != nil {
		t.Fatalf("notify: %v\n%s", err, errb.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("%d POSTs, want 1", len(bodies))
	}
	var m struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(bodies[0], &m); err != nil {
		t.Fatal(err)
	}
	all := string(bodies[0])
	if !strings.Contains(m.Text, "team payments") || !strings.Contains(all, "https://github.com/acme/security/actions/runs/777|View the run") {
		t.Errorf("payload:\n%s", all)
	}
	if strings.Contains(all, `"text":"*By team*`) {
		t.Error("a one-team message lists every team")
	}
	if strings.Contains(out.String()+errb.String(), "topsecret") {
		t.Errorf("the webhook URL was printed:\n%s%s", out.String(), errb.String())
	}

	// Errors name the variable, never its value.
	for name, tc := range map[string]struct {
		env  string
		args []string
		want string
	}{
		"unset":      {"", []string{"--kind", "teams", "--webhook-url-env", "NO_SUCH_HOOK_VAR"}, "NO_SUCH_HOOK_VAR is empty or unset"},
		"plain http": {"http://hooks.example.com/services/topsecret", []string{"--kind", "teams", "--webhook-url-env", "MY_HOOK"}, "must be https"},
		"bad kind":   {"", []string{"--kind", "discord"}, `--kind: "discord" is not slack or teams`},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("MY_HOOK", tc.env)
			}
			var out, errb bytes.Buffer
			err := Execute(context.Background(), append([]string{"notify", rep}, tc.args...), &out, &errb)
			if ExitCode(err) != ExitUsage || !strings.Contains(errb.String(), tc.want) || strings.Contains(errb.String(), "topsecret") {
				t.Errorf("exit %d, stderr %q, want %q", ExitCode(err), errb.String(), tc.want)
			}
		})
	}
}
