package api_test

import (
	"testing"

	"github.com/nexohq/nexo/graph"
)

// TestMemberKeepsOthersData: a member deleting a person the owner has
// private notes about (or logged interactions with) is refused with 403 and
// the owner's things stay; the owner may delete. (Before, the member's
// DELETE took the owner's notes and interactions with it.)
func TestMemberKeepsOthersData(t *testing.T) {
	c := newServer(t, quietLogs)
	ana := c.person(map[string]any{"name": "Ana Shared"})
	bo := c.person(map[string]any{"name": "Bo Shared"})
	var n graph.Note
	c.must(201, "POST", "/api/v1/people/"+ana.ID+"/notes", map[string]any{"body": "owner's private note"}, &n)
	var i graph.Interaction
	c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{bo.ID}, "notes": "owner's words"}, &i)
	member := c.member("Mo Member", graph.RoleMember)
	for _, p := range []graph.Person{ana, bo} {
		e := member.fails(403, "DELETE", "/api/v1/people/"+p.ID, nil)
		if e.Error.Message == "" {
			t.Errorf("no reason given")
		}
	}
	c.must(200, "GET", "/api/v1/notes/"+n.ID, nil, nil)
	c.must(200, "GET", "/api/v1/interactions/"+i.ID, nil, nil)
	// Their own contact, they may delete.
	own := member.person(map[string]any{"name": "Mo's Contact"})
	member.must(201, "POST", "/api/v1/people/"+own.ID+"/notes", map[string]any{"body": "mine"}, nil)
	member.must(204, "DELETE", "/api/v1/people/"+own.ID, nil, nil)
	c.must(204, "DELETE", "/api/v1/people/"+ana.ID, nil, nil)
	c.fails(404, "GET", "/api/v1/notes/"+n.ID, nil)
}

// TestOwnPersonNotShared: a member cannot make the owner's own person theirs
// (409), so the owner's dormant ties stay the owner's. (Before, the PATCH
// went through and /dormant answered with the owner's ties.)
func TestOwnPersonNotShared(t *testing.T) {
	c := newServer(t, quietLogs)
	member := c.member("Mo Member", graph.RoleMember)
	e := member.fails(409, "PATCH", "/api/v1/members/"+member.user.ID, map[string]any{"person_id": c.user.PersonID})
	if e.Error.Field != "person_id" {
		t.Errorf("field %q, want person_id", e.Error.Field)
	}
	c.fails(409, "POST", "/api/v1/members", map[string]any{"name": "Copycat", "person_id": c.user.PersonID})
	var me struct{ Person struct{ ID string } }
	member.must(200, "GET", "/api/v1/me", nil, &me)
	if me.Person.ID != member.user.PersonID {
		t.Errorf("member's own person is %s, want %s", me.Person.ID, member.user.PersonID)
	}
}
