package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/baseline-scanner/baseline/report"
)

// TestWriteKeepsSpecialFiles: writing a report to a FIFO, a character
// device or through a symlink writes into it; it never replaces the node
// with a regular file (as root, -o /dev/null once replaced the machine's
// /dev/null). The device here is a null device made in a temporary folder.
func TestWriteKeepsSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(path string) error {
		return writeFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "report\n"); return err })
	}

	t.Run("fifo", func(t *testing.T) {
		fifo := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		// Opened for reading first, without blocking, so that a writer
		// can open it and nothing waits forever if the write goes elsewhere.
		r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if err := write(fifo); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64)
		n, _ := r.Read(buf)
		if s := string(buf[:n]); s != "report\n" {
			t.Errorf("the FIFO's reader got %q", s)
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
		}
	})

	t.Run("character device", func(t *testing.T) {
		null := filepath.Join(dir, "null")
		if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
			t.Skipf("mknod (needs root): %v", err)
		}
		if err := write(null); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("the device was replaced: %v %v", fi.Mode(), err)
		}
	})

	t.Run("symlink", func(t *testing.T) {
		target := filepath.Join(dir, "real.json")
		if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink("real.json", link); err != nil {
			t.Fatal(err)
		}
		if err := write(link); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the symlink was replaced: %v %v", fi.Mode(), err)
		}
		if b, _ := os.ReadFile(target); string(b) != "report\n" {
			t.Errorf("the link's target holds %q", b)
		}
		if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
			t.Errorf("the target's mode is %v, want it kept (0640)", fi.Mode().Perm())
		}
	})
}

// TestOutputDirectoryCheckedBeforeScanning: -o into a folder that does not
// exist is a usage error before anything is collected, not after the scan.
func TestOutputDirectoryCheckedBeforeScanning(t *testing.T) {
	_, stderr, code := run(t, "scan", "--demo", "-q", "--format", "json", "-o", filepath.Join(t.TempDir(), "missing", "r.json"))
	if code != ExitUsage || !strings.Contains(stderr, "-o: folder") {
		t.Errorf("exit %d, stderr %q; want exit %d naming the missing folder", code, stderr, ExitUsage)
	}
	if strings.Contains(stderr, "collecting") {
		t.Errorf("the scan ran before the output was checked:\n%s", stderr)
	}
}

// TestEvalLimitFlags: --eval-max-memory and --eval-timeout are checked
// before anything is scanned.
func TestEvalLimitFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--eval-max-memory", "12XB"}, `--eval-max-memory: "12XB" is not a size such as 512MiB or 4GiB (or 0 for no bound)`},
		{[]string{"--eval-max-memory", "-1GiB"}, `--eval-max-memory: "-1GiB" is not a size`},
		{[]string{"--eval-timeout", "-1s"}, "--eval-timeout: must not be negative, got -1s"},
	} {
		_, stderr, code := run(t, append([]string{"scan", "--demo", "-q"}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, ExitUsage, tc.want)
		}
	}
	for _, v := range []string{"0", "512MiB", "4GiB"} {
		if _, stderr, code := run(t, "scan", "--demo", "-q", "--eval-max-memory", v, "--format", "json", "-o", filepath.Join(t.TempDir(), "r.json")); code == ExitUsage {
			t.Errorf("--eval-max-memory %s: usage error %q", v, stderr)
		}
	}
}

// failingWriter renders nothing and fails, like a format that cannot be
// written.
type failingWriter struct{}

func (failingWriter) Write(io.Writer, report.Document) error { return errors.New("broken format") }
func (failingWriter) Extension() string                      { return "broken" }

// TestOutDirAllOrNone: when one format fails, --out-dir gets none of them,
// so the folder never mixes this scan's files with an older scan's.
func TestOutDirAllOrNone(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "report.json"), []byte("last week"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := &report.Report{}
	rep.Finalize()
	err := writeAll(dir, []report.Writer{report.JSONWriter{}, failingWriter{}}, rep)
	if err == nil || !strings.Contains(err.Error(), "write report.broken: broken format (no file written in ") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "report.json")); string(b) != "last week" {
		t.Errorf("report.json was written although another format failed: %q", b)
	}
	// The formats are rendered into temporary files beside their
	// destinations: none is left behind.
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files in the folder after the failed write: %q (%v), want only report.json", names, err)
	}
	if err := writeAll(dir, []report.Writer{report.JSONWriter{}, report.TableWriter{}}, rep); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"report.json", "report.txt"} {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); len(b) == 0 || string(b) == "last week" {
			t.Errorf("%s = %q after a good write", name, b)
		}
	}
}

// TestOutDirWritesIntoAFIFO: a report.<extension> of --out-dir that is a
// FIFO gets the report written into it (rendered aside first, like the
// other formats), and stays a FIFO.
func TestOutDirWritesIntoAFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "report.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep := &report.Report{}
	rep.Finalize()
	if err := writeAll(dir, []report.Writer{report.JSONWriter{}, report.TableWriter{}}, rep); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := (report.JSONWriter{}).Write(&want, rep); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	n, _ := r.Read(buf)
	if string(buf[:n]) != want.String() {
		t.Errorf("the FIFO's reader got %q, want %q", buf[:n], want.String())
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "report.txt")); len(b) == 0 {
		t.Error("report.txt was not written")
	}
}

// TestStderrPassesNoEscapeSequences: a fatal error quoting a name (here a
// file name) with terminal escape sequences reaches stderr without them.
func TestStderrPassesNoEscapeSequences(t *testing.T) {
	_, stderr, code := run(t, "diff", filepath.Join(t.TempDir(), "\x1b[2J\x1b]52;c;ZXZpbA==\x07old.json"), "new.json")
	if code != ExitUsage {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if strings.ContainsAny(stderr, "\x1b\x07") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr is not one clean line: %q", stderr)
	}
	if !strings.Contains(stderr, "old.json") {
		t.Errorf("stderr does not name the file: %q", stderr)
	}
}
