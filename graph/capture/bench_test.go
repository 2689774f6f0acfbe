package capture_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/capture/capturetest"
)

var (
	benchMessages = flag.Int("bench.messages", 50000, "messages in the mailbox of BenchmarkIMAPSync")
	benchPeople   = flag.Int("bench.correspondents", 2000, "distinct correspondents in it")
	benchMailbox  = flag.String("bench.mailbox", "", "a Dovecot user an earlier run filled (its log names it): sync it without filling another")
)

// peakRSS returns the process's peak resident memory in MiB since the last
// resetPeakRSS (Linux).
func peakRSS(tb testing.TB) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// resetPeakRSS starts measuring the peak anew (writing 5 to clear_refs).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o200) }

// BenchmarkIMAPSync fills a Dovecot mailbox with -bench.messages messages
// (Sent and INBOX: exchanges with -bench.correspondents people at a few
// hundred companies, a tenth of it lists and automated mail), then times
// the first sync into Neo4j and a second one with nothing new, and reports
// the process's peak memory during the first.
//
//	scripts/test.sh -run '^$' -bench IMAPSync -benchtime 1x ./graph/capture
func BenchmarkIMAPSync(b *testing.B) {
	f := newFixture(b)
	f.svc = capture.NewService(capture.Config{Store: f.s, Sealer: mustSealer(b), Network: capturetest.Network(b),
		RootCAs: f.imap.CA})
	n, people := *benchMessages, *benchPeople
	if *benchMailbox != "" {
		f.addr = *benchMailbox
	} else {
		fillMailbox(b, f, n, people)
	}
	a := f.connect(b, graph.CaptureSettings{})
	ctx := context.Background()

	b.ResetTimer()
	resetPeakRSS()
	t0 := time.Now()
	res, err := f.svc.Sync(ctx, f.ws, a.ID, nil)
	first := time.Since(t0)
	peak := peakRSS(b)
	if err != nil {
		b.Fatal(err)
	}
	// A sync with nothing new, three times: the median, as the first right
	// after 50,000 writes can meet Neo4j checkpointing.
	var seconds []time.Duration
	for range 3 {
		t1 := time.Now()
		again, err := f.svc.Sync(ctx, f.ws, a.ID, nil)
		seconds = append(seconds, time.Since(t1))
		if err != nil || again.Messages != 0 {
			b.Fatalf("sync with nothing new: %+v %v", again, err)
		}
	}
	b.StopTimer()
	slices.Sort(seconds)
	second := seconds[1]
	if res.Messages != n {
		b.Fatalf("first sync read %d messages, want %d", res.Messages, n)
	}
	b.ReportMetric(first.Seconds(), "first-sync-s")
	b.ReportMetric(second.Seconds()*1000, "second-sync-ms")
	b.ReportMetric(peak, "peak-RSS-MiB")
	b.Logf("first sync: %d messages, %d captured, %d people, %d skipped in %s (peak RSS %.0f MiB); nothing new: %v",
		res.Messages, res.Captured, res.People, res.Skipped, first.Round(time.Millisecond), peak, seconds)
}

// fillMailbox fills the fixture's mailbox with n messages over three years.
func fillMailbox(b *testing.B, f *fixture, n, people int) {
	me := f.addr
	start := time.Now().Add(-3 * 365 * 24 * time.Hour)
	who := func(i int) string {
		k := i % people
		return fmt.Sprintf("Person %d <p%d@company%d.example>", k, k, k%300)
	}
	at := func(i int) time.Time {
		return start.Add(time.Duration(i) * 3 * 365 * 24 * time.Hour / time.Duration(n))
	}
	fill := time.Now()
	sent := n * 4 / 10
	f.imap.AppendMany(b, me, "Sent", sent, func(i int) []byte {
		return capturetest.Mail{From: me, To: who(i), Date: at(2 * i), Subject: "s", MessageID: fmt.Sprintf("s%d@bench", i)}.Bytes()
	})
	f.imap.AppendMany(b, me, "INBOX", n-sent, func(i int) []byte {
		m := capturetest.Mail{From: who(i), To: me, Date: at(2*i + 1), Subject: "r", MessageID: fmt.Sprintf("r%d@bench", i)}
		switch i % 10 {
		case 0:
			m.From, m.Extra = "News <news@list.example>", "List-Id: <news.list.example>\r\n"
		case 5:
			m.From = "noreply@service.example"
		}
		return m.Bytes()
	})
	b.Logf("filled %d messages for %s in %s", n, me, time.Since(fill).Round(time.Millisecond))
}
