package yamlfile_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/teams"
	"github.com/baseline-scanner/baseline/internal/waivers"
	"github.com/baseline-scanner/baseline/internal/yamlfile"
	"github.com/baseline-scanner/baseline/policies"
)

// loader is one of the four YAML files baseline reads.
type loader struct {
	name   string
	limits yamlfile.Limits
	parse  func(ctx context.Context, name string, data []byte) error
	load   func(ctx context.Context, path string) error
	// unknown is a document with an unknown field at 1:3 (or, for the
	// teams file, whose keys are free, a key that is no account id),
	// and unknownMsg the message expected there.
	unknown, unknownMsg string
}

func loaders() []loader {
	return []loader{
		{"config", yamlfile.Config,
			func(ctx context.Context, name string, data []byte) error {
				_, err := policies.ParseConfig(ctx, name, data)
				return err
			},
			func(ctx context.Context, path string) error { _, err := policies.LoadConfig(ctx, path); return err },
			"  bogus: 1\n", `unknown field "bogus"`},
		{"waivers", yamlfile.Config,
			func(ctx context.Context, name string, data []byte) error {
				_, err := waivers.Parse(ctx, name, data)
				return err
			},
			func(ctx context.Context, path string) error { _, err := waivers.Load(ctx, path); return err },
			"- bogus: 1\n", `unknown field "bogus"`},
		{"teams", yamlfile.Config,
			func(ctx context.Context, name string, data []byte) error {
				_, err := teams.Parse(ctx, name, data)
				return err
			},
			func(ctx context.Context, path string) error { _, err := teams.Load(ctx, path); return err },
			"  bogus: platform\n", `"bogus" is not a 12-digit AWS account id`},
		{"world", yamlfile.World,
			func(ctx context.Context, name string, data []byte) error {
				_, err := awssim.ParseWorld(ctx, name, data)
				return err
			},
			func(ctx context.Context, path string) error { _, err := awssim.LoadWorld(ctx, path); return err },
			"  bogus: 1\n", `unknown field "bogus"`},
	}
}

// laughs is a "billion laughs" mapping: about 430 million nodes once
// expanded, in under 500 bytes.
func laughs() string {
	var b strings.Builder
	b.WriteString(`a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]` + "\n")
	for i, prev := range "abcdefgh" {
		name := string("bcdefghi"[i])
		fmt.Fprintf(&b, "%s: &%s [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	return b.String()
}

// TestLoadersShareOneErrorFormat feeds every loader the same bad inputs:
// each refuses them with the same one-line error at the same position.
func TestLoadersShareOneErrorFormat(t *testing.T) {
	for _, l := range loaders() {
		oversized := "# " + strings.Repeat("x", int(l.limits.MaxBytes))
		for _, tc := range []struct {
			name, in, want string
		}{
			{"syntax error", "a: [1, 2\n", `^f\.yaml:1:4: `},
			{"unknown field", l.unknown, `^f\.yaml:1:3: ` + regexp.QuoteMeta(l.unknownMsg)},
			{"alias bomb", laughs(), `^f\.yaml:6:8: YAML aliases expand this document by more than 100000 nodes; write the values out instead$`},
			{"self alias", "a: &a [*a]\n", `^f\.yaml:1:8: alias \*a is inside the anchor it names$`},
			{"tag", "a: !!str 5\n", `^f\.yaml:1:4: YAML tags such as "!!str" are not supported; remove the tag$`},
			{"two documents", "a: 1\n---\nb: 2\n", `^f\.yaml:2:1: a second YAML document; this file holds one document, so remove the "---" or merge the two$`},
			{"oversized", oversized, fmt.Sprintf(`^f\.yaml:1:%d: the file is larger than %d MiB, the most read for this kind of file$`, l.limits.MaxBytes+1, l.limits.MaxBytes>>20)},
		} {
			t.Run(l.name+"/"+tc.name, func(t *testing.T) {
				err := l.parse(t.Context(), "f.yaml", []byte(tc.in))
				if err == nil || strings.Contains(err.Error(), "\n") || !regexp.MustCompile(tc.want).MatchString(err.Error()) {
					t.Errorf("error = %v, want one line matching %s", err, tc.want)
				}
			})
		}
	}
}

// TestLoadersStopWhenCanceled: a cancelled context (SIGINT in the CLI) stops
// every loader with an error that wraps context.Canceled.
func TestLoadersStopWhenCanceled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.yaml")
	if err := os.WriteFile(path, []byte(laughs()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, l := range loaders() {
		if err := l.parse(ctx, "f.yaml", []byte("{}")); !errors.Is(err, context.Canceled) || err.Error() != "f.yaml: reading stopped: context canceled" {
			t.Errorf("%s: Parse: %v", l.name, err)
		}
		if err := l.load(ctx, path); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: Load: %v", l.name, err)
		}
	}
}

// TestReadReturnsWhenCanceledWhileBlocked opens a FIFO nobody writes to:
// the open blocks, and Read returns once the context is cancelled.
func TestReadReturnsWhenCanceledWhileBlocked(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() {
		// Unblock the abandoned open, then let it read EOF.
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	ctx, cancel := context.WithCancel(t.Context())
	errs := make(chan error, 1)
	go func() {
		_, err := yamlfile.Read(ctx, fifo, yamlfile.Config)
		errs <- err
	}()
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Errorf("Read = %v, want context.Canceled", err)
	}
}

// TestLoadRefusesOversizedFile reads no more than the limit allows.
func TestLoadRefusesOversizedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	data := []byte("a: 1\n# " + strings.Repeat("x", 10<<20))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, l := range loaders() {
		if l.limits != yamlfile.Config {
			continue
		}
		err := l.load(t.Context(), path)
		want := path + ":2:" + fmt.Sprint(10<<20-5+1) + ": the file is larger than 10 MiB, the most read for this kind of file"
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("%s: %v, want …%s", l.name, err, want)
		}
	}
}
