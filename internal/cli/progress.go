package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/redact"
	"github.com/baseline-scanner/baseline/report"
)

// statusInterval is how often a non-terminal stderr (a CI log) gets a
// status line; a terminal is redrawn every terminalInterval.
const (
	statusInterval   = 10 * time.Second
	terminalInterval = 200 * time.Millisecond
)

// stderrObserver shows a scan's progress on stderr: status lines, the live
// progress, and the call summary. Status lines carry AWS-supplied names, so
// they are redacted and stripped of terminal control sequences.
type stderrObserver struct {
	w        io.Writer
	terminal bool
	once     sync.Once
	locked   *lockedWriter
}

// out is w, one Write at a time: status lines and the live line's redraws
// come from different goroutines and must not interleave.
func (o *stderrObserver) out() *lockedWriter {
	o.once.Do(func() { o.locked = &lockedWriter{w: o.w} })
	return o.locked
}

func (o *stderrObserver) Status(line string) {
	text := report.TerminalText(redact.Secrets("baseline: "+line)) + "\n"
	if o.terminal {
		text = "\r\x1b[K" + text // over the live line, which the next tick redraws
	}
	_, _ = io.WriteString(o.out(), text)
}

func (o *stderrObserver) Collecting(p *checks.Progress) func() {
	return startProgress(o.out(), o.terminal, p, nil, nil)
}

func (o *stderrObserver) Collected(stats []checks.ServiceStats, elapsed time.Duration, errors int) {
	fmt.Fprintln(o.out(), callSummary(stats, elapsed, errors))
}

// lockedWriter serializes Writes.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// progressDisplay shows a collection's progress on stderr: a live line on
// a terminal, a status line every statusInterval otherwise.
type progressDisplay struct {
	w        io.Writer
	terminal bool
	progress *checks.Progress
	now      func() time.Time
	start    time.Time

	stop chan struct{}
	done sync.WaitGroup
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0 && f.Name() != os.DevNull
}

// startProgress shows p on w until the returned stop is called. tick
// delivers redraw instants; nil uses a real ticker (terminalInterval or
// statusInterval). now is the clock that marks the start (time.Now when nil).
func startProgress(w io.Writer, terminal bool, p *checks.Progress, now func() time.Time, tick <-chan time.Time) func() {
	if now == nil {
		now = time.Now
	}
	d := &progressDisplay{w: w, terminal: terminal, progress: p, now: now, start: now(), stop: make(chan struct{})}
	var ticker *time.Ticker
	if tick == nil {
		interval := statusInterval
		if terminal {
			interval = terminalInterval
		}
		ticker = time.NewTicker(interval)
		tick = ticker.C
	}
	d.done.Add(1)
	go func() {
		defer d.done.Done()
		for {
			select {
			case <-d.stop:
				return
			case at := <-tick:
				d.draw(at)
			}
		}
	}()
	return func() {
		close(d.stop)
		d.done.Wait()
		if ticker != nil {
			ticker.Stop()
		}
		if d.terminal {
			fmt.Fprint(d.w, "\r\x1b[K") // clear the live line
		}
	}
}

// draw shows the progress at the instant a tick delivered.
func (d *progressDisplay) draw(at time.Time) {
	line := statusLine(d.progress.State(), at, d.start)
	if d.terminal {
		fmt.Fprintf(d.w, "\r\x1b[K%s", line)
		return
	}
	fmt.Fprintf(d.w, "%s\n", line)
}

// statusLine is one progress line, e.g.
//
//	baseline: accounts 120/200, regions 480/800, 5321 API calls, 12 retries, 0 errors, 12s elapsed, ETA 8s
//
// During discovery and team-tag reads it says so, from the first second:
//
//	baseline: discovering accounts: 340 listed, 18 API calls, 4s elapsed
//
// Team tags are read beside collection (scan.Collect); until they are all
// read, the collection line counts them too.
//
// The ETA is the remaining collection work at the rate measured since
// collection began (discovery's time would make it too long).
func statusLine(s checks.ProgressState, at time.Time, start time.Time) string {
	elapsed := at.Sub(start)
	var b strings.Builder
	switch s.Phase {
	case checks.PhaseStarting:
		fmt.Fprintf(&b, "baseline: starting, %d API calls, %s elapsed", s.Calls, roundDuration(elapsed))
		return b.String()
	case checks.PhaseDiscovery:
		fmt.Fprintf(&b, "baseline: discovering accounts: %d listed, %d API calls, %s elapsed", s.Listed, s.Calls, roundDuration(elapsed))
		return b.String()
	case checks.PhaseTeamTags:
		fmt.Fprintf(&b, "baseline: reading team tags: %d/%d accounts, %d API calls, %d errors, %s elapsed", s.TagsDone, s.TagsTotal, s.Calls, s.Errors, roundDuration(elapsed))
		return b.String()
	}
	fmt.Fprintf(&b, "baseline: accounts %d/%d, regions %d/%d, %d roles assumed, %d API calls, %d retries, %d errors, %s elapsed",
		s.AccountsDone, s.AccountsTotal, s.RegionsDone, s.RegionsTotal, s.RolesAssumed, s.Calls, s.Retries, s.Errors, roundDuration(elapsed))
	if s.TagsTotal > 0 && s.TagsDone < s.TagsTotal {
		fmt.Fprintf(&b, ", team tags %d/%d", s.TagsDone, s.TagsTotal)
	}
	collecting := elapsed
	if !s.PhaseStart.IsZero() && !at.Before(s.PhaseStart) {
		collecting = at.Sub(s.PhaseStart)
	}
	if f := s.Fraction(); f > 0 && f < 1 && collecting > 0 {
		eta := time.Duration(float64(collecting) * (1 - f) / f)
		fmt.Fprintf(&b, ", ETA %s", roundDuration(eta))
	}
	return b.String()
}

// roundDuration rounds to what a person reads: 850ms, 12s, 3m20s.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(10 * time.Millisecond)
	case d < time.Minute:
		return d.Round(time.Second)
	}
	return d.Round(10 * time.Second)
}

// callSummary is the end-of-collection line: API calls and retries by service.
func callSummary(stats []checks.ServiceStats, elapsed time.Duration, errors int) string {
	var calls, retries []string
	total, totalRetries := 0, 0
	for _, s := range stats {
		total += s.Calls
		totalRetries += s.Retries
		calls = append(calls, fmt.Sprintf("%s %d", s.Service, s.Calls))
		if s.Retries > 0 {
			retries = append(retries, fmt.Sprintf("%s %d", s.Service, s.Retries))
		}
	}
	line := fmt.Sprintf("baseline: collected in %s: %d API calls (%s), %d retries", elapsed.Round(time.Millisecond), total, strings.Join(calls, ", "), totalRetries)
	if len(retries) > 0 {
		line += " (" + strings.Join(retries, ", ") + ")"
	}
	return line + fmt.Sprintf(", %d collection error(s)", errors)
}
