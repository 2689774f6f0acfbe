package capture_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/capture/capturetest"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

const ics = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Nexo test//EN
%sEND:VCALENDAR
`

func vevent(uid string, start time.Time, extra string) string {
	return fmt.Sprintf("BEGIN:VEVENT\nUID:%s\nDTSTAMP:20260101T000000Z\nDTSTART:%s\nDTEND:%s\nSUMMARY:Sync\n%sEND:VEVENT\n",
		uid, start.UTC().Format("20060102T150405Z"), start.Add(time.Hour).UTC().Format("20060102T150405Z"), extra)
}

func TestDAVSync(t *testing.T) {
	s := neo4jtest.Open(t)
	dav := capturetest.Radicale(t)
	w, me := workspaceAs(t, s, "me@home.example")
	ctx := context.Background()
	sealer := mustSealer(t)
	svc := capture.NewService(capture.Config{Store: s, Sealer: sealer, Network: capturetest.Network(t), StepSize: 4})
	user := strings.TrimSuffix(capturetest.NewUser("cal"), "@example.org")
	now := time.Now().UTC().Truncate(time.Hour)
	weekly := now.Add(-70 * 24 * time.Hour)

	cal := dav.Calendar(t, user, "work")
	org := "ORGANIZER;CN=Me:mailto:me@home.example\n"
	ana := "ATTENDEE;CN=Ana Díaz;PARTSTAT=ACCEPTED:mailto:ana@globex.example\n"
	series := vevent("weekly-1", weekly, org+ana+"ATTENDEE;CUTYPE=ROOM:mailto:room@home.example\nRRULE:FREQ=WEEKLY;COUNT=10\n")
	dav.PutEvent(t, user, cal, "weekly", fmt.Sprintf(ics, series))
	dav.PutEvent(t, user, cal, "once", fmt.Sprintf(ics, vevent("once-1", now.Add(-48*time.Hour),
		"ORGANIZER:mailto:bob@initech.example\nATTENDEE:mailto:me@home.example\n")))
	dav.PutEvent(t, user, cal, "cancelled", fmt.Sprintf(ics, vevent("gone-1", now.Add(-72*time.Hour),
		org+"STATUS:CANCELLED\nATTENDEE:mailto:carl@initech.example\n")))
	dav.PutEvent(t, user, cal, "alone", fmt.Sprintf(ics, vevent("alone-1", now.Add(-24*time.Hour), "")))

	_, err := svc.Connect(ctx, me, capture.ConnectInput{Kind: graph.AccountCalDAV, URL: dav.URL, Username: user,
		Password: "wrong", Verify: true})
	if graph.ErrorCode(err) != graph.EINVALID {
		t.Fatalf("connect with a wrong password: %v", err)
	}
	a, err := svc.Connect(ctx, me, capture.ConnectInput{Kind: graph.AccountCalDAV, URL: dav.URL, Username: user,
		Password: dav.Password, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Sync(ctx, w.ID, a.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	meetings := func(email string) []*graph.Interaction {
		t.Helper()
		l, _, err := s.FindPeople(ctx, w.ID, graph.PersonFilter{Email: email})
		if err != nil {
			t.Fatal(err)
		}
		if len(l) != 1 {
			return nil
		}
		is, _, err := s.FindInteractions(ctx, w.ID, graph.InteractionFilter{PersonID: l[0].ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return is
	}
	if l := meetings("ana@globex.example"); len(l) != 10 || l[0].Kind != graph.KindMeeting || l[0].InitiatorID != me.PersonID {
		t.Fatalf("weekly meetings with Ana: %d (first %+v), want 10 that I organised", len(l), l)
	}
	if l := meetings("bob@initech.example"); len(l) != 1 || l[0].InitiatorID == me.PersonID {
		t.Errorf("Bob's meeting: %+v", l)
	}
	if l := meetings("carl@initech.example"); l != nil {
		t.Errorf("a cancelled meeting made Carl: %+v", l)
	}
	if res.Captured != 11 {
		t.Errorf("first sync %+v, want 11 meetings", res)
	}

	t.Run("NothingNew", func(t *testing.T) {
		res, err := svc.Sync(ctx, w.ID, a.ID, nil)
		if err != nil || res.Messages != 0 || res.Captured != 0 {
			t.Errorf("second sync: %+v %v", res, err)
		}
	})

	t.Run("MovedOccurrenceAndDeletedEvent", func(t *testing.T) {
		third := weekly.Add(14 * 24 * time.Hour)
		override := fmt.Sprintf("BEGIN:VEVENT\nUID:weekly-1\nDTSTAMP:20260101T000000Z\nRECURRENCE-ID:%s\nDTSTART:%s\nDTEND:%s\n%s%sEND:VEVENT\n",
			third.Format("20060102T150405Z"), third.Add(26*time.Hour).Format("20060102T150405Z"),
			third.Add(27*time.Hour).Format("20060102T150405Z"), org, ana)
		dav.PutEvent(t, user, cal, "weekly", fmt.Sprintf(ics, series+override))
		dav.Delete(t, user, cal+"once.ics")
		if _, err := svc.Sync(ctx, w.ID, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		l := meetings("ana@globex.example")
		moved := false
		for _, i := range l {
			moved = moved || i.At.Equal(third.Add(26*time.Hour))
		}
		if len(l) != 10 || !moved {
			t.Errorf("after moving one occurrence: %d meetings (moved: %v), want 10 with the moved one", len(l), moved)
		}
		if l := meetings("bob@initech.example"); len(l) != 0 {
			t.Errorf("the deleted event's meeting stayed: %+v", l)
		}
	})

	t.Run("CardDAV", func(t *testing.T) {
		book := dav.AddressBook(t, user, "contacts")
		card := "BEGIN:VCARD\nVERSION:3.0\nUID:carol-1\nFN:Carol Jones\nN:Jones;Carol;;;\nEMAIL:carol@umbrella.example\nORG:Umbrella\nTITLE:%s\nEND:VCARD\n"
		dav.PutCard(t, user, book, "carol", fmt.Sprintf(card, "Engineer"))
		b, err := svc.Connect(ctx, me, capture.ConnectInput{Kind: graph.AccountCardDAV, URL: dav.URL, Username: user,
			Password: dav.Password, Verify: true})
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.Sync(ctx, w.ID, b.ID, nil)
		if err != nil || res.Contacts != 1 {
			t.Fatalf("sync: %+v %v", res, err)
		}
		l, _, _ := s.FindPeople(ctx, w.ID, graph.PersonFilter{Email: "carol@umbrella.example"})
		if len(l) != 1 || l[0].Title != "Engineer" || l[0].Company != "Umbrella" {
			t.Fatalf("Carol: %+v", l)
		}
		title := "Chief of Staff"
		if _, err := s.UpdatePerson(ctx, w.ID, l[0].ID, graph.PersonUpdate{Title: &title}, true); err != nil {
			t.Fatal(err)
		}
		dav.PutCard(t, user, book, "carol", fmt.Sprintf(card, "Senior Engineer"))
		res, err = svc.Sync(ctx, w.ID, b.ID, nil)
		if err != nil || res.Contacts != 1 {
			t.Fatalf("second sync: %+v %v", res, err)
		}
		l, _, _ = s.FindPeople(ctx, w.ID, graph.PersonFilter{Email: "carol@umbrella.example"})
		if len(l) != 1 || l[0].Title != title {
			t.Errorf("Carol after the card changed: %+v, want the title the user set kept", l)
		}
		if res, err := svc.Sync(ctx, w.ID, b.ID, nil); err != nil || res.Contacts != 0 {
			t.Errorf("third sync: %+v %v, want nothing new (sync token)", res, err)
		}
	})
}
