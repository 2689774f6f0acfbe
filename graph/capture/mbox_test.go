package capture

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// genMbox generates an mbox of n messages with bodies of bodySize bytes,
// on the fly: a file of gigabytes that never exists anywhere.
type genMbox struct {
	n, bodySize int
	i           int
	buf         bytes.Buffer
	body        int // body bytes still to emit for message i-1
	line        []byte
}

func newGenMbox(n, bodySize int) *genMbox {
	line := append(bytes.Repeat([]byte("lorem ipsum dolor sit amet "), 37), '\n') // ~1 KiB
	return &genMbox{n: n, bodySize: bodySize, line: line}
}

func (g *genMbox) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) {
		switch {
		case g.body > 0:
			k := min(g.body, len(g.line))
			g.buf.Write(g.line[len(g.line)-k:])
			g.body -= k
		case g.i < g.n:
			fmt.Fprintf(&g.buf, "\nFrom sender%d@corp.example Mon Jan  5 10:00:00 2026\n", g.i)
			fmt.Fprintf(&g.buf, "From: Sender %d <sender%d@corp.example>\nTo: me@home.example\n", g.i, g.i)
			fmt.Fprintf(&g.buf, "Date: Mon, 5 Jan 2026 10:00:00 +0000\nMessage-ID: <gen%d@x>\nSubject: big\n\n", g.i)
			// A body line that starts with "From " but follows no blank line is not a new message.
			g.buf.WriteString("text\nFrom the desk of someone\n")
			g.body = g.bodySize
			g.i++
		default:
			if g.buf.Len() == 0 {
				return 0, io.EOF
			}
			return g.buf.Read(p)
		}
	}
	return g.buf.Read(p)
}

func TestMboxStreamsLargeFiles(t *testing.T) {
	const n, body = 205, 10 << 20 // 205 messages of 10 MiB: over 2 GiB in all
	g := newGenMbox(n, body)
	// The generator starts with a newline; an mbox starts with its From_ line.
	_, _ = g.Read(make([]byte, 1))
	r := newMboxReader(g, 0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got := 0
	for {
		it, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if it.msg == nil || !strings.HasPrefix(it.msg.From[0].Addr, "sender") {
			t.Fatalf("message %d: %+v", got, it)
		}
		got++
	}
	runtime.ReadMemStats(&after)
	if got != n {
		t.Errorf("read %d messages, want %d", got, n)
	}
	if r.n < 2<<30 {
		t.Errorf("read %d bytes, want over 2 GiB", r.n)
	}
	// Bodies are skipped, not kept: what was allocated is a tiny fraction
	// of what was read.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("allocated %d MiB reading %d MiB: the reader keeps what it should skip", alloc>>20, r.n>>20)
	}
}

func TestMboxTruncatedLastMessage(t *testing.T) {
	mbox := "From a@x Mon Jan  5 10:00:00 2026\nFrom: a@corp.example\nTo: me@home.example\nMessage-ID: <1@x>\n\nbody\n\n" +
		"From b@x Mon Jan  5 11:00:00 2026\nFrom: b@corp.example\nTo: me@home.example\nDate: Mon, 5 Jan 2026 11:00:00 +0000\n\nbody\n\n" +
		"From c@x Mon Jan  5 12:00:00 2026\nFrom: c@corp.example\nTo: me@h"
	r := newMboxReader(strings.NewReader(mbox), int64(len(mbox)))
	var items []mailItem
	for {
		it, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	if len(items) != 3 || items[0].msg == nil || items[1].msg == nil || items[2].skip == "" {
		t.Fatalf("items %+v: want two messages and the cut one skipped", items)
	}
	if want := "2026-01-05 10:00:00"; items[0].msg.Date.Format("2006-01-02 15:04:05") != want {
		t.Errorf("date from the From_ line: %v, want %s", items[0].msg.Date, want)
	}
	if items[1].msg.MessageID != "" || items[1].msg.Key == "" || items[1].msg.Key == items[0].msg.Key {
		t.Errorf("no Message-ID: key %q", items[1].msg.Key)
	}
	if len(r.warnings) != 1 {
		t.Errorf("warnings %v", r.warnings)
	}
	if _, err := newMboxReader(strings.NewReader("Subject: not an mbox\n"), 0).next(); err == nil {
		t.Error("a file that is not an mbox was read")
	}
}
