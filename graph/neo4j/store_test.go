package neo4j_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

var ctx = context.Background()

// wantCode fails unless err carries the graph error code want.
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := graph.ErrorCode(err); got != want {
		tb.Fatalf("got error code %q (%v), want %q", got, err, want)
	}
}

func mustPerson(tb testing.TB, s *neo4j.Store, ws, name string, opts ...func(*graph.Person)) *graph.Person {
	tb.Helper()
	p := &graph.Person{WorkspaceID: ws, Name: name}
	for _, o := range opts {
		o(p)
	}
	if err := s.CreatePerson(ctx, p); err != nil {
		tb.Fatalf("create person %s: %v", name, err)
	}
	return p
}

func mustTie(tb testing.TB, s *neo4j.Store, ws, a, b string) *graph.Tie {
	tb.Helper()
	t := &graph.Tie{WorkspaceID: ws, PersonA: a, PersonB: b, Source: graph.TieManual}
	if err := s.CreateTie(ctx, t); err != nil {
		tb.Fatalf("create tie: %v", err)
	}
	return t
}

func TestSchemaIsIdempotent(t *testing.T) {
	s := neo4jtest.Open(t)
	// Opening again runs the schema statements again; they must not fail.
	s2, err := neo4j.Open(ctx, neo4jtest.Config(t))
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	defer s2.Close(ctx)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

func TestOpen(t *testing.T) {
	cfg := neo4jtest.Config(t)
	t.Run("ErrWrongPassword", func(t *testing.T) {
		bad := cfg
		bad.Password = "not-the-password"
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if _, err := neo4j.Open(c, bad); err == nil {
			t.Fatal("got no error with a wrong password")
		}
	})
	t.Run("ErrUnreachable", func(t *testing.T) {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if _, err := neo4j.Open(c, neo4j.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x"}); err == nil {
			t.Fatal("got no error for an unreachable server")
		}
	})
}

func TestWorkspaces(t *testing.T) {
	s := neo4jtest.Open(t)
	t.Run("OK", func(t *testing.T) {
		w := &graph.Workspace{Name: "Ana's network"}
		if err := s.CreateWorkspace(ctx, w); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindWorkspace(ctx, w.ID)
		if err != nil || got.Name != w.Name || got.CreatedAt.IsZero() {
			t.Fatalf("got %+v, %v", got, err)
		}
		all, err := s.FindWorkspaces(ctx)
		if err != nil || !slices.ContainsFunc(all, func(x *graph.Workspace) bool { return x.ID == w.ID }) {
			t.Fatalf("FindWorkspaces: got %d workspaces, err %v, want one with id %s", len(all), err, w.ID)
		}
		mustPerson(t, s, w.ID, "Someone")
		if err := s.DeleteWorkspace(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindWorkspace(ctx, w.ID)
		wantCode(t, err, graph.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreateWorkspace(ctx, &graph.Workspace{Name: "  "}), graph.EINVALID)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.FindWorkspace(ctx, graph.NewID())
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeleteWorkspace(ctx, graph.NewID()), graph.ENOTFOUND)
		wantCode(t, s.CreatePerson(ctx, &graph.Person{WorkspaceID: graph.NewID(), Name: "X"}), graph.ENOTFOUND)
	})
}

func TestUsersAndTokens(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	other, otherOwner := neo4jtest.Workspace(t, s)

	t.Run("OK", func(t *testing.T) {
		got, err := s.FindUser(ctx, w.ID, owner.ID)
		if err != nil || got.PersonID != owner.PersonID || got.Role != graph.RoleOwner {
			t.Fatalf("got %+v, %v", got, err)
		}
		org := &graph.Organization{WorkspaceID: w.ID, Name: "Acme"}
		if err := s.CreateOrganization(ctx, org); err != nil {
			t.Fatal(err)
		}
		name, locale, follows := "Owner Renamed", "es", []string{org.ID}
		u, err := s.UpdateUser(ctx, w.ID, owner.ID, graph.UserUpdate{Name: &name, Locale: &locale, Follows: &follows})
		if err != nil || u.Name != name || u.Locale != "es" || !slices.Equal(u.Follows, follows) {
			t.Fatalf("update: got %+v, %v", u, err)
		}
		users, err := s.FindUsers(ctx, w.ID)
		if err != nil || len(users) != 1 || users[0].Name != name {
			t.Fatalf("FindUsers: got %v, %v", users, err)
		}

		tok := &graph.Token{WorkspaceID: w.ID, UserID: owner.ID, Name: "cli", Prefix: "nexo_abc",
			Hash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		found, err := s.FindTokenByHash(ctx, tok.Hash)
		if err != nil || found.ID != tok.ID || found.WorkspaceID != w.ID {
			t.Fatalf("FindTokenByHash: got %+v, %v", found, err)
		}
		if err := s.TouchToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		toks, err := s.FindTokens(ctx, w.ID, owner.ID)
		if err != nil || len(toks) != 1 || toks[0].LastUsedAt.IsZero() {
			t.Fatalf("FindTokens: got %v, %v", toks, err)
		}
		if err := s.RevokeToken(ctx, w.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindTokenByHash(ctx, tok.Hash)
		wantCode(t, err, graph.ENOTFOUND)

		member := &graph.User{WorkspaceID: w.ID, Name: "Member", Role: graph.RoleMember}
		if err := s.CreateUser(ctx, member); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUser(ctx, w.ID, member.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindUser(ctx, w.ID, member.ID)
		wantCode(t, err, graph.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreateUser(ctx, &graph.User{WorkspaceID: w.ID, Name: "X", Role: "admin"}), graph.EINVALID)
		wantCode(t, s.CreateUser(ctx, &graph.User{WorkspaceID: w.ID, Name: "X", Role: graph.RoleMember, TimeZone: "Mars/Base"}), graph.EINVALID)
		bogus := []string{graph.NewID()}
		_, err := s.UpdateUser(ctx, w.ID, owner.ID, graph.UserUpdate{Follows: &bogus})
		wantCode(t, err, graph.EINVALID)
		wantCode(t, s.CreateToken(ctx, &graph.Token{WorkspaceID: w.ID, UserID: owner.ID, Name: "x", Hash: "short"}), graph.EINVALID)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		h := "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
		if err := s.CreateToken(ctx, &graph.Token{WorkspaceID: w.ID, UserID: owner.ID, Name: "a", Hash: h}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CreateToken(ctx, &graph.Token{WorkspaceID: w.ID, UserID: owner.ID, Name: "b", Hash: h}), graph.ECONFLICT)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		_, err := s.FindUser(ctx, w.ID, otherOwner.ID)
		wantCode(t, err, graph.ENOTFOUND)
		name := "hijack"
		_, err = s.UpdateUser(ctx, w.ID, otherOwner.ID, graph.UserUpdate{Name: &name})
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeleteUser(ctx, w.ID, otherOwner.ID), graph.ENOTFOUND)
		// A token cannot be made for a user of another workspace, nor revoked from it.
		wantCode(t, s.CreateToken(ctx, &graph.Token{WorkspaceID: w.ID, UserID: otherOwner.ID, Name: "x",
			Hash: "1111111111111111111111111111111111111111111111111111111111111111"}), graph.ENOTFOUND)
		tok := &graph.Token{WorkspaceID: other.ID, UserID: otherOwner.ID, Name: "x",
			Hash: "2222222222222222222222222222222222222222222222222222222222222222"}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.RevokeToken(ctx, w.ID, tok.ID), graph.ENOTFOUND)
		// A member's person must be in the member's workspace.
		p := mustPerson(t, s, other.ID, "Elsewhere")
		wantCode(t, s.CreateUser(ctx, &graph.User{WorkspaceID: w.ID, Name: "X", Role: graph.RoleMember, PersonID: p.ID}), graph.ENOTFOUND)
	})
}

func TestPeople(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	other, _ := neo4jtest.Workspace(t, s)

	ana := mustPerson(t, s, w.ID, "", func(p *graph.Person) {
		p.FirstName, p.LastName = "Ana", "García"
		p.Emails = []string{"Ana@Example.com", "ana@example.com"}
		p.Title = "Data Scientist"
		p.Tags = []string{"mentor", "Mentor", "ml"}
		p.Skills = []string{"data analysis"}
		p.LinkedInURL = "http://es.linkedin.com/in/AnaGarcia/?trk=x"
	})
	bo := mustPerson(t, s, w.ID, "Bo Chen", func(p *graph.Person) { p.Title = "Recruiter"; p.Location = "Berlin" })
	mustPerson(t, s, other.ID, "Ana Other", func(p *graph.Person) { p.Skills = []string{"data analysis"} })
	acme := &graph.Organization{WorkspaceID: w.ID, Name: "Acme Corp", Domain: "acme.com"}
	if err := s.CreateOrganization(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateEmployment(ctx, &graph.Employment{WorkspaceID: w.ID, PersonID: bo.ID, OrganizationID: acme.ID,
		Title: "Recruiter", Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}

	t.Run("Normalised", func(t *testing.T) {
		got, err := s.FindPerson(ctx, w.ID, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Ana García" || !slices.Equal(got.Emails, []string{"ana@example.com"}) ||
			!slices.Equal(got.Tags, []string{"mentor", "ml"}) ||
			got.LinkedInURL != "https://www.linkedin.com/in/anagarcia" || got.Source != "manual" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("Company", func(t *testing.T) {
		got, err := s.FindPerson(ctx, w.ID, bo.ID)
		if err != nil || got.Company != "Acme Corp" {
			t.Fatalf("got company %q (%v), want Acme Corp", got.Company, err)
		}
	})
	search := []struct {
		name string
		f    graph.PersonFilter
		want []string
	}{
		{"All", graph.PersonFilter{}, []string{ana.ID, bo.ID, owner.PersonID}},
		{"Name", graph.PersonFilter{Name: "garc"}, []string{ana.ID}},
		{"Email", graph.PersonFilter{Email: "ANA@example"}, []string{ana.ID}},
		{"Company", graph.PersonFilter{Company: "acme"}, []string{bo.ID}},
		{"Title", graph.PersonFilter{Title: "recruit"}, []string{bo.ID}},
		{"Location", graph.PersonFilter{Location: "berlin"}, []string{bo.ID}},
		{"Tag", graph.PersonFilter{Tag: "MENTOR"}, []string{ana.ID}},
		{"TagIsWhole", graph.PersonFilter{Tag: "ment"}, nil},
		{"Skill", graph.PersonFilter{Skill: "data analysis"}, []string{ana.ID}},
		{"QueryCompany", graph.PersonFilter{Query: "acme"}, []string{bo.ID}},
		{"QuerySkill", graph.PersonFilter{Query: "analysis"}, []string{ana.ID}},
		{"Combined", graph.PersonFilter{Title: "data", Tag: "ml"}, []string{ana.ID}},
		{"Paged", graph.PersonFilter{Limit: 1, Offset: 1}, []string{bo.ID}},
	}
	for _, tt := range search {
		t.Run("Find"+tt.name, func(t *testing.T) {
			got, total, err := s.FindPeople(ctx, w.ID, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range got {
				ids = append(ids, p.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Fatalf("got %v, want %v", ids, tt.want)
			}
			if tt.f.Limit == 0 && total != len(tt.want) {
				t.Fatalf("got total %d, want %d", total, len(tt.want))
			}
		})
	}
	t.Run("Update", func(t *testing.T) {
		title := "Head of Data"
		tags := []string{"mentor", "investor"}
		got, err := s.UpdatePerson(ctx, w.ID, ana.ID, graph.PersonUpdate{Title: &title, Tags: &tags}, true)
		if err != nil || got.Title != title || !slices.Equal(got.UserEdited, []string{"title", "tags"}) {
			t.Fatalf("got %+v, %v", got, err)
		}
		if got.UpdatedAt.Before(got.CreatedAt) {
			t.Fatalf("updated %v before created %v", got.UpdatedAt, got.CreatedAt)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreatePerson(ctx, &graph.Person{WorkspaceID: w.ID}), graph.EINVALID)
		wantCode(t, s.CreatePerson(ctx, &graph.Person{WorkspaceID: w.ID, Name: "X", Emails: []string{"not an email"}}), graph.EINVALID)
		empty := ""
		_, err := s.UpdatePerson(ctx, w.ID, ana.ID, graph.PersonUpdate{Name: &empty, FirstName: &empty, LastName: &empty}, true)
		wantCode(t, err, graph.EINVALID)
		_, _, err = s.FindPeople(ctx, w.ID, graph.PersonFilter{Limit: 5000})
		wantCode(t, err, graph.EINVALID)
		_, _, err = s.FindPeople(ctx, w.ID, graph.PersonFilter{Offset: -1})
		wantCode(t, err, graph.EINVALID)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		_, err := s.FindPerson(ctx, other.ID, ana.ID)
		wantCode(t, err, graph.ENOTFOUND)
		name := "x"
		_, err = s.UpdatePerson(ctx, other.ID, ana.ID, graph.PersonUpdate{Name: &name}, true)
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeletePerson(ctx, other.ID, ana.ID), graph.ENOTFOUND)
		got, _, err := s.FindPeople(ctx, other.ID, graph.PersonFilter{IDs: []string{ana.ID, bo.ID}})
		if err != nil || len(got) != 0 {
			t.Fatalf("got %d people of another workspace, %v", len(got), err)
		}
	})
	t.Run("ErrConflictDeleteMe", func(t *testing.T) {
		wantCode(t, s.DeletePerson(ctx, w.ID, owner.PersonID), graph.ECONFLICT)
	})
}

func TestDeletePersonCascades(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	me := owner.PersonID
	ana := mustPerson(t, s, w.ID, "Ana")
	bo := mustPerson(t, s, w.ID, "Bo")
	mustTie(t, s, w.ID, me, ana.ID)
	pair := &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindCoffee, At: time.Now(), ParticipantIDs: []string{me, ana.ID}}
	group := &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindMeeting, At: time.Now(),
		ParticipantIDs: []string{me, ana.ID, bo.ID}, InitiatorID: ana.ID}
	for _, i := range []*graph.Interaction{pair, group} {
		if err := s.CreateInteraction(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateNote(ctx, &graph.Note{WorkspaceID: w.ID, PersonID: ana.ID, AuthorID: owner.ID, Body: "likes tea"}); err != nil {
		t.Fatal(err)
	}
	in := &graph.Introduction{WorkspaceID: w.ID, IntroducerID: ana.ID, PersonID: me, TargetID: bo.ID}
	if err := s.CreateIntroduction(ctx, in); err != nil {
		t.Fatal(err)
	}

	if err := s.DeletePerson(ctx, w.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	ties, _, err := s.FindTies(ctx, w.ID, graph.TieFilter{PersonID: me})
	if err != nil {
		t.Fatal(err)
	}
	for _, tie := range ties {
		if tie.Other(me) == ana.ID {
			t.Fatalf("tie to deleted person remains: %+v", tie)
		}
	}
	_, err = s.FindInteraction(ctx, w.ID, pair.ID)
	wantCode(t, err, graph.ENOTFOUND) // one participant left: gone
	g, err := s.FindInteraction(ctx, w.ID, group.ID)
	if err != nil || !slices.Equal(g.ParticipantIDs, sorted(me, bo.ID)) || g.InitiatorID != "" {
		t.Fatalf("group interaction: got %+v, %v", g, err)
	}
	_, err = s.FindIntroduction(ctx, w.ID, in.ID)
	wantCode(t, err, graph.ENOTFOUND)
	notes, err := s.FindNotes(ctx, w.ID, me, owner.ID)
	if err != nil || len(notes) != 0 {
		t.Fatalf("notes: %v, %v", notes, err)
	}
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

func TestNotes(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	other, otherOwner := neo4jtest.Workspace(t, s)
	ana := mustPerson(t, s, w.ID, "Ana")
	n := &graph.Note{WorkspaceID: w.ID, PersonID: ana.ID, AuthorID: owner.ID, Body: " Met at PyCon "}
	t.Run("OK", func(t *testing.T) {
		if err := s.CreateNote(ctx, n); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindNote(ctx, w.ID, n.ID)
		if err != nil || got.Body != "Met at PyCon" || got.Source != "manual" {
			t.Fatalf("got %+v, %v", got, err)
		}
		up, err := s.UpdateNote(ctx, w.ID, n.ID, "Met at PyCon 2024")
		if err != nil || up.Body != "Met at PyCon 2024" {
			t.Fatalf("update: got %+v, %v", up, err)
		}
		l, err := s.FindNotes(ctx, w.ID, ana.ID, owner.ID)
		if err != nil || len(l) != 1 || l[0].Body != up.Body {
			t.Fatalf("FindNotes: got %v, %v", l, err)
		}
		// Another author sees none of them.
		l, err = s.FindNotes(ctx, w.ID, ana.ID, graph.NewID())
		if err != nil || len(l) != 0 {
			t.Fatalf("FindNotes by another author: got %v, %v", l, err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreateNote(ctx, &graph.Note{WorkspaceID: w.ID, PersonID: ana.ID, AuthorID: owner.ID, Body: " "}), graph.EINVALID)
		_, err := s.UpdateNote(ctx, w.ID, n.ID, "")
		wantCode(t, err, graph.EINVALID)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		wantCode(t, s.CreateNote(ctx, &graph.Note{WorkspaceID: other.ID, PersonID: ana.ID, AuthorID: otherOwner.ID, Body: "x"}), graph.ENOTFOUND)
		wantCode(t, s.CreateNote(ctx, &graph.Note{WorkspaceID: w.ID, PersonID: ana.ID, AuthorID: otherOwner.ID, Body: "x"}), graph.ENOTFOUND)
		_, err := s.FindNote(ctx, other.ID, n.ID)
		wantCode(t, err, graph.ENOTFOUND)
		_, err = s.UpdateNote(ctx, other.ID, n.ID, "x")
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeleteNote(ctx, other.ID, n.ID), graph.ENOTFOUND)
	})
	t.Run("Delete", func(t *testing.T) {
		if err := s.DeleteNote(ctx, w.ID, n.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.DeleteNote(ctx, w.ID, n.ID), graph.ENOTFOUND)
	})
}

func TestOrganizationsAndEmployment(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	other, _ := neo4jtest.Workspace(t, s)
	acme := &graph.Organization{WorkspaceID: w.ID, Name: "Acme", Domain: "ACME.com"}
	if err := s.CreateOrganization(ctx, acme); err != nil {
		t.Fatal(err)
	}
	ana := mustPerson(t, s, w.ID, "Ana")

	t.Run("OK", func(t *testing.T) {
		got, err := s.FindOrganization(ctx, w.ID, acme.ID)
		if err != nil || got.Domain != "acme.com" {
			t.Fatalf("got %+v, %v", got, err)
		}
		l, total, err := s.FindOrganizations(ctx, w.ID, graph.OrganizationFilter{Name: "ac"})
		if err != nil || total != 1 || l[0].ID != acme.ID {
			t.Fatalf("find: got %v (%d), %v", l, total, err)
		}
		name := "Acme Inc"
		up, err := s.UpdateOrganization(ctx, w.ID, acme.ID, graph.OrganizationUpdate{Name: &name})
		if err != nil || up.Name != name {
			t.Fatalf("update: got %+v, %v", up, err)
		}
		// The same name in another workspace is fine.
		if err := s.CreateOrganization(ctx, &graph.Organization{WorkspaceID: other.ID, Name: "Acme Inc"}); err != nil {
			t.Fatal(err)
		}

		e := &graph.Employment{WorkspaceID: w.ID, PersonID: ana.ID, OrganizationID: acme.ID, Title: "Engineer",
			Start: time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC), Source: "linkedin"}
		if err := s.CreateEmployment(ctx, e); err != nil {
			t.Fatal(err)
		}
		ge, err := s.FindEmployment(ctx, w.ID, e.ID)
		if err != nil || ge.PersonID != ana.ID || ge.OrganizationID != acme.ID || !ge.Start.Equal(e.Start) || !ge.Current() ||
			ge.Source != "linkedin" || !ge.Imported() {
			t.Fatalf("employment: got %+v, %v", ge, err)
		}
		end := time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC)
		ue, err := s.UpdateEmployment(ctx, w.ID, e.ID, graph.EmploymentUpdate{End: &end})
		if err != nil || !ue.End.Equal(end) || ue.Source != "manual" {
			t.Fatalf("update employment: got %+v, %v (an edit makes it the user's)", ue, err)
		}
		if ge, err := s.FindEmployment(ctx, w.ID, e.ID); err != nil || ge.Source != "manual" || ge.Imported() {
			t.Fatalf("employment after the edit: got %+v, %v", ge, err)
		}
		cur, err := s.FindEmployments(ctx, w.ID, graph.EmploymentFilter{PersonID: ana.ID, CurrentOnly: true})
		if err != nil || len(cur) != 0 {
			t.Fatalf("current: got %v, %v", cur, err)
		}
		all, err := s.FindEmployments(ctx, w.ID, graph.EmploymentFilter{OrganizationID: acme.ID})
		if err != nil || len(all) != 1 {
			t.Fatalf("all: got %v, %v", all, err)
		}
		if err := s.DeleteEmployment(ctx, w.ID, e.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindEmployment(ctx, w.ID, e.ID)
		wantCode(t, err, graph.ENOTFOUND)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		wantCode(t, s.CreateOrganization(ctx, &graph.Organization{WorkspaceID: w.ID, Name: "ACME  inc"}), graph.ECONFLICT)
		wantCode(t, s.CreateOrganization(ctx, &graph.Organization{WorkspaceID: w.ID, Name: "Other", Domain: "acme.com"}), graph.ECONFLICT)
		globex := &graph.Organization{WorkspaceID: w.ID, Name: "Globex"}
		if err := s.CreateOrganization(ctx, globex); err != nil {
			t.Fatal(err)
		}
		name := "acme inc"
		_, err := s.UpdateOrganization(ctx, w.ID, globex.ID, graph.OrganizationUpdate{Name: &name})
		wantCode(t, err, graph.ECONFLICT)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreateOrganization(ctx, &graph.Organization{WorkspaceID: w.ID, Name: ""}), graph.EINVALID)
		wantCode(t, s.CreateOrganization(ctx, &graph.Organization{WorkspaceID: w.ID, Name: "X", Domain: "a b"}), graph.EINVALID)
		wantCode(t, s.CreateEmployment(ctx, &graph.Employment{WorkspaceID: w.ID, PersonID: ana.ID, OrganizationID: acme.ID,
			Start: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}), graph.EINVALID)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		_, err := s.FindOrganization(ctx, other.ID, acme.ID)
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeleteOrganization(ctx, other.ID, acme.ID), graph.ENOTFOUND)
		wantCode(t, s.CreateEmployment(ctx, &graph.Employment{WorkspaceID: other.ID, PersonID: ana.ID, OrganizationID: acme.ID}), graph.ENOTFOUND)
		e := &graph.Employment{WorkspaceID: w.ID, PersonID: ana.ID, OrganizationID: acme.ID}
		if err := s.CreateEmployment(ctx, e); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindEmployment(ctx, other.ID, e.ID)
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeleteEmployment(ctx, other.ID, e.ID), graph.ENOTFOUND)
	})
	t.Run("DeleteCascades", func(t *testing.T) {
		if err := s.DeleteOrganization(ctx, w.ID, acme.ID); err != nil {
			t.Fatal(err)
		}
		l, err := s.FindEmployments(ctx, w.ID, graph.EmploymentFilter{PersonID: ana.ID})
		if err != nil || len(l) != 0 {
			t.Fatalf("employments after delete: %v, %v", l, err)
		}
	})
}

func TestTies(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	other, _ := neo4jtest.Workspace(t, s)
	me := owner.PersonID
	ana := mustPerson(t, s, w.ID, "Ana")
	bo := mustPerson(t, s, w.ID, "Bo")
	stranger := mustPerson(t, s, other.ID, "Stranger")

	since := time.Date(2023, 3, 15, 0, 0, 0, 0, time.UTC)
	strength := 0.8
	tie := &graph.Tie{WorkspaceID: w.ID, PersonA: me, PersonB: ana.ID, Since: since, Strength: &strength,
		Context: "worked together at Acme 2019–2022", Source: graph.TieImported}
	t.Run("OK", func(t *testing.T) {
		if err := s.CreateTie(ctx, tie); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindTie(ctx, w.ID, tie.ID)
		if err != nil || !got.Since.Equal(since) || got.Strength == nil || *got.Strength != 0.8 ||
			got.Context != tie.Context || got.Source != graph.TieImported {
			t.Fatalf("got %+v, %v", got, err)
		}
		mustTie(t, s, w.ID, ana.ID, bo.ID)
		l, total, err := s.FindTies(ctx, w.ID, graph.TieFilter{PersonID: ana.ID})
		if err != nil || total != 2 || len(l) != 2 {
			t.Fatalf("FindTies: got %d (%d), %v", len(l), total, err)
		}
		l, _, err = s.FindTies(ctx, w.ID, graph.TieFilter{PersonID: ana.ID, OtherID: me})
		if err != nil || len(l) != 1 || l[0].ID != tie.ID {
			t.Fatalf("FindTies pair: got %v, %v", l, err)
		}
		up, err := s.UpdateTie(ctx, w.ID, tie.ID, graph.TieUpdate{ClearStrength: true})
		if err != nil || up.Strength != nil {
			t.Fatalf("clear strength: got %+v, %v", up, err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		// Either direction is the same pair.
		wantCode(t, s.CreateTie(ctx, &graph.Tie{WorkspaceID: w.ID, PersonA: ana.ID, PersonB: me}), graph.ECONFLICT)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreateTie(ctx, &graph.Tie{WorkspaceID: w.ID, PersonA: ana.ID, PersonB: ana.ID}), graph.EINVALID)
		bad := 1.5
		wantCode(t, s.CreateTie(ctx, &graph.Tie{WorkspaceID: w.ID, PersonA: me, PersonB: bo.ID, Strength: &bad}), graph.EINVALID)
		_, err := s.UpdateTie(ctx, w.ID, tie.ID, graph.TieUpdate{Strength: &bad})
		wantCode(t, err, graph.EINVALID)
		wantCode(t, s.CreateTie(ctx, &graph.Tie{WorkspaceID: w.ID, PersonA: me, PersonB: bo.ID, Source: "gossip"}), graph.EINVALID)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		wantCode(t, s.CreateTie(ctx, &graph.Tie{WorkspaceID: w.ID, PersonA: me, PersonB: stranger.ID}), graph.ENOTFOUND)
		_, err := s.FindTie(ctx, other.ID, tie.ID)
		wantCode(t, err, graph.ENOTFOUND)
		_, _, err = s.FindTies(ctx, other.ID, graph.TieFilter{PersonID: ana.ID})
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeleteTie(ctx, other.ID, tie.ID), graph.ENOTFOUND)
	})
	t.Run("Delete", func(t *testing.T) {
		if err := s.DeleteTie(ctx, w.ID, tie.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindTie(ctx, w.ID, tie.ID)
		wantCode(t, err, graph.ENOTFOUND)
	})
}

func TestInteractions(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	other, _ := neo4jtest.Workspace(t, s)
	me := owner.PersonID
	ana := mustPerson(t, s, w.ID, "Ana")
	stranger := mustPerson(t, s, other.ID, "Stranger")
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	coffee := &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindCoffee, At: at, ParticipantIDs: []string{me, ana.ID},
		InitiatorID: me, Notes: "talked about her job search", LoggedBy: owner.ID}

	t.Run("OK", func(t *testing.T) {
		if err := s.CreateInteraction(ctx, coffee); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindInteraction(ctx, w.ID, coffee.ID)
		if err != nil || !got.At.Equal(at) || got.Kind != graph.KindCoffee || !slices.Equal(got.ParticipantIDs, sorted(me, ana.ID)) ||
			got.Notes != coffee.Notes || got.LoggedBy != owner.ID {
			t.Fatalf("got %+v, %v", got, err)
		}
		// Logging it created the tie the two had not recorded.
		ties, _, err := s.FindTies(ctx, w.ID, graph.TieFilter{PersonID: me, OtherID: ana.ID})
		if err != nil || len(ties) != 1 || ties[0].Source != graph.TieManual || !ties[0].Since.Equal(at) {
			t.Fatalf("implied tie: got %v, %v", ties, err)
		}
		favour := &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindFavourReceived, At: at.Add(-48 * time.Hour),
			ParticipantIDs: []string{me, ana.ID}, InitiatorID: ana.ID}
		if err := s.CreateInteraction(ctx, favour); err != nil {
			t.Fatal(err)
		}
		l, total, err := s.FindInteractions(ctx, w.ID, graph.InteractionFilter{PersonID: ana.ID})
		if err != nil || total != 2 || l[0].ID != coffee.ID {
			t.Fatalf("FindInteractions: got %v (%d), %v; want newest first", l, total, err)
		}
		l, total, err = s.FindInteractions(ctx, w.ID, graph.InteractionFilter{Kind: graph.KindFavourReceived})
		if err != nil || total != 1 || l[0].ID != favour.ID {
			t.Fatalf("by kind: got %v, %v", l, err)
		}
		l, _, err = s.FindInteractions(ctx, w.ID, graph.InteractionFilter{Since: at.Add(-time.Hour)})
		if err != nil || len(l) != 1 {
			t.Fatalf("since: got %v, %v", l, err)
		}
		notes := "she got the job"
		up, err := s.UpdateInteraction(ctx, w.ID, coffee.ID, graph.InteractionUpdate{Notes: &notes})
		if err != nil || up.Notes != notes || len(up.ParticipantIDs) != 2 {
			t.Fatalf("update: got %+v, %v", up, err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreateInteraction(ctx, &graph.Interaction{WorkspaceID: w.ID, Kind: "telepathy", At: at,
			ParticipantIDs: []string{me, ana.ID}}), graph.EINVALID)
		wantCode(t, s.CreateInteraction(ctx, &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindCall, At: at,
			ParticipantIDs: []string{me}}), graph.EINVALID)
		wantCode(t, s.CreateInteraction(ctx, &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindCall,
			ParticipantIDs: []string{me, ana.ID}}), graph.EINVALID)
		wantCode(t, s.CreateInteraction(ctx, &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindFavourGiven, At: at,
			ParticipantIDs: []string{me, ana.ID}}), graph.EINVALID)
		bad := graph.InteractionKind("nope")
		_, err := s.UpdateInteraction(ctx, w.ID, coffee.ID, graph.InteractionUpdate{Kind: &bad})
		wantCode(t, err, graph.EINVALID)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		wantCode(t, s.CreateInteraction(ctx, &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindCall, At: at,
			ParticipantIDs: []string{me, stranger.ID}}), graph.ENOTFOUND)
		_, err := s.FindInteraction(ctx, other.ID, coffee.ID)
		wantCode(t, err, graph.ENOTFOUND)
		n := "x"
		_, err = s.UpdateInteraction(ctx, other.ID, coffee.ID, graph.InteractionUpdate{Notes: &n})
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeleteInteraction(ctx, other.ID, coffee.ID), graph.ENOTFOUND)
	})
	t.Run("Delete", func(t *testing.T) {
		if err := s.DeleteInteraction(ctx, w.ID, coffee.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindInteraction(ctx, w.ID, coffee.ID)
		wantCode(t, err, graph.ENOTFOUND)
	})
}

func TestIntroductions(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	other, _ := neo4jtest.Workspace(t, s)
	me := owner.PersonID
	ana := mustPerson(t, s, w.ID, "Ana")
	cleo := mustPerson(t, s, w.ID, "Cleo, CTO at Globex")
	in := &graph.Introduction{WorkspaceID: w.ID, IntroducerID: ana.ID, PersonID: me, TargetID: cleo.ID,
		Reason: "job search at Globex", RequestedBy: owner.ID}

	t.Run("OK", func(t *testing.T) {
		if err := s.CreateIntroduction(ctx, in); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindIntroduction(ctx, w.ID, in.ID)
		if err != nil || got.Status != graph.IntroRequested || got.IntroducerID != ana.ID || got.TargetID != cleo.ID {
			t.Fatalf("got %+v, %v", got, err)
		}
		made := graph.IntroMade
		up, err := s.UpdateIntroduction(ctx, w.ID, in.ID, graph.IntroductionUpdate{Status: &made})
		if err != nil || up.Status != made || up.MadeAt.IsZero() || up.TieID == "" {
			t.Fatalf("made: got %+v, %v", up, err)
		}
		tie, err := s.FindTie(ctx, w.ID, up.TieID)
		if err != nil || tie.Source != graph.TieIntroduced || tie.Other(me) != cleo.ID {
			t.Fatalf("produced tie: got %+v, %v", tie, err)
		}
		accepted, outcome := graph.IntroAccepted, "interview on Monday"
		up, err = s.UpdateIntroduction(ctx, w.ID, in.ID, graph.IntroductionUpdate{Status: &accepted, Outcome: &outcome})
		if err != nil || up.Status != accepted || up.RespondedAt.IsZero() || up.Outcome != outcome {
			t.Fatalf("accepted: got %+v, %v", up, err)
		}
		l, total, err := s.FindIntroductions(ctx, w.ID, graph.IntroductionFilter{PersonID: cleo.ID})
		if err != nil || total != 1 || l[0].ID != in.ID {
			t.Fatalf("find: got %v (%d), %v", l, total, err)
		}
		l, _, err = s.FindIntroductions(ctx, w.ID, graph.IntroductionFilter{Status: graph.IntroRequested})
		if err != nil || len(l) != 0 {
			t.Fatalf("find requested: got %v, %v", l, err)
		}
	})
	t.Run("ErrConflictTransition", func(t *testing.T) {
		requested := graph.IntroRequested
		_, err := s.UpdateIntroduction(ctx, w.ID, in.ID, graph.IntroductionUpdate{Status: &requested})
		wantCode(t, err, graph.ECONFLICT)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreateIntroduction(ctx, &graph.Introduction{WorkspaceID: w.ID, IntroducerID: ana.ID, PersonID: me, TargetID: me}), graph.EINVALID)
		wantCode(t, s.CreateIntroduction(ctx, &graph.Introduction{WorkspaceID: w.ID, IntroducerID: ana.ID, PersonID: me,
			TargetID: cleo.ID, Status: "maybe"}), graph.EINVALID)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		stranger := mustPerson(t, s, other.ID, "Stranger")
		wantCode(t, s.CreateIntroduction(ctx, &graph.Introduction{WorkspaceID: w.ID, IntroducerID: ana.ID, PersonID: me,
			TargetID: stranger.ID}), graph.ENOTFOUND)
		_, err := s.FindIntroduction(ctx, other.ID, in.ID)
		wantCode(t, err, graph.ENOTFOUND)
		o := "x"
		_, err = s.UpdateIntroduction(ctx, other.ID, in.ID, graph.IntroductionUpdate{Outcome: &o})
		wantCode(t, err, graph.ENOTFOUND)
		wantCode(t, s.DeleteIntroduction(ctx, other.ID, in.ID), graph.ENOTFOUND)
	})
	t.Run("Delete", func(t *testing.T) {
		if err := s.DeleteIntroduction(ctx, w.ID, in.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindIntroduction(ctx, w.ID, in.ID)
		wantCode(t, err, graph.ENOTFOUND)
	})
}

func TestUpsertAndWalk(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	other, _ := neo4jtest.Workspace(t, s)
	me := owner.PersonID
	org := &graph.Organization{ID: graph.NewID(), Name: "Initech"}
	ana := &graph.Person{ID: graph.NewID(), Name: "Ana", Source: "linkedin"}
	bo := &graph.Person{ID: graph.NewID(), Name: "Bo", Source: "linkedin"}
	b := &graph.Batch{
		Organizations: []*graph.Organization{org},
		People:        []*graph.Person{ana, bo},
		Employments:   []*graph.Employment{{ID: graph.NewID(), PersonID: ana.ID, OrganizationID: org.ID, Title: "PM"}},
		Ties: []*graph.Tie{{ID: graph.NewID(), PersonA: me, PersonB: ana.ID, Source: graph.TieImported},
			{ID: graph.NewID(), PersonA: me, PersonB: bo.ID, Source: graph.TieImported}},
		Interactions: []*graph.Interaction{{ID: graph.NewID(), Kind: graph.KindEmail, At: time.Now(),
			ParticipantIDs: []string{me, ana.ID}}},
		Notes: []*graph.Note{{ID: graph.NewID(), PersonID: ana.ID, AuthorID: owner.ID, Body: "imported note", Source: "vcard"}},
	}
	walk := func(t *testing.T) map[string]int {
		t.Helper()
		counts := map[string]int{}
		err := s.Walk(ctx, w.ID, graph.AllKinds, func(v any) error {
			switch v.(type) {
			case *graph.Person:
				counts["people"]++
			case *graph.Organization:
				counts["orgs"]++
			case *graph.Employment:
				counts["jobs"]++
			case *graph.Tie:
				counts["ties"]++
			case *graph.Interaction:
				counts["interactions"]++
			case *graph.Note:
				counts["notes"]++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return counts
	}
	want := map[string]int{"people": 3, "orgs": 1, "jobs": 1, "ties": 2, "interactions": 1, "notes": 1}

	t.Run("OK", func(t *testing.T) {
		var calls int
		if err := s.Upsert(ctx, w.ID, b, func(done, total int) { calls++ }); err != nil {
			t.Fatal(err)
		}
		if calls == 0 {
			t.Fatal("progress was never reported")
		}
		if got := walk(t); !mapsEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("Idempotent", func(t *testing.T) {
		ana.Title = "Senior PM"
		if err := s.Upsert(ctx, w.ID, b, nil); err != nil {
			t.Fatal(err)
		}
		if got := walk(t); !mapsEqual(got, want) {
			t.Fatalf("after second upsert got %v, want %v", got, want)
		}
		p, err := s.FindPerson(ctx, w.ID, ana.ID)
		if err != nil || p.Title != "Senior PM" || p.Company != "Initech" {
			t.Fatalf("got %+v, %v", p, err)
		}
	})
	t.Run("ErrAllOrNothing", func(t *testing.T) {
		// The second employment refers to a person that exists nowhere: nothing
		// of the batch may be written.
		newcomer := &graph.Person{ID: graph.NewID(), Name: "Newcomer"}
		bad := &graph.Batch{People: []*graph.Person{newcomer},
			Ties: []*graph.Tie{{ID: graph.NewID(), PersonA: me, PersonB: graph.NewID()}}}
		wantCode(t, s.Upsert(ctx, w.ID, bad, nil), graph.ENOTFOUND)
		_, err := s.FindPerson(ctx, w.ID, newcomer.ID)
		wantCode(t, err, graph.ENOTFOUND)
	})
	t.Run("Users", func(t *testing.T) {
		// A member, their own person and the organisation they follow, in one
		// batch: the member is written last and linked to both.
		acme := &graph.Organization{ID: graph.NewID(), Name: "Acme"}
		cleo := &graph.Person{ID: graph.NewID(), Name: "Cleo"}
		u := &graph.User{ID: graph.NewID(), Name: "Cleo", Role: graph.RoleMember, PersonID: cleo.ID, Follows: []string{acme.ID}}
		solo := &graph.User{ID: graph.NewID(), Name: "Solo", Role: graph.RoleViewer}
		if err := s.Upsert(ctx, w.ID, &graph.Batch{Organizations: []*graph.Organization{acme},
			People: []*graph.Person{cleo}, Users: []*graph.User{u, solo}}, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUser(ctx, w.ID, u.ID)
		if err != nil || got.PersonID != cleo.ID || len(got.Follows) != 1 || got.Follows[0] != acme.ID || got.Role != graph.RoleMember {
			t.Fatalf("got %+v, %v", got, err)
		}
		if got, err := s.FindUser(ctx, w.ID, solo.ID); err != nil || got.PersonID != "" {
			t.Fatalf("got %+v, %v", got, err)
		}
		// A member whose person is missing: nothing of the batch is written,
		// not even the people before it.
		dora := &graph.Person{ID: graph.NewID(), Name: "Dora"}
		bad := &graph.User{ID: graph.NewID(), Name: "Ghost", Role: graph.RoleMember, PersonID: graph.NewID()}
		wantCode(t, s.Upsert(ctx, w.ID, &graph.Batch{People: []*graph.Person{dora}, Users: []*graph.User{bad}}, nil), graph.ENOTFOUND)
		_, err = s.FindPerson(ctx, w.ID, dora.ID)
		wantCode(t, err, graph.ENOTFOUND)
		_, err = s.FindUser(ctx, w.ID, bad.ID)
		wantCode(t, err, graph.ENOTFOUND)
		// Following an organisation of another workspace fails the same way.
		stray := &graph.User{ID: graph.NewID(), Name: "Stray", Role: graph.RoleMember, Follows: []string{graph.NewID()}}
		wantCode(t, s.Upsert(ctx, w.ID, &graph.Batch{Users: []*graph.User{stray}}, nil), graph.ENOTFOUND)
		// Another workspace cannot take a member over by id.
		wantCode(t, s.Upsert(ctx, other.ID, &graph.Batch{Users: []*graph.User{{ID: u.ID, Name: "Hijack", Role: graph.RoleOwner}}}, nil), graph.ECONFLICT)
		wantCode(t, s.Upsert(ctx, w.ID, &graph.Batch{Users: []*graph.User{{ID: graph.NewID()}}}, nil), graph.EINVALID)
	})
	t.Run("MemberTies", func(t *testing.T) {
		// The member's ties only: me–Ana and me–Bo, not Ana–Bo.
		anaBo := &graph.Tie{ID: graph.NewID(), PersonA: bo.ID, PersonB: ana.ID, Source: graph.TieManual}
		if err := s.Upsert(ctx, w.ID, &graph.Batch{Ties: []*graph.Tie{anaBo}}, nil); err != nil {
			t.Fatal(err)
		}
		var got []*graph.Tie
		err := s.Walk(ctx, w.ID, graph.KindMemberTies, func(v any) error {
			got = append(got, v.(*graph.Tie))
			return nil
		})
		if err != nil || len(got) != 2 {
			t.Fatalf("member ties: got %d, %v; want 2", len(got), err)
		}
		for _, tie := range got {
			if tie.PersonA != me && tie.PersonB != me || tie.WorkspaceID != w.ID {
				t.Errorf("not a tie of the member: %+v", tie)
			}
		}
		all := map[string]*graph.Tie{}
		err = s.Walk(ctx, w.ID, graph.KindTies|graph.KindMemberTies, func(v any) error {
			tie := v.(*graph.Tie)
			if all[tie.ID] != nil {
				t.Errorf("tie %s walked twice", tie.ID)
			}
			all[tie.ID] = tie
			return nil
		})
		if err != nil || len(all) != 3 {
			t.Fatalf("all ties: got %d, %v; want 3", len(all), err)
		}
		for _, tie := range got { // read the same way as by KindTies
			if a := all[tie.ID]; a == nil || a.PersonA != tie.PersonA || a.PersonB != tie.PersonB {
				t.Errorf("member tie %+v, KindTies has %+v", tie, a)
			}
		}
	})
	t.Run("TiesBetween", func(t *testing.T) {
		// Either order finds the tie; a pair without one, a stranger and
		// another workspace's view find nothing.
		got, err := s.FindTiesBetween(ctx, w.ID, [][2]string{{ana.ID, bo.ID}, {ana.ID, me}, {me, ana.ID},
			{bo.ID, graph.NewID()}})
		if err != nil || len(got) != 2 {
			t.Fatalf("got %d ties, %v; want 2 (Ana–Bo, me–Ana once)", len(got), err)
		}
		all := map[string]*graph.Tie{}
		_ = s.Walk(ctx, w.ID, graph.KindTies, func(v any) error { all[v.(*graph.Tie).ID] = v.(*graph.Tie); return nil })
		for _, tie := range got {
			if a := all[tie.ID]; a == nil || a.PersonA != tie.PersonA || a.PersonB != tie.PersonB || a.WorkspaceID != w.ID {
				t.Errorf("tie %+v, Walk has %+v", tie, a)
			}
		}
		if got, err := s.FindTiesBetween(ctx, other.ID, [][2]string{{ana.ID, bo.ID}}); err != nil || len(got) != 0 {
			t.Errorf("another workspace: got %v, %v", got, err)
		}
		if got, err := s.FindTiesBetween(ctx, w.ID, nil); err != nil || len(got) != 0 {
			t.Errorf("no pairs: got %v, %v", got, err)
		}
		_, err = s.FindTiesBetween(ctx, graph.NewID(), [][2]string{{ana.ID, bo.ID}})
		wantCode(t, err, graph.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.Upsert(ctx, w.ID, &graph.Batch{People: []*graph.Person{{ID: graph.NewID()}}}, nil), graph.EINVALID)
		wantCode(t, s.Upsert(ctx, w.ID, &graph.Batch{People: []*graph.Person{{Name: "no id"}}}, nil), graph.EINVALID)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		// Ana's id belongs to w: another workspace cannot overwrite her.
		err := s.Upsert(ctx, other.ID, &graph.Batch{People: []*graph.Person{{ID: ana.ID, Name: "Hijacked"}}}, nil)
		wantCode(t, err, graph.ECONFLICT)
		p, _ := s.FindPerson(ctx, w.ID, ana.ID)
		if p.Name != "Ana" {
			t.Fatalf("name changed to %q", p.Name)
		}
		wantCode(t, s.Walk(ctx, graph.NewID(), graph.AllKinds, func(any) error { return nil }), graph.ENOTFOUND)
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestLoadSnapshot(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	me := owner.PersonID
	// me — ana — bo — cleo (a chain), plus dan with no ties.
	ana := mustPerson(t, s, w.ID, "Ana", func(p *graph.Person) { p.Skills = []string{"data analysis"} })
	bo := mustPerson(t, s, w.ID, "Bo")
	cleo := mustPerson(t, s, w.ID, "Cleo")
	dan := mustPerson(t, s, w.ID, "Dan")
	strength := 0.3
	tAna := mustTie(t, s, w.ID, me, ana.ID)
	mustTie(t, s, w.ID, ana.ID, bo.ID)
	tBC := &graph.Tie{WorkspaceID: w.ID, PersonA: bo.ID, PersonB: cleo.ID, Strength: &strength}
	if err := s.CreateTie(ctx, tBC); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := s.CreateInteraction(ctx, &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindMeeting, At: at,
		ParticipantIDs: []string{me, ana.ID}, InitiatorID: ana.ID}); err != nil {
		t.Fatal(err)
	}
	acme := &graph.Organization{WorkspaceID: w.ID, Name: "Acme"}
	if err := s.CreateOrganization(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateEmployment(ctx, &graph.Employment{WorkspaceID: w.ID, PersonID: cleo.ID, OrganizationID: acme.ID, Title: "CTO"}); err != nil {
		t.Fatal(err)
	}

	t.Run("Whole", func(t *testing.T) {
		snap, err := s.LoadSnapshot(ctx, w.ID, graph.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.People) != 5 || len(snap.Ties) != 3 || len(snap.Events) != 1 || len(snap.Organizations) != 1 {
			t.Fatalf("got %d people, %d ties, %d events, %d orgs; want 5, 3, 1, 1",
				len(snap.People), len(snap.Ties), len(snap.Events), len(snap.Organizations))
		}
		ev := snap.Events[0]
		tie := snap.Ties[ev.Tie]
		if ev.At != at.Unix() || ev.Kind != graph.KindMeeting || snap.People[[]int32{tie.A, tie.B}[ev.Initiator-1]].ID != ana.ID {
			t.Fatalf("event %+v on tie %+v", ev, tie)
		}
		ends := map[string]bool{snap.People[tie.A].ID: true, snap.People[tie.B].ID: true}
		if !ends[me] || !ends[ana.ID] || tie.A >= tie.B {
			t.Fatalf("event tie %+v joins %v, want me and Ana, A < B", tie, ends)
		}
		for _, st := range snap.Ties {
			if snap.People[st.A].ID == bo.ID && snap.People[st.B].ID == cleo.ID ||
				snap.People[st.B].ID == bo.ID && snap.People[st.A].ID == cleo.ID {
				if st.Override != 0.3 {
					t.Fatalf("Bo–Cleo override %v, want 0.3", st.Override)
				}
			}
		}
		ci := snap.Index(cleo.ID)
		if ci < 0 || len(snap.People[ci].Jobs) != 1 || snap.Organizations[snap.People[ci].Jobs[0].Org].Name != "Acme" {
			t.Fatalf("Cleo's jobs: %+v", snap.People[ci])
		}
		if len(snap.Members) != 1 || snap.Members[0].Person != snap.Index(me) {
			t.Fatalf("members %+v", snap.Members)
		}
		if snap.Index(dan.ID) < 0 || snap.Index(graph.NewID()) != -1 {
			t.Fatal("Index does not find Dan, or finds a stranger")
		}
		_ = tAna
	})
	t.Run("Neighbourhood", func(t *testing.T) {
		snap, err := s.LoadSnapshot(ctx, w.ID, graph.SnapshotOptions{Center: me, Hops: 2})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range snap.People {
			names = append(names, p.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"Ana", "Bo", "Me Myself"}) || len(snap.Ties) != 2 || len(snap.Events) != 1 {
			t.Fatalf("got people %v, %d ties, %d events; want Ana, Bo, Me Myself, 2 ties, 1 event", names, len(snap.Ties), len(snap.Events))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := s.LoadSnapshot(ctx, w.ID, graph.SnapshotOptions{Center: me, Hops: 7})
		wantCode(t, err, graph.EINVALID)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.LoadSnapshot(ctx, graph.NewID(), graph.SnapshotOptions{})
		wantCode(t, err, graph.ENOTFOUND)
		_, err = s.LoadSnapshot(ctx, w.ID, graph.SnapshotOptions{Center: graph.NewID()})
		wantCode(t, err, graph.ENOTFOUND)
	})
}

func TestPingAndErrors(t *testing.T) {
	s := neo4jtest.Open(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	var gerr *graph.Error
	_, err := s.FindPerson(ctx, graph.NewID(), graph.NewID())
	if !errors.As(err, &gerr) || gerr.Message != "Person not found." {
		t.Fatalf("got %v, want a graph.Error saying Person not found.", err)
	}
}
