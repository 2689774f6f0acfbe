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
// into a pipe or a log file (`nexo import … 2>file`) it writes plain lines:
// one every plainEvery within a phase, and each phase's last figures when
// it ends, so the file reads as a log with no carriage-return frames and no
// phase reported only by its first "0". The zero value with w set is ready.
type progressLine struct {
	w       io.Writer
	start   time.Time
	last    time.Time
	phase   string
	pending string // the current phase's newest line, not yet shown
	shown   string // the last line shown
	tty     *bool  // decided on first use
	drawn   bool   // a terminal line is drawn and not yet ended
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
	line := p.format(phase, done, total, unit)
	if phase != p.phase {
		p.flush() // the phase that ends, as it ended
		if *p.tty && p.drawn {
			fmt.Fprintln(p.w)
			p.drawn = false
		}
		p.phase, p.last = phase, now
		if *p.tty {
			p.write(line)
		} else {
			p.pending = line
		}
		return
	}
	every := 200 * time.Millisecond
	if !*p.tty {
		every = plainEvery
	}
	if now.Sub(p.last) < every {
		p.pending = line
		return
	}
	p.last = now
	p.write(line)
}

func (p *progressLine) format(phase string, done, total int, unit string) string {
	took := time.Since(p.start).Round(time.Second)
	switch {
	case total <= 0 && unit == "": // a phase with nothing to count
		return fmt.Sprintf("%-9s %s", phase, took)
	case total <= 0:
		return fmt.Sprintf("%-9s %d %s  %s", phase, done, unit, took)
	}
	pct := float64(done) / float64(total)
	if !*p.tty {
		return fmt.Sprintf("%-9s %3.0f%%  %d/%d %s  %s", phase, 100*pct, done, total, unit, took)
	}
	n := min(30, max(0, int(pct*30)))
	bar := strings.Repeat("█", n) + strings.Repeat("░", 30-n)
	return fmt.Sprintf("%-9s %s %3.0f%%  %d/%d %s  %s", phase, bar, 100*pct, done, total, unit, took)
}

// write shows line: redrawn in place on a terminal, a line of its own else.
func (p *progressLine) write(line string) {
	p.pending = ""
	if line == p.shown {
		return // the same figures again (a last update repeated)
	}
	p.shown = line
	if *p.tty {
		fmt.Fprintf(p.w, "\r%s ", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

// flush shows the newest figures not yet shown.
func (p *progressLine) flush() {
	if p.pending != "" {
		p.write(p.pending)
	}
}

// done ends the display with the last figures: the terminal line is
// finished.
func (p *progressLine) done() {
	if p.tty != nil {
		p.flush()
	}
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// kib is a count of bytes in KiB, rounded up: a small file is not "0 KiB".
func kib[T int | int64](bytes T) int { return int((bytes + 1023) >> 10) }
