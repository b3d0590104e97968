package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/baseline-scanner/baseline/internal/cdp"
)

// pageTiming is what one load of a page took, in milliseconds from the
// start of the navigation (the page's own clock) except Wall.
type pageTiming struct {
	Start        float64 // browser start-up until its page answers (Go's clock)
	Wall         float64 // navigation asked until the first frame after load (Go's clock)
	Response     float64 `json:"response"`     // the file read
	ScriptStart  float64 `json:"scriptStart"`  // the page's script begins: the HTML before it is parsed
	ScriptEnd    float64 `json:"scriptEnd"`    // and ends
	Interactive  float64 `json:"interactive"`  // domInteractive
	DCL          float64 `json:"dcl"`          // DOMContentLoaded handlers done
	Load         float64 `json:"load"`         // load event done
	FCP          float64 `json:"fcp"`          // first contentful paint
	Frame        float64 `json:"frame"`        // the first frame after load: style and layout done
	Nodes        int     `json:"nodes"`        // elements in the DOM
	ScrollHeight int     `json:"scrollHeight"` // page height in CSS pixels
	ScrollWidth  int     `json:"scrollWidth"`  // wider than the viewport means sideways scrolling
}

// timingScript resolves, after the load event and one more frame, to the
// page's navigation timing, its script marks and the paint entries.
const timingScript = `new Promise(function (resolve) {
  function done() {
    requestAnimationFrame(function () { setTimeout(function () {
      var nav = performance.getEntriesByType("navigation")[0];
      var mark = function (n) { var m = performance.getEntriesByName(n); return m.length ? m[0].startTime : -1; };
      var fcp = performance.getEntriesByName("first-contentful-paint");
      resolve({
        response: nav.responseEnd, scriptStart: mark("baseline:script-start"), scriptEnd: mark("baseline:script-end"),
        interactive: nav.domInteractive, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
        fcp: fcp.length ? fcp[0].startTime : -1, frame: performance.now(),
        nodes: document.getElementsByTagName("*").length,
        scrollHeight: document.documentElement.scrollHeight, scrollWidth: document.documentElement.scrollWidth
      });
    }, 0); });
  }
  if (document.readyState === "complete") { setTimeout(done, 0); } else { addEventListener("load", function () { setTimeout(done, 0); }); }
})`

// loadPage starts a fresh browser, opens path and measures it; with shot
// set, it also writes a screenshot of the first screens.
func loadPage(ctx context.Context, chromium, dir, path string, width, height int, shot string) (pageTiming, error) {
	var t pageTiming
	start := time.Now()
	b, err := cdp.Start(ctx, chromium, dir, width, height)
	if err != nil {
		return t, err
	}
	defer b.Close()
	t.Start = ms(time.Since(start))
	nav := time.Now()
	if err := b.Open(path, ""); err != nil {
		return t, err
	}
	if err := b.Evaluate(timingScript, &t); err != nil {
		return t, err
	}
	t.Wall = ms(time.Since(nav))
	if shot != "" {
		if err := b.Screenshot(shot, 4*height); err != nil {
			return t, err
		}
		// The end of the displayed rows, where "Show more" is.
		var paged bool
		if err := b.Evaluate(`!!document.getElementById("paging")`, &paged); err != nil {
			return t, err
		}
		if paged {
			if err := b.ScreenshotAround(strings.TrimSuffix(shot, ".png")+"-more.png", "#paging", height/2); err != nil {
				return t, err
			}
		}
	}
	return t, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// measureInChromium loads the empty page and the report runs times each,
// each in a fresh browser, and prints the timings; screenshots of the
// report at 1280 and 390 px go next to it.
func measureInChromium(ctx context.Context, chromium, page string, runs int, screenshots bool) error {
	dir, err := os.MkdirTemp("", "htmlbench-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	empty := filepath.Join(dir, "empty.html")
	if err := os.WriteFile(empty, []byte("<!DOCTYPE html><html lang=en><title>empty</title><p>empty</p>"), 0o644); err != nil {
		return err
	}
	info, err := os.Stat(page)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes (%.2f MB); load average %s\n", page, info.Size(), float64(info.Size())/1e6, loadAverage())
	fmt.Printf("%-8s %4s %8s %8s %8s %8s %8s %8s %8s %8s %8s %7s %7s\n",
		"page", "run", "startup", "wall", "parsed", "script", "dcl", "load", "fcp", "frame", "script-ms", "nodes", "height")
	for i := range runs {
		for _, p := range []struct{ name, path string }{{"empty", empty}, {"report", page}} {
			t, err := loadPage(ctx, chromium, dir, p.path, 1280, 800, "")
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			fmt.Printf("%-8s %4d %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.1f %7d %7d\n", p.name, i+1,
				t.Start, t.Wall, t.ScriptStart, t.ScriptEnd, t.DCL, t.Load, t.FCP, t.Frame, t.ScriptEnd-t.ScriptStart, t.Nodes, t.ScrollHeight)
		}
	}
	fmt.Println("ms; startup and wall by this program's clock, the rest by the page's from the start of its navigation;")
	fmt.Println("parsed = the page's script starts (all HTML before it parsed), frame = first frame after the load event")
	if !screenshots {
		return nil
	}
	for _, width := range []int{1280, 390} {
		height := 800
		if width < 600 {
			height = 844
		}
		shot := filepath.Join(filepath.Dir(page), fmt.Sprintf("report-%d.png", width))
		t, err := loadPage(ctx, chromium, dir, page, width, height, shot)
		if err != nil {
			return err
		}
		fmt.Printf("%s: %d px wide page (scroll width %d, height %d)\n", shot, width, t.ScrollWidth, t.ScrollHeight)
	}
	return nil
}

// loadAverage is the first three fields of /proc/loadavg, "?" elsewhere.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := bytes.Fields(data)
	if len(f) < 3 {
		return "?"
	}
	return string(bytes.Join(f[:3], []byte(" ")))
}
