package motocontract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// motoServer is one moto server process serving on a loopback port of its
// own, so that several copies of the suite can run at once.
type motoServer struct {
	URL     string // http://127.0.0.1:PORT
	Version string // moto.__version__
	Python  string // the interpreter that serves it

	mu  sync.Mutex
	log bytes.Buffer // moto's output, shown when a test fails
}

func (m *motoServer) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.log.Write(p)
}

// Log is what moto printed so far.
func (m *motoServer) Log() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.log.String()
}

// pythons are the interpreters tried, in order: the python3 on PATH (pip's
// moto, e.g. under pyenv) and Debian's, where `apt-get install
// python3-moto` puts it.
func pythons() []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			real = p
		}
		if !seen[real] {
			seen[real] = true
			out = append(out, p)
		}
	}
	return out
}

// motoVersion asks python for moto's version; the error says why there is
// none.
func motoVersion(python string) (string, error) {
	out, err := exec.Command(python, "-c", "import moto, werkzeug, flask; print(moto.__version__)").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s cannot import moto's server (%v: %s)", python, err, lastLine(string(out)))
	}
	return strings.TrimSpace(string(out)), nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// runningOn is the line werkzeug prints once moto's server listens.
var runningOn = regexp.MustCompile(`Running on (http://127\.0\.0\.1:\d+)`)

// startMoto starts `python3 -m moto.server` on 127.0.0.1 and a port the
// kernel picks (-p 0), reads the port from its output, waits until it
// answers, and stops it when the test ends. Without a python3 that has moto
// the test is skipped, loudly, with the reason.
func startMoto(t *testing.T) *motoServer {
	t.Helper()
	candidates := pythons()
	if len(candidates) == 0 {
		t.Skip("MOTO CONTRACT TESTS SKIPPED: no python3 found")
	}
	var reasons []string
	for _, python := range candidates {
		m, err := tryMoto(t, python)
		if err == nil {
			t.Logf("moto %s (%s) serving on %s", m.Version, m.Python, m.URL)
			return m
		}
		reasons = append(reasons, err.Error())
	}
	t.Skipf("MOTO CONTRACT TESTS SKIPPED: no python3 with moto: %s; install moto for python3 (pip install 'moto[server]', or Debian's python3-moto where the release packages it)", strings.Join(reasons, "; "))
	return nil
}

// tryMoto starts moto's server with python. The version check runs beside
// the start, since each import of moto takes seconds; an error means python
// has no moto (the server, if any, is stopped). Any other failure fails the
// test.
func tryMoto(t *testing.T, python string) (*motoServer, error) {
	t.Helper()
	type versionResult struct {
		version string
		err     error
	}
	versionDone := make(chan versionResult, 1)
	go func() {
		v, err := motoVersion(python)
		versionDone <- versionResult{v, err}
	}()

	m := &motoServer{Python: python}
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0")
	// MOTO_ACCOUNT_ID would put every request in one account, whatever its
	// credentials: the organization needs moto's per-credential accounts.
	// TZ=UTC: moto turns its UTC clock into epoch seconds with
	// time.mktime, which reads the time as local; only in UTC are the epoch
	// times it answers (GetTrailStatus LatestDeliveryTime) right.
	cmd.Env = append(withoutEnv(os.Environ(), "MOTO_ACCOUNT_ID", "AWS_ENDPOINT_URL", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "TZ"), "TZ=UTC")
	out, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = m
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto server: %v", err)
	}
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}

	// werkzeug logs every request to stderr: keep draining it into the log
	// for the server's whole life, so that it never blocks on a full pipe.
	found := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			_, _ = m.Write([]byte(line))
			if match := runningOn.FindStringSubmatch(line); match != nil {
				select {
				case found <- match[1]:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()

	v := <-versionDone
	if v.err != nil {
		stop()
		return nil, v.err
	}
	m.Version = v.version
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("moto server output (last 4000 bytes):\n%s", tail(m.Log(), 4000))
		}
	})
	select {
	case m.URL = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("moto server did not report its address within 60s; output:\n%s", m.Log())
	}

	// Ready when its management API answers; bounded.
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(m.URL + "/moto-api/data.json")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
			err = errors.New(resp.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto server at %s not ready within 30s: %v", m.URL, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, n := range names {
			drop = drop || name == n
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
