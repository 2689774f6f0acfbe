package importer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
)

// TestPlanInteractionDates: an interactions CSV or calendar row dated
// outside the window of possible dates (before 1900, more than a year
// ahead) is skipped with the reason; one a month ahead is a planned meeting
// and kept. (Before, 2100 was stored and then ignored by the analytics.)
func TestPlanInteractionDates(t *testing.T) {
	w := newWorld()
	soon := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	csv := "date,person,kind\n2100-01-01,Ada Quill,call\n" + soon + ",Ada Quill,meeting\n"
	b, r := w.plan(t, []byte(csv), FormatInteractions)
	if len(b.Interactions) != 1 || r.Skipped != 1 || len(r.Details) != 1 || r.Details[0].Row != 2 ||
		!strings.Contains(r.Details[0].Reason, "impossible") {
		t.Errorf("CSV: %d interactions, report %+v", len(b.Interactions), r)
	}
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:far@t\r\nDTSTAMP:20260101T000000Z\r\n" +
		"DTSTART:21000101T100000Z\r\nSUMMARY:Far\r\nATTENDEE;CN=Ada Quill:mailto:ada@example.net\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	b, r = w.plan(t, []byte(ics), FormatICS)
	if len(b.Interactions) != 0 || r.Skipped != 1 || !strings.Contains(r.Details[0].Reason, "impossible") {
		t.Errorf("calendar: %d interactions, report %+v", len(b.Interactions), r)
	}
}

// restoreFixture is a backup of workspace "from" read back, and a target
// workspace whose owner has their own person.
func restoreFixture(tb testing.TB, edit func(ws *graph.Workspace, users []*graph.User, entities []any) []any) (*restoreData, *restoreTarget, *graph.User) {
	tb.Helper()
	ws, users, entities := sampleWorkspace()
	if edit != nil {
		entities = edit(ws, users, entities)
	}
	d, err := readExport(bytes.NewReader(exportOf(tb, ws, users, entities)), otherWS, 1000, func(int) {})
	if err != nil {
		tb.Fatal(err)
	}
	t := newRestoreTarget()
	t.mePerson = &graph.Person{ID: graph.NewID(), WorkspaceID: otherWS, Name: "Rita Restorer", Title: "Founder",
		Emails: []string{"rita@example.org"}, Source: "manual"}
	owner := &graph.User{ID: graph.NewID(), WorkspaceID: otherWS, Name: "Rita", Role: graph.RoleOwner, PersonID: t.mePerson.ID}
	t.users[owner.ID], t.ownPersons[t.mePerson.ID] = owner, true
	return d, t, owner
}

const otherWS = "0therws0000000000000000000"

// TestRestorePlanBeside plans the sample backup into another workspace:
// every id is remapped, the backup's owner is the restoring owner and their
// person merges into the restoring owner's, notes and logged interactions
// are the restoring owner's.
func TestRestorePlanBeside(t *testing.T) {
	d, target, owner := restoreFixture(t, func(_ *graph.Workspace, _ []*graph.User, entities []any) []any {
		me := entities[0].(*graph.Person)
		me.Location, me.Skills, me.Title = "Lisbon", []string{"chess"}, "Retired"
		return entities
	})
	pl := newRestorePlan(d, target, otherWS, owner)
	pl.build()
	b := &pl.out
	me := target.mePerson.ID
	if len(b.People) != 3 {
		t.Fatalf("%d people written, want Ada, Bo and the merged me", len(b.People))
	}
	for _, p := range b.People {
		switch p.ID {
		case me:
			if p.Name != "Rita Restorer" || p.Title != "Founder" || len(p.Emails) != 1 || p.Location != "Lisbon" ||
				len(p.Skills) != 1 || !p.UpdatedAt.IsZero() {
				t.Errorf("merged me: %+v", p)
			}
		case RestoredID(otherWS, "ada0000000000000000000000a"), RestoredID(otherWS, "b000000000000000000000000a"):
		default:
			t.Errorf("person %s: not remapped", p.ID)
		}
	}
	for _, tie := range b.Ties {
		if tie.PersonA != me && tie.PersonB != me {
			t.Errorf("tie %+v does not land on the restoring owner's person", tie)
		}
	}
	if i := b.Interactions[0]; i.LoggedBy != owner.ID || !strings.Contains(strings.Join(i.ParticipantIDs, ","), me) || i.InitiatorID != me {
		t.Errorf("interaction: %+v", i)
	}
	if n := b.Notes[0]; n.AuthorID != owner.ID || n.ID != RestoredID(otherWS, "n0te000000000000000000000a") {
		t.Errorf("note: %+v", n)
	}
	if in := b.Introductions[0]; in.IntroducerID != me {
		t.Errorf("introduction: %+v", in)
	}
	if len(b.Users) != 0 {
		t.Errorf("members written: %+v; the backup's owner is the restoring owner", b.Users)
	}
	// The same again gives the same ids.
	d2, target2, _ := restoreFixture(t, nil)
	target2.mePerson.ID = me
	pl2 := newRestorePlan(d2, target2, otherWS, owner)
	pl2.build()
	for i := range b.Interactions {
		if b.Interactions[i].ID != pl2.out.Interactions[i].ID {
			t.Errorf("ids differ between two plans of the same file")
		}
	}
}

