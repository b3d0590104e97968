// Package cdp drives headless Chromium over the DevTools protocol on a pipe
// (--remote-debugging-pipe), with no websocket library: enough to open a
// page, wait for its load event, evaluate script in it and take a
// screenshot. The HTML report's browser tests and internal/htmlbench use it.
package cdp
