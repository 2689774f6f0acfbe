package neo4j_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// victimWorkspace fills a workspace with one of every kind of entity and
// returns them by kind.
func victimWorkspace(tb testing.TB, s *neo4j.Store) (*graph.Workspace, *graph.User, map[string]string) {
	tb.Helper()
	w, owner := neo4jtest.Workspace(tb, s)
	me := owner.PersonID
	org := &graph.Organization{ID: graph.NewID(), Name: "Victim Org"}
	ana := &graph.Person{ID: graph.NewID(), Name: "Ana Victim"}
	bo := &graph.Person{ID: graph.NewID(), Name: "Bo Victim"}
	job := &graph.Employment{ID: graph.NewID(), PersonID: ana.ID, OrganizationID: org.ID, Title: "CFO"}
	tie := &graph.Tie{ID: graph.NewID(), PersonA: me, PersonB: ana.ID, Source: graph.TieManual}
	it := &graph.Interaction{ID: graph.NewID(), Kind: graph.KindCoffee, At: time.Now().Add(-time.Hour),
		ParticipantIDs: []string{me, ana.ID}, Notes: "secret", LoggedBy: owner.ID}
	in := &graph.Introduction{ID: graph.NewID(), IntroducerID: me, PersonID: ana.ID, TargetID: bo.ID, RequestedBy: owner.ID}
	note := &graph.Note{ID: graph.NewID(), PersonID: ana.ID, AuthorID: owner.ID, Body: "private"}
	if err := s.Upsert(ctx, w.ID, &graph.Batch{Organizations: []*graph.Organization{org}, People: []*graph.Person{ana, bo},
		Employments: []*graph.Employment{job}, Ties: []*graph.Tie{tie}, Interactions: []*graph.Interaction{it},
		Introductions: []*graph.Introduction{in}, Notes: []*graph.Note{note}}, nil); err != nil {
		tb.Fatal(err)
	}
	return w, owner, map[string]string{"me": me, "org": org.ID, "person": ana.ID, "other": bo.ID, "employment": job.ID,
		"tie": tie.ID, "interaction": it.ID, "introduction": in.ID, "note": note.ID, "user": owner.ID}
}

// TestUpsertProvesWorkspace writes batches into one workspace that carry
// another workspace's ids, one kind at a time: every one fails, and the
// other workspace is byte for byte as it was. (Before, an employment id of
// another workspace deleted that workspace's employment.)
func TestUpsertProvesWorkspace(t *testing.T) {
	s := neo4jtest.Open(t)
	victim, victimOwner, v := victimWorkspace(t, s)
	w, owner := neo4jtest.Workspace(t, s)
	me := owner.PersonID
	mine := &graph.Person{ID: graph.NewID(), Name: "Mine"}
	third := &graph.Person{ID: graph.NewID(), Name: "Third"}
	myOrg := &graph.Organization{ID: graph.NewID(), Name: "My Org"}
	if err := s.Upsert(ctx, w.ID, &graph.Batch{People: []*graph.Person{mine, third}, Organizations: []*graph.Organization{myOrg}}, nil); err != nil {
		t.Fatal(err)
	}
	before := neo4jtest.Dump(t, s, victim.ID)
	mineBefore := neo4jtest.Dump(t, s, w.ID)
	now := time.Now().Add(-time.Minute)

	tests := []struct {
		name  string
		batch *graph.Batch
		code  string
	}{
		{"Employment", &graph.Batch{Employments: []*graph.Employment{{ID: v["employment"], PersonID: mine.ID, OrganizationID: myOrg.ID}}}, graph.ECONFLICT},
		{"Tie", &graph.Batch{Ties: []*graph.Tie{{ID: v["tie"], PersonA: me, PersonB: mine.ID}}}, graph.ECONFLICT},
		{"Person", &graph.Batch{People: []*graph.Person{{ID: v["person"], Name: "Hijacked"}}}, graph.ECONFLICT},
		{"Organization", &graph.Batch{Organizations: []*graph.Organization{{ID: v["org"], Name: "Hijacked"}}}, graph.ECONFLICT},
		{"Interaction", &graph.Batch{Interactions: []*graph.Interaction{{ID: v["interaction"], Kind: graph.KindCall, At: now,
			ParticipantIDs: []string{me, mine.ID}}}}, graph.ECONFLICT},
		{"Introduction", &graph.Batch{Introductions: []*graph.Introduction{{ID: v["introduction"], IntroducerID: me,
			PersonID: mine.ID, TargetID: third.ID}}}, graph.ECONFLICT},
		{"Note", &graph.Batch{Notes: []*graph.Note{{ID: v["note"], PersonID: mine.ID, AuthorID: owner.ID, Body: "overwritten"}}}, graph.ECONFLICT},
		{"User", &graph.Batch{Users: []*graph.User{{ID: v["user"], Name: "Hijack", Role: graph.RoleOwner}}}, graph.ECONFLICT},
		// Naming another workspace's member as an author, or pointing at
		// another workspace's people, finds nothing.
		{"NoteByStranger", &graph.Batch{Notes: []*graph.Note{{ID: graph.NewID(), PersonID: mine.ID, AuthorID: victimOwner.ID, Body: "planted"}}}, graph.ENOTFOUND},
		{"InteractionLoggedByStranger", &graph.Batch{Interactions: []*graph.Interaction{{ID: graph.NewID(), Kind: graph.KindCall, At: now,
			ParticipantIDs: []string{me, mine.ID}, LoggedBy: victimOwner.ID}}}, graph.ENOTFOUND},
		{"EmploymentOfStranger", &graph.Batch{Employments: []*graph.Employment{{ID: graph.NewID(), PersonID: v["person"], OrganizationID: myOrg.ID}}}, graph.ENOTFOUND},
		{"TieToStranger", &graph.Batch{Ties: []*graph.Tie{{ID: graph.NewID(), PersonA: me, PersonB: v["person"]}}}, graph.ENOTFOUND},
		// A member whose own person is another member's.
		{"SharedOwnPerson", &graph.Batch{Users: []*graph.User{{ID: graph.NewID(), Name: "Copycat", Role: graph.RoleMember, PersonID: me}}}, graph.ECONFLICT},
		{"MalformedID", &graph.Batch{People: []*graph.Person{{ID: "../../x", Name: "Dots"}}}, graph.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Upsert(ctx, w.ID, tt.batch, nil)
			wantCode(t, err, tt.code)
			if tt.code == graph.ECONFLICT && tt.name != "SharedOwnPerson" &&
				!strings.Contains(graph.ErrorMessage(err), "another workspace") {
				t.Errorf("message %q does not say the ids belong to another workspace", graph.ErrorMessage(err))
			}
			if after := neo4jtest.Dump(t, s, victim.ID); after != before {
				t.Fatalf("the other workspace changed:\nbefore\n%s\nafter\n%s", before, after)
			}
			if after := neo4jtest.Dump(t, s, w.ID); after != mineBefore {
				t.Fatalf("a failed batch changed the workspace:\nbefore\n%s\nafter\n%s", mineBefore, after)
			}
		})
	}
}
