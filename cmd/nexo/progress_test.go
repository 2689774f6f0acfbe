package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressPlain: into a file or a pipe, progress is plain lines, a line
// per phase and one every plainEvery, never carriage-return frames.
func TestProgressPlain(t *testing.T) {
	var b bytes.Buffer
	p := &progressLine{w: &b}
	for i := range 1000 {
		p.show("parsing", i, 1000, "rows")
	}
	p.show("writing", 10, 20, "entities")
	p.last = time.Now().Add(-plainEvery) // the next call is due
	p.show("writing", 20, 20, "entities")
	p.done()
	out := b.String()
	if strings.Contains(out, "\r") || strings.Contains(out, "█") {
		t.Errorf("plain progress has terminal frames: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "parsing     0%") || !strings.HasPrefix(lines[2], "writing   100%  20/20 entities") {
		t.Errorf("got %d lines %q, want parsing, writing, writing 100%%", len(lines), lines)
	}
}
