package cdp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Browser is one headless Chromium with one page, attached. Its methods are
// not safe for concurrent use; run several browsers for parallel work.
type Browser struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Reader
	stderr  *bytes.Buffer
	next    int
	session string
	events  []message // events read while waiting for a reply
	opened  bool      // a page was opened: the next Open leaves it first
	Width   int
	Height  int
}

// message is a request, reply or event; on the pipe each is JSON ended by
// a NUL byte (requests on the browser's fd 3, replies and events on fd 4).
type message struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// Start runs chromium (a path or a name on PATH) with a fresh profile in a
// new folder under dir, and attaches to a blank page of width × height CSS
// pixels; below 600 px wide it emulates a phone (mobile viewport). The
// browser is killed when ctx ends, which also ends any wait for it.
func Start(ctx context.Context, chromium, dir string, width, height int) (*Browser, error) {
	profile, err := os.MkdirTemp(dir, "chromium-profile-")
	if err != nil {
		return nil, err
	}
	theirIn, ourOut, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ourIn, theirOut, err := os.Pipe()
	if err != nil {
		theirIn.Close()
		ourOut.Close()
		return nil, err
	}
	cmd := exec.CommandContext(ctx, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir="+profile, "--remote-debugging-pipe",
		fmt.Sprintf("--window-size=%d,%d", width, height), "about:blank")
	cmd.ExtraFiles = []*os.File{theirIn, theirOut} // fd 3 and fd 4
	b := &Browser{cmd: cmd, in: ourOut, out: bufio.NewReaderSize(ourIn, 1<<20), stderr: &bytes.Buffer{}, Width: width, Height: height}
	cmd.Stderr = b.stderr
	err = cmd.Start()
	theirIn.Close()
	theirOut.Close()
	if err != nil {
		ourOut.Close()
		ourIn.Close()
		return nil, err
	}
	if err := b.attach(); err != nil {
		b.Close()
		return nil, fmt.Errorf("chromium: %w\n%s", err, b.stderr.String())
	}
	return b, nil
}

func (b *Browser) attach() error {
	var targets struct {
		TargetInfos []struct{ TargetID, Type string } `json:"targetInfos"`
	}
	if err := b.call("", "Target.getTargets", nil, &targets); err != nil {
		return err
	}
	target := ""
	for _, t := range targets.TargetInfos {
		if t.Type == "page" {
			target = t.TargetID
			break
		}
	}
	if target == "" {
		var created struct{ TargetID string }
		if err := b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &created); err != nil {
			return err
		}
		target = created.TargetID
	}
	var attached struct{ SessionID string }
	if err := b.call("", "Target.attachToTarget", map[string]any{"targetId": target, "flatten": true}, &attached); err != nil {
		return err
	}
	b.session = attached.SessionID
	if err := b.call(b.session, "Page.enable", nil, nil); err != nil {
		return err
	}
	return b.call(b.session, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": b.Width, "height": b.Height, "deviceScaleFactor": 1, "mobile": b.Width < 600}, nil)
}

// call sends one request and waits for its reply, keeping the events that
// arrive meanwhile.
func (b *Browser) call(session, method string, params, result any) error {
	b.next++
	id := b.next
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := b.in.Write(append(data, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	for {
		m, err := b.read()
		if err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		if m.ID != id {
			if m.Method != "" {
				b.events = append(b.events, m)
			}
			continue
		}
		if m.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, m.Error.Message, m.Error.Code)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	}
}

func (b *Browser) read() (message, error) {
	data, err := b.out.ReadBytes(0)
	if err != nil {
		return message{}, err
	}
	var m message
	err = json.Unmarshal(data[:len(data)-1], &m)
	return m, err
}

// waitEvent returns once the page sends method.
func (b *Browser) waitEvent(method string) error {
	for i, e := range b.events {
		if e.Method == method && e.SessionID == b.session {
			b.events = append(b.events[:i], b.events[i+1:]...)
			return nil
		}
	}
	for {
		m, err := b.read()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", method, err)
		}
		if m.Method == method && m.SessionID == b.session {
			return nil
		}
	}
}

// Open navigates to a local file (with an optional #fragment) and returns
// once its load event has fired. A page opened before is left for a blank
// one first, so that opening the same file with another fragment loads it
// again instead of only scrolling.
func (b *Browser) Open(path, fragment string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if b.opened {
		if err := b.navigate("about:blank"); err != nil {
			return err
		}
	}
	b.opened = true
	return b.navigate("file://" + abs + fragment)
}

func (b *Browser) navigate(url string) error {
	b.events = nil
	var nav struct{ ErrorText string }
	if err := b.call(b.session, "Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("open %s: %s", url, nav.ErrorText)
	}
	return b.waitEvent("Page.loadEventFired")
}

// Evaluate runs expression in the page (DevTools is not bound by the page's
// CSP), awaits it when it is a promise, and decodes its value into value
// (which may be nil).
func (b *Browser) Evaluate(expression string, value any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := b.call(b.session, "Runtime.evaluate", map[string]any{"expression": expression, "awaitPromise": true, "returnByValue": true}, &r); err != nil {
		return err
	}
	if e := r.ExceptionDetails; e != nil {
		return fmt.Errorf("evaluate: %s %s", e.Text, e.Exception.Description)
	}
	if value == nil || len(r.Result.Value) == 0 {
		return nil
	}
	return json.Unmarshal(r.Result.Value, value)
}

// Screenshot writes the top of the page, at most maxHeight CSS pixels of it,
// as a PNG.
func (b *Browser) Screenshot(path string, maxHeight int) error {
	var height float64
	if err := b.Evaluate("document.documentElement.scrollHeight", &height); err != nil {
		return err
	}
	var shot struct{ Data string }
	params := map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": b.Width, "height": min(int(height), maxHeight), "scale": 1}}
	if err := b.call(b.session, "Page.captureScreenshot", params, &shot); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// ScreenshotAround writes as a PNG the part of the page around the first
// element matching selector: margin CSS pixels above and below it.
func (b *Browser) ScreenshotAround(path, selector string, margin int) error {
	var box struct{ Top, Height float64 }
	sel, err := json.Marshal(selector)
	if err != nil {
		return err
	}
	expr := `(function () { var e = document.querySelector(` + string(sel) + `); if (!e) { throw new Error("no " + ` + string(sel) + `); }
	  var r = e.getBoundingClientRect(); return {top: r.top + window.scrollY, height: r.height}; })()`
	if err := b.Evaluate(expr, &box); err != nil {
		return err
	}
	top := max(0, int(box.Top)-margin)
	var shot struct{ Data string }
	params := map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": top, "width": b.Width, "height": int(box.Height) + 2*margin, "scale": 1}}
	if err := b.call(b.session, "Page.captureScreenshot", params, &shot); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// Close ends the browser: politely, then by kill after 10 s.
func (b *Browser) Close() {
	if b.session != "" {
		_ = b.call("", "Browser.close", nil, nil)
	}
	b.in.Close()
	done := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		<-done
	}
}
