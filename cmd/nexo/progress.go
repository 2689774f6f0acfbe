package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressLine shows how far long work is. On a terminal it redraws one line
// in place (a bar when the total is known), five times a second at most;
// into a pipe or a log file (`nexo import … 2>file`) it writes plain lines,
// one per phase and then one every plainEvery, so the file reads as a log
// with no carriage-return frames. The zero value with w set is ready.
type progressLine struct {
	w     io.Writer
	start time.Time
	last  time.Time
	phase string
	tty   *bool // decided on first use
	drawn bool  // a terminal line is drawn and not yet ended
}

// plainEvery is how often a plain progress line is written within a phase.
const plainEvery = 5 * time.Second

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progressLine) show(phase string, done, total int, unit string) {
	if p.tty == nil {
		t := isTerminal(p.w)
		p.tty = &t
	}
	if p.start.IsZero() {
		p.start = time.Now()
	}
	now := time.Now()
	every := 200 * time.Millisecond
	if !*p.tty {
		every = plainEvery
	}
	if phase == p.phase && now.Sub(p.last) < every {
		return
	}
	if *p.tty && p.drawn && phase != p.phase {
		fmt.Fprintln(p.w)
	}
	p.phase, p.last = phase, now
	took := time.Since(p.start).Round(time.Second)
	var line string
	if total > 0 {
		pct := float64(done) / float64(total)
		line = fmt.Sprintf("%-9s %3.0f%%  %d/%d %s  %s", phase, 100*pct, done, total, unit, took)
		if *p.tty {
			bar := strings.Repeat("█", int(pct*30)) + strings.Repeat("░", 30-int(pct*30))
			line = fmt.Sprintf("%-9s %s %3.0f%%  %d/%d %s  %s", phase, bar, 100*pct, done, total, unit, took)
		}
	} else {
		line = fmt.Sprintf("%-9s %d %s  %s", phase, done, unit, took)
	}
	if *p.tty {
		fmt.Fprintf(p.w, "\r%s ", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

// done ends the display: the terminal line is finished.
func (p *progressLine) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
