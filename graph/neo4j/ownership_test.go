package neo4j_test

import (
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// mustMember adds a member with their own person.
func mustMember(tb testing.TB, s *neo4j.Store, ws string, role graph.Role) *graph.User {
	tb.Helper()
	p := mustPerson(tb, s, ws, "Member "+string(role))
	u := &graph.User{WorkspaceID: ws, Name: "Member", Role: role, PersonID: p.ID}
	if err := s.CreateUser(ctx, u); err != nil {
		tb.Fatal(err)
	}
	return u
}

// TestDeletePersonFor: a member cannot delete a person another member has
// private notes about or logged interactions with; an owner can, and a
// member can delete a person only they wrote about.
func TestDeletePersonFor(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	member := mustMember(t, s, w.ID, graph.RoleMember)
	ana, bo, cy := mustPerson(t, s, w.ID, "Ana"), mustPerson(t, s, w.ID, "Bo"), mustPerson(t, s, w.ID, "Cy")
	for _, n := range []*graph.Note{{PersonID: ana.ID, AuthorID: owner.ID, Body: "owner's"}, {PersonID: cy.ID, AuthorID: member.ID, Body: "member's"}} {
		n.WorkspaceID = w.ID
		if err := s.CreateNote(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	it := &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindCall, At: time.Now().Add(-time.Hour),
		ParticipantIDs: []string{owner.PersonID, bo.ID}, LoggedBy: owner.ID}
	if err := s.CreateInteraction(ctx, it); err != nil {
		t.Fatal(err)
	}
	before := neo4jtest.Dump(t, s, w.ID)
	for _, p := range []*graph.Person{ana, bo} {
		wantCode(t, s.DeletePersonFor(ctx, w.ID, p.ID, member.ID), graph.EFORBIDDEN)
	}
	if after := neo4jtest.Dump(t, s, w.ID); after != before {
		t.Fatal("a refused deletion changed the workspace")
	}
	if err := s.DeletePersonFor(ctx, w.ID, cy.ID, member.ID); err != nil {
		t.Errorf("a member deleting a person only they wrote about: %v", err)
	}
	for _, p := range []*graph.Person{ana, bo} {
		if err := s.DeletePersonFor(ctx, w.ID, p.ID, owner.ID); err != nil {
			t.Errorf("the owner deleting %s: %v", p.Name, err)
		}
	}
	wantCode(t, s.DeletePersonFor(ctx, w.ID, mustPerson(t, s, w.ID, "Dee").ID, graph.NewID()), graph.ENOTFOUND)
}

// TestOwnPersonIsOwn: no member takes another member's own person as theirs.
func TestOwnPersonIsOwn(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	member := mustMember(t, s, w.ID, graph.RoleMember)
	_, err := s.UpdateUser(ctx, w.ID, member.ID, graph.UserUpdate{PersonID: &owner.PersonID})
	wantCode(t, err, graph.ECONFLICT)
	wantCode(t, s.CreateUser(ctx, &graph.User{WorkspaceID: w.ID, Name: "Copy", Role: graph.RoleViewer, PersonID: owner.PersonID}), graph.ECONFLICT)
	if got, err := s.FindUser(ctx, w.ID, member.ID); err != nil || got.PersonID != member.PersonID {
		t.Fatalf("member after a refused change: %+v, %v", got, err)
	}
	// Re-pointing at one's own person, or at a free one, is fine.
	if _, err := s.UpdateUser(ctx, w.ID, owner.ID, graph.UserUpdate{PersonID: &owner.PersonID}); err != nil {
		t.Error(err)
	}
	free := mustPerson(t, s, w.ID, "Free").ID
	if _, err := s.UpdateUser(ctx, w.ID, member.ID, graph.UserUpdate{PersonID: &free}); err != nil {
		t.Error(err)
	}
}
