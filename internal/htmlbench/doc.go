// Command htmlbench measures the HTML report of a large organization: it
// generates a world (awssim.Generate), serves it in process without latency
// or rate limits, runs the real scan and evaluation (internal/scan), and
// writes report.json and report.html into -out, printing their sizes.
//
// With -chromium it then opens the page in headless Chromium (internal/cdp,
// a fresh browser per load) and prints, for the page and for an empty page
// as reference, the page's own timings: when its script starts (the HTML
// before it parsed) and ends, DOMContentLoaded, the load event, the first
// contentful paint and the first frame after load, plus the DOM size and
// the load average. -from renders the page from an earlier report.json
// without scanning again; -open only measures a page; -screenshots also
// writes report-1280.png and report-390.png next to it.
//
//	go run ./internal/htmlbench -accounts 1000 -regions 4 -out /tmp/hb -chromium chromium
//	go run ./internal/htmlbench -from /tmp/hb/report.json -out /tmp/hb2 -chromium chromium -screenshots
package main
