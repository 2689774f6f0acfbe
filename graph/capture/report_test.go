package capture_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/capture/capturetest"
	"github.com/nexohq/nexo/graph/report"
)

// TestReportFromCapture fills a workspace only by syncing a mailbox and a
// calendar, then asks the analytics and the weekly report about it.
func TestReportFromCapture(t *testing.T) {
	f := newFixture(t)
	dav := capturetest.Radicale(t)
	ctx := context.Background()
	me := f.addr
	now := time.Now().UTC().Truncate(time.Minute)
	ago := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
	var sent, inbox [][]byte
	n := 0
	exchange := func(who string, at time.Time, iWroteFirst bool) {
		n++
		out := capturetest.Mail{From: me, To: who, Date: at, Subject: "x", MessageID: fmt.Sprintf("o%d@x", n)}
		in := capturetest.Mail{From: who, To: me, Date: at.Add(3 * time.Hour), Subject: "x", MessageID: fmt.Sprintf("i%d@x", n)}
		if !iWroteFirst {
			in.Date, out.Date = at, at.Add(3*time.Hour)
		}
		sent, inbox = append(sent, out.Bytes()), append(inbox, in.Bytes())
	}
	weekly := []string{"Wendy <wendy@acme.example>", "Walt <walt@globex.example>"}
	for _, w := range weekly {
		for week := 1; week <= 26; week++ {
			exchange(w, ago(7*week), week%2 == 0)
		}
	}
	old := []string{"Olga <olga@initech.example>", "Otto <otto@umbrella.example>"}
	for _, o := range old {
		for k := range 8 {
			exchange(o, ago(400+30*k), k%2 == 0)
		}
	}
	exchange("Rita <rita@hooli.example>", ago(10), true)
	exchange("Uma <uma@stark.example>", ago(60), true)
	n++
	inbox = append(inbox, capturetest.Mail{From: "Uma <uma@stark.example>", To: me, Date: ago(6), Subject: "a question",
		MessageID: fmt.Sprintf("i%d@x", n)}.Bytes())
	exchange("Pia <pia@wayne.example>", ago(90), true)
	f.imap.Append(t, me, "Sent", sent...)
	f.imap.Append(t, me, "INBOX", inbox...)

	user := strings.TrimSuffix(capturetest.NewUser("rep"), "@example.org")
	cal := dav.Calendar(t, user, "work")
	meeting := func(uid, who string, at time.Time) {
		dav.PutEvent(t, user, cal, uid, fmt.Sprintf(ics, vevent(uid, at,
			"ORGANIZER:mailto:"+me+"\nATTENDEE;CN="+strings.Fields(who)[0]+":mailto:"+strings.Trim(strings.Fields(who)[1], "<>")+"\n")))
	}
	meeting("once", "Mo <mo@cyberdyne.example>", ago(20))
	meeting("pia", "Pia <pia@wayne.example>", ago(5))

	a := f.connect(t, graph.CaptureSettings{})
	if _, err := f.svc.Sync(ctx, f.ws, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.Connect(ctx, f.me, capture.ConnectInput{Kind: graph.AccountCalDAV, URL: dav.URL, Username: user,
		Password: dav.Password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Sync(ctx, f.ws, c.ID, nil); err != nil {
		t.Fatal(err)
	}

	svc := report.NewService(report.Config{Store: f.s})
	defer svc.Close()
	net, err := svc.Network(ctx, f.ws, now)
	if err != nil {
		t.Fatal(err)
	}
	mePerson := net.Index(f.me.PersonID)
	person := func(email string) int32 {
		t.Helper()
		p := f.person(t, email)
		if p == nil {
			t.Fatalf("%s is nobody", email)
		}
		return net.Index(p.ID)
	}

	t.Run("DormantNamesNoOneRecent", func(t *testing.T) {
		const days = 30
		l := net.DormantTies(mePerson, analytics.DormantOptions{Threshold: days * 24 * time.Hour, Limit: 100})
		names := map[string]bool{}
		for _, d := range l {
			names[d.Name] = true
			if d.LastInteraction.After(ago(days)) {
				t.Errorf("%s is dormant, but the last interaction was %s", d.Name, d.LastInteraction)
			}
		}
		for _, recent := range []string{"Wendy", "Walt", "Rita", "Uma", "Mo", "Pia"} {
			if names[recent] {
				t.Errorf("%s is in the dormant ties, but you corresponded in the last %d days", recent, days)
			}
		}
		if !names["Olga"] || !names["Otto"] {
			t.Errorf("dormant ties %v, want Olga and Otto (nothing for over a year)", names)
		}
	})

	t.Run("WeeklyBeatsOneMeeting", func(t *testing.T) {
		once, _ := net.Strength(mePerson, person("mo@cyberdyne.example"))
		for _, w := range []string{"wendy@acme.example", "walt@globex.example"} {
			s, ok := net.Strength(mePerson, person(w))
			if !ok || s <= once {
				t.Errorf("%s, written to weekly: strength %.3f, not above a single meeting's %.3f", w, s, once)
			}
		}
	})

	t.Run("FollowUps", func(t *testing.T) {
		r, err := svc.Build(ctx, f.ws, f.me, net, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		why := map[string]string{}
		for _, fu := range r.FollowUps {
			why[fu.Name] = fu.Why
		}
		want := map[string]string{"Uma": "unanswered", "Pia": "after_meeting", "Mo": "met"}
		for name, w := range want {
			if why[name] != w {
				t.Errorf("follow-up of %s: %q, want %q (all: %v)", name, why[name], w, why)
			}
		}
		if _, ok := why["Wendy"]; ok {
			t.Errorf("Wendy, answered weekly, is a follow-up: %v", why)
		}
		md, _, err := svc.Render(ctx, r, "md")
		if err != nil || !strings.Contains(string(md), "wrote to you on") || !strings.Contains(string(md), "a meeting on") {
			t.Errorf("the Markdown report does not say why: %v\n%s", err, md)
		}
	})
}
