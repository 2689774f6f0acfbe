package report_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/report"
)

var scheduleTests = []struct {
	name, spec, tz string
	after, want    string // RFC 3339
}{
	{"WinterMadrid", "", "Europe/Madrid", "2026-11-25T12:00:00Z", "2026-11-30T07:00:00Z"},
	{"SummerMadrid", "", "Europe/Madrid", "2026-06-03T12:00:00Z", "2026-06-08T06:00:00Z"},
	{"UTCByDefault", "0 8 * * 1", "", "2026-11-30T07:59:59Z", "2026-11-30T08:00:00Z"},
	{"Daily", "30 18 * * *", "America/Mexico_City", "2026-11-25T12:00:00Z", "2026-11-26T00:30:00Z"},
	{"Descriptor", "@weekly", "UTC", "2026-11-25T12:00:00Z", "2026-11-29T00:00:00Z"},
}

func TestNextRun(t *testing.T) {
	for _, tt := range scheduleTests {
		t.Run(tt.name, func(t *testing.T) {
			after, _ := time.Parse(time.RFC3339, tt.after)
			u := &graph.User{TimeZone: tt.tz, Report: graph.ReportSettings{Schedule: tt.spec}}
			got, err := report.NextRun(u, after)
			if err != nil || got.UTC().Format(time.RFC3339) != tt.want {
				t.Fatalf("got %v, %v; want %s", got.UTC(), err, tt.want)
			}
		})
	}
	for _, bad := range []string{"every monday", "0 8 * *", "CRON_TZ=UTC 0 8 * * 1", "61 8 * * 1"} {
		if _, err := report.ParseSchedule(bad); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("ParseSchedule(%q): got %v, want EINVALID", bad, err)
		}
	}
}

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// scheduled returns the member's scheduled reports.
func scheduled(tb testing.TB, f *fixture, u *graph.User) []*graph.Report {
	tb.Helper()
	l, _, err := f.store.FindReports(ctx, f.ws.ID, graph.ReportFilter{UserID: u.ID, Limit: 100})
	if err != nil {
		tb.Fatal(err)
	}
	return slices.DeleteFunc(l, func(r *graph.Report) bool { return r.Kind != graph.ReportScheduled })
}

// TestSchedulerRestart stops the scheduler in the middle of a run — while
// the second of five emails is being sent — starts a new one, and shows
// that every member gets exactly one email: no duplicate, none missed.
func TestSchedulerRestart(t *testing.T) {
	f := newFixture(t)
	mb := startMailbox(t, false)
	mb.holdAt, mb.hold, mb.arrived = 2, make(chan struct{}), make(chan struct{})
	var members []*graph.User
	for i := range 5 {
		members = append(members, f.member(t, fmt.Sprintf("Member %d", i+1),
			graph.ReportSettings{Email: fmt.Sprintf("m%d@example.com", i+1)}))
	}
	c := &clock{t: now}
	first := report.NewScheduler(newService(t, f, mb, c), report.SchedulerOptions{Poll: 20 * time.Millisecond})
	first.Start(ctx)
	<-mb.arrived // the second email is on the wire
	stopped := make(chan struct{})
	go func() {
		first.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
		t.Fatal("Stop returned while an email was being sent")
	case <-time.After(100 * time.Millisecond):
	}
	close(mb.hold) // the server accepts it; the scheduler records it and stops
	<-stopped

	if got := len(mb.received()); got != 2 {
		t.Fatalf("after the stop: %d emails, want 2", got)
	}
	missing := 0
	for _, u := range members {
		l := scheduled(t, f, u)
		if len(l) == 0 {
			missing++
			continue
		}
		if d := l[0].Deliveries[0]; d.State != graph.DeliverySent {
			t.Errorf("%s: delivery %s after the stop, want sent (it was on the wire when stopped)", u.Name, d.State)
		}
	}
	if missing == 0 {
		t.Fatal("the run was not interrupted: every member already had a report")
	}

	// Restart: a new service and scheduler, as after a process restart, a
	// little later.
	c.Add(2 * time.Minute)
	second := report.NewScheduler(newService(t, f, mb, c), report.SchedulerOptions{Poll: 20 * time.Millisecond})
	second.Start(ctx)
	waitFor(t, "five emails", func() bool { return len(mb.received()) >= 5 })
	// A few more polls must not send anything again.
	time.Sleep(100 * time.Millisecond)
	second.Stop()

	got := mb.received()
	var to []string
	for _, m := range got {
		to = append(to, m.To...)
	}
	slices.Sort(to)
	want := []string{"m1@example.com", "m2@example.com", "m3@example.com", "m4@example.com", "m5@example.com"}
	if !slices.Equal(to, want) {
		t.Fatalf("emails went to %v, want each member once: %v", to, want)
	}
	slot, _ := report.NextRun(members[0], now.Add(-time.Hour))
	for _, u := range members {
		l := scheduled(t, f, u)
		if len(l) != 1 || l[0].Period != report.Period(slot) {
			t.Fatalf("%s: %d scheduled reports, want 1 for %s", u.Name, len(l), report.Period(slot))
		}
		if d := l[0].Deliveries[0]; d.State != graph.DeliverySent || d.Attempts != 1 {
			t.Errorf("%s: delivery %+v, want sent at the first attempt", u.Name, d)
		}
	}
	// The owner has no channel, but the report is in the history all the same.
	if l := scheduled(t, f, f.owner); len(l) != 1 || len(l[0].Deliveries) != 0 {
		t.Errorf("owner: got %d reports", len(l))
	}
}

