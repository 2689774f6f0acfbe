package importer_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// endlessVCard is a .vcf of one card followed by lines outside any card,
// forever: the parser reads on without ever returning a record, so only a
// check inside the reading stops it. It ends by itself after a safety
// time, so that a test of a broken importer fails instead of hanging.
type endlessVCard struct {
	sent    int64
	stop    time.Time
	atBytes int64  // call on once this many bytes are sent
	on      func() // e.g. cancel
}

const endlessHead = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.com\r\nEND:VCARD\r\n"

func (e *endlessVCard) Read(p []byte) (int, error) {
	if time.Now().After(e.stop) {
		return 0, io.EOF
	}
	var n int
	if e.sent == 0 {
		n = copy(p, endlessHead)
	} else {
		const junk = "X-JUNK:outside any card\r\n"
		for n+len(junk) <= len(p) {
			n += copy(p[n:], junk)
		}
	}
	e.sent += int64(n)
	if e.on != nil && e.sent >= e.atBytes {
		e.on()
		e.on = nil
	}
	return n, nil
}

// unbounded lifts the size limits so that only time stops an endless file.
var unbounded = importer.Options{MaxBytes: 1 << 50, MaxRows: 1 << 30}

// TestImportCancel cancels an import in the middle of a file whose parser
// finds no record to stop at: it must end with context.Canceled and write
// nothing.
func TestImportCancel(t *testing.T) {
	s := neo4jtest.Open(t)
	w, me := neo4jtest.Workspace(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &endlessVCard{stop: time.Now().Add(20 * time.Second), atBytes: 4 << 20, on: cancel}
	_, err := importer.Import(ctx, s, w.ID, me, r, importer.FormatVCard, unbounded)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if r.sent > 64<<20 {
		t.Errorf("read %d MiB after the cancel at 4 MiB, want it to stop at once", r.sent>>20)
	}
	if l, _, err := s.FindPeople(context.Background(), w.ID, graph.PersonFilter{Email: "ann@example.com"}); err != nil || len(l) != 0 {
		t.Fatalf("after a cancelled import: %d people, %v; want none written", len(l), err)
	}
}

// TestImportTimeBudget stops an endless import at its time budget with a
// clear ETOOLARGE error.
func TestImportTimeBudget(t *testing.T) {
	s := neo4jtest.Open(t)
	w, me := neo4jtest.Workspace(t, s)
	opts := unbounded
	opts.TimeBudget = 300 * time.Millisecond
	_, err := importer.Import(context.Background(), s, w.ID, me, &endlessVCard{stop: time.Now().Add(20 * time.Second)},
		importer.FormatVCard, opts)
	if graph.ErrorCode(err) != graph.ETOOLARGE || !strings.Contains(graph.ErrorMessage(err), "time budget of 300ms") {
		t.Fatalf("got %v, want ETOOLARGE naming the time budget", err)
	}
}
