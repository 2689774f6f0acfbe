package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph/importer"
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
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "parsing   100%  999/1000 rows") || !strings.HasPrefix(lines[1], "writing   100%  20/20 entities") {
		t.Errorf("got %d lines %q, want parsing as it ended, then writing 100%%", len(lines), lines)
	}
	// A phase too short for a line of its own shows its last figures when
	// the next begins, or when the work ends: never only its first "0".
	b.Reset()
	p = &progressLine{w: &b}
	p.show("indexing", 0, 0, "rows")
	p.show("indexing", 6, 0, "rows")
	p.show("reading", kib(0), kib(600), "KiB")
	p.show("reading", kib(600), kib(600), "KiB")
	p.show("done", 6, 0, "rows")
	p.last = time.Now().Add(-plainEvery) // the next call is due, and shown
	p.show("done", 6, 0, "rows")
	p.show("done", 6, 0, "rows") // a last update repeated shows once
	p.done()
	lines = strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "indexing  6 rows") || !strings.HasPrefix(lines[1], "reading   100%  1/1 KiB") ||
		!strings.HasPrefix(lines[2], "done      6 rows") {
		t.Errorf("got %q, want indexing 6 rows, reading 1/1 KiB, done 6 rows", lines)
	}
}

// TestImportSummarySingular: a count of one reads in the singular.
func TestImportSummarySingular(t *testing.T) {
	var b bytes.Buffer
	rep := &importer.Report{Rows: 1, Format: "vcard", Created: 1, Written: importer.Counts{People: 1, Employments: 1, Ties: 1}}
	if err := printReport(&b, "", rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Imported 1 row (vcard):", "0 warnings.", "Written: 1 person, 0 organisations, 1 position, 1 tie,"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary %q lacks %q", b.String(), want)
		}
	}
}