// TestRestorePlanSelfTie: when another person of the backup lands on the
// restoring owner's person too, their tie becomes a tie of that person to
// itself and is dropped, and their two ties to a third person become one,
// combined: the earliest since, the manual strength.
func TestRestorePlanSelfTie(t *testing.T) {
	var at time.Time
	d, target, owner := restoreFixture(t, func(ws *graph.Workspace, users []*graph.User, entities []any) []any {
		at = entities[0].(*graph.Person).CreatedAt
		return entities
	})
	// Bo's remapped id is the restoring owner's person: me–Bo is a self-tie;
	// me–Ada and Bo–Ada would be one pair (there is no Bo–Ada tie, so add one).
	target.mePerson.ID = RestoredID(otherWS, "b000000000000000000000000a")
	owner.PersonID = target.mePerson.ID
	s := 0.4
	boAda := &graph.Tie{ID: "t1e0000000000000000000000c", WorkspaceID: otherWS, PersonA: "ada0000000000000000000000a",
		PersonB: "b000000000000000000000000a", Since: at.Add(-24 * time.Hour), Source: graph.TieManual, Strength: &s}
	d.batch.Ties = append(d.batch.Ties, boAda)
	d.lines[boAda] = 99
	pl := newRestorePlan(d, target, otherWS, owner)
	pl.build()
	if len(pl.out.Ties) != 1 {
		t.Fatalf("ties %+v, want one (me–Ada, combined)", pl.out.Ties)
	}
	tie := pl.out.Ties[0]
	if tie.Strength == nil || *tie.Strength != 0.75 || !tie.Since.Equal(at.Add(-24*time.Hour)) || tie.Context != "old friends" {
		t.Errorf("combined tie: %+v", tie)
	}
	if pl.report.Skipped != 2 || pl.report.Merged != 4 { // the self-tie and the introduction; me, Bo, the tie, the member
		t.Errorf("report: %+v", pl.report)
	}
	for _, in := range pl.out.Introductions {
		t.Errorf("introduction of me to myself kept: %+v", in)
	}
}

// TestRestorePlanSame plans the sample backup into the workspace it came
// from, where another member has since logged the interaction and written
// the note under the same ids, and the member line says owner: the member's
// things are kept, the member line changes nothing, ids stay.
func TestRestorePlanSame(t *testing.T) {
	_, users, _ := sampleWorkspace()
	d, target, owner := restoreFixture(t, nil)
	d.header.Workspace.ID = otherWS // the backup came from the target
	other := graph.NewID()
	pl := newRestorePlan(d, target, otherWS, owner)
	pl.build()
	pl.plannedKeys()
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	_ = pl.compare(&graph.Interaction{ID: "1nt0000000000000000000000a", Kind: graph.KindCall, At: at, LoggedBy: other,
		ParticipantIDs: []string{"ada0000000000000000000000a", "me00000000000000000000000a"}, Notes: "theirs"})
	_ = pl.compare(&graph.Note{ID: "n0te000000000000000000000a", PersonID: "ada0000000000000000000000a", AuthorID: other, Body: "theirs"})
	// Bo is stored exactly as the backup has him: not written again.
	for _, v := range pl.d.batch.People {
		if v.ID == "b000000000000000000000000a" {
			_ = pl.compare(v)
		}
	}
	pl.settle()
	b := &pl.out
	if len(b.Interactions) != 0 || len(b.Notes) != 0 {
		t.Errorf("another member's interaction or note rewritten: %+v %+v", b.Interactions, b.Notes)
	}
	if len(b.People) != 2 || b.People[1].ID != "ada0000000000000000000000a" {
		t.Errorf("people: ids must stay, Bo unchanged; %+v", b.People)
	}
	if pl.report.Unchanged != 1 || pl.report.Skipped != 2 {
		t.Errorf("report: %+v", pl.report)
	}
	if len(b.Users) != 1 || b.Users[0].ID != users[0].ID || b.Users[0].Role != graph.RoleMember {
		t.Errorf("the backup's owner, missing here, must come back as a member: %+v", b.Users)
	}
}
