// Command htmlbench measures the HTML report of a large organization: it
// generates a world (awssim.Generate), serves it in process without latency
// or rate limits, runs the real scan and evaluation (internal/scan), and
// writes report.json and report.html into -out, printing their sizes. Open
// the HTML in headless Chromium to time it, e.g.
//
//	go run ./internal/htmlbench -accounts 1000 -regions 4 -out /tmp/hb
//	time chromium --headless --no-sandbox --dump-dom file:///tmp/hb/report.html >/dev/null
package main