// TestSchedulerCrash is the harder case: the process died while sending, so
// the store shows a delivery claimed and never finished. The next scheduler
// does not send it again (a duplicate is worse); it fails it, visibly, and a
// retry by hand sends it once.
func TestSchedulerCrash(t *testing.T) {
	f := newFixture(t)
	mb := startMailbox(t, false)
	u := setReport(t, f, graph.ReportSettings{Email: "owner@example.com"})
	c := &clock{t: now}
	svc := newService(t, f, mb, c)
	rep := generate(t, svc, f, u)
	d := rep.Deliveries[0]
	// The dead process's claim, whose lease has run out since.
	if _, err := f.store.ClaimDelivery(ctx, f.ws.ID, d.ID, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	c.Add(2 * time.Minute)
	sched := report.NewScheduler(svc, report.SchedulerOptions{})
	if err := sched.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	got := delivery(t, f, rep.ID)
	if got.State != graph.DeliveryFailed || got.LastError == "" || emailsOf(mb, rep.ID) != 0 {
		t.Fatalf("after the crash: got %+v and %d emails, want failed and none", got, emailsOf(mb, rep.ID))
	}
	// The scheduled report of the slot was made meanwhile and sent once.
	if l := scheduled(t, f, u); len(l) != 1 {
		t.Fatalf("got %d scheduled reports", len(l))
	}
	if _, err := svc.Retry(ctx, f.ws.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := sched.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := delivery(t, f, rep.ID); got.State != graph.DeliverySent || got.Attempts != 2 || emailsOf(mb, rep.ID) != 1 ||
		len(mb.received()) != 2 {
		t.Fatalf("after the retry: got %+v and %d emails of it (%d in all), want sent once, and once the slot's report",
			got, emailsOf(mb, rep.ID), len(mb.received()))
	}
}

// emailsOf counts the emails received of one report.
func emailsOf(mb *mailbox, reportID string) int {
	n := 0
	for _, m := range mb.received() {
		if bytes.Contains(m.Data, []byte("\r\nX-Nexo-Report: "+reportID+"\r\n")) {
			n++
		}
	}
	return n
}

// TestSchedulerCatchUp shows that a slot missed while the server was down
// is made up for once, and that a paused member gets nothing.
func TestSchedulerCatchUp(t *testing.T) {
	f := newFixture(t)
	paused := f.member(t, "Paused", graph.ReportSettings{Paused: true})
	c := &clock{t: now.Add(2 * 24 * time.Hour)} // back on Wednesday
	sched := report.NewScheduler(newService(t, f, nil, c), report.SchedulerOptions{})
	for range 2 {
		if err := sched.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	l := scheduled(t, f, f.owner)
	slot, _ := report.NextRun(f.owner, now.Add(-time.Hour))
	if len(l) != 1 || l[0].Period != report.Period(slot) || !l[0].GeneratedAt.Equal(c.Now()) {
		t.Fatalf("got %d reports (%v), want one for the missed slot %s", len(l), l, report.Period(slot))
	}
	if l := scheduled(t, f, paused); len(l) != 0 {
		t.Errorf("paused member: got %d reports", len(l))
	}
	// A week later the next slot is due, and its report shows the trend.
	c.Add(7 * 24 * time.Hour)
	if err := sched.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	l = scheduled(t, f, f.owner)
	if len(l) != 2 {
		t.Fatalf("got %d reports, want 2", len(l))
	}
	full, err := f.store.FindReport(ctx, f.ws.ID, l[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Decode(full)
	if err != nil || len(r.Health.Trend) != 1 || r.Health.Trend[0].Period != report.Period(slot) {
		t.Fatalf("trend: got %+v, %v; want the previous report", r.Health.Trend, err)
	}
}
