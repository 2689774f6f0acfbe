package neo4j_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// mergeWorld is a workspace with two records of Ana (A from Google, B from
// LinkedIn) and what hangs off B.
type mergeWorld struct {
	s                    *neo4j.Store
	ws                   string
	owner                *graph.User
	a, b, x, y, z        *graph.Person
	org                  *graph.Organization
	call, meeting        *graph.Interaction
	intro, dropped       *graph.Introduction
	note                 *graph.Note
	meA, meB, bx, ay, by *graph.Tie
}

func newMergeWorld(t *testing.T) *mergeWorld {
	t.Helper()
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	m := &mergeWorld{s: s, ws: w.ID, owner: owner}
	m.a = mustPerson(t, s, w.ID, "Ana García", func(p *graph.Person) {
		p.Emails, p.Source, p.Tags = []string{"ana@umbrella.example"}, "google", []string{"friend"}
	})
	m.b = mustPerson(t, s, w.ID, "Ana Garcia", func(p *graph.Person) {
		p.LinkedInURL, p.Source, p.Title, p.Tags = "https://www.linkedin.com/in/ana-garcia-1", "linkedin", "CTO", []string{"investor"}
	})
	m.x, m.y, m.z = mustPerson(t, s, w.ID, "Xavi"), mustPerson(t, s, w.ID, "Yolanda"), mustPerson(t, s, w.ID, "Zoe")
	strong := 0.8
	m.meA = mustTie(t, s, w.ID, owner.PersonID, m.a.ID)
	if _, err := s.UpdateTie(ctx, w.ID, m.meA.ID, graph.TieUpdate{Strength: &strong}); err != nil {
		t.Fatal(err)
	}
	m.meB = &graph.Tie{WorkspaceID: w.ID, PersonA: owner.PersonID, PersonB: m.b.ID, Source: graph.TieImported,
		Since: time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC), Context: "LinkedIn"}
	if err := s.CreateTie(ctx, m.meB); err != nil {
		t.Fatal(err)
	}
	m.bx, m.ay, m.by = mustTie(t, s, w.ID, m.b.ID, m.x.ID), mustTie(t, s, w.ID, m.a.ID, m.y.ID), mustTie(t, s, w.ID, m.b.ID, m.y.ID)
	mustTie(t, s, w.ID, m.a.ID, m.b.ID)
	at := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	m.call = &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindCall, At: at, ParticipantIDs: []string{owner.PersonID, m.b.ID},
		InitiatorID: m.b.ID}
	m.meeting = &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindMeeting, At: at.Add(time.Hour),
		ParticipantIDs: []string{owner.PersonID, m.a.ID, m.b.ID}}
	for _, i := range []*graph.Interaction{m.call, m.meeting} {
		if err := s.CreateInteraction(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	m.intro = &graph.Introduction{WorkspaceID: w.ID, IntroducerID: m.x.ID, PersonID: m.b.ID, TargetID: m.z.ID}
	m.dropped = &graph.Introduction{WorkspaceID: w.ID, IntroducerID: m.a.ID, PersonID: m.b.ID, TargetID: m.z.ID}
	for _, in := range []*graph.Introduction{m.intro, m.dropped} {
		if err := s.CreateIntroduction(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	m.note = &graph.Note{WorkspaceID: w.ID, PersonID: m.b.ID, AuthorID: owner.ID, Body: "Met at the summit."}
	if err := s.CreateNote(ctx, m.note); err != nil {
		t.Fatal(err)
	}
	m.org = &graph.Organization{WorkspaceID: w.ID, Name: "Umbrella"}
	if err := s.CreateOrganization(ctx, m.org); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateEmployment(ctx, &graph.Employment{WorkspaceID: w.ID, PersonID: m.b.ID, OrganizationID: m.org.ID, Title: "CTO"}); err != nil {
		t.Fatal(err)
	}
	return m
}

// ties returns person id's ties by the other person's id.
func (m *mergeWorld) ties(t *testing.T, id string) map[string]*graph.Tie {
	t.Helper()
	l, _, err := m.s.FindTies(ctx, m.ws, graph.TieFilter{PersonID: id, Limit: graph.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*graph.Tie{}
	for _, tie := range l {
		out[tie.Other(id)] = tie
	}
	return out
}

func (m *mergeWorld) participants(t *testing.T, id string) []string {
	t.Helper()
	i, err := m.s.FindInteraction(ctx, m.ws, id)
	if err != nil {
		t.Fatal(err)
	}
	return i.ParticipantIDs
}

// TestMergeAndUnmerge merges and unmerges both ways the store can: keeping
// the absorbed person's node (it has more relationships, as in the world)
// or the survivor's (given ten more interactions than the absorbed's).
func TestMergeAndUnmerge(t *testing.T) {
	t.Run("AbsorbedNodeKept", func(t *testing.T) { testMergeAndUnmerge(t, newMergeWorld(t)) })
	t.Run("SurvivorNodeKept", func(t *testing.T) {
		m := newMergeWorld(t)
		at := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
		for i := range 10 {
			in := &graph.Interaction{WorkspaceID: m.ws, Kind: graph.KindEmail, At: at.Add(time.Duration(i) * time.Hour),
				ParticipantIDs: []string{m.a.ID, m.y.ID}, InitiatorID: m.a.ID}
			if err := m.s.CreateInteraction(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		testMergeAndUnmerge(t, m)
	})
}

func testMergeAndUnmerge(t *testing.T, m *mergeWorld) {
	s, ws, me := m.s, m.ws, m.owner.PersonID
	mg, err := s.MergePeople(ctx, ws, m.a.ID, m.b.ID, graph.MergeOptions{By: m.owner.ID})
	if err != nil {
		t.Fatal(err)
	}
	if want := (graph.MergeCounts{Ties: 1, Combined: 2, Interactions: 2, Introductions: 1, Notes: 1, Positions: 1}); mg.Moved != want {
		t.Errorf("moved %+v, want %+v", mg.Moved, want)
	}
	a, err := s.FindPerson(ctx, ws, m.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.LinkedInURL != m.b.LinkedInURL || a.Title != "CTO" || a.Name != "Ana García" || a.Company != "Umbrella" ||
		!slices.Equal(a.Tags, []string{"friend", "investor"}) || a.Provenance["title"] != "linkedin" || a.Provenance["tags"] != "google, linkedin" {
		t.Errorf("merged person %+v", a)
	}
	if _, err := s.FindPerson(ctx, ws, m.b.ID); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("absorbed person still there: %v", err)
	}
	ties := m.ties(t, a.ID)
	if len(ties) != 3 || ties[me] == nil || ties[m.x.ID] == nil || ties[m.y.ID] == nil || ties[a.ID] != nil {
		t.Fatalf("survivor's ties %v, want me, Xavi, Yolanda", ties)
	}
	if tie := ties[me]; tie.Strength == nil || *tie.Strength != 0.8 || !tie.Since.Equal(m.meB.Since) ||
		tie.Source != graph.TieManual || tie.Context != "LinkedIn" || tie.ID != m.meA.ID {
		t.Errorf("combined tie to me %+v: want the manual strength, the earlier since, the LinkedIn context", tie)
	}
	if got := m.participants(t, m.call.ID); !slices.Equal(got, sorted(me, a.ID)) {
		t.Errorf("call participants %v", got)
	}
	if got := m.participants(t, m.meeting.ID); !slices.Equal(got, sorted(me, a.ID)) {
		t.Errorf("meeting participants %v", got)
	}
	if call, _ := s.FindInteraction(ctx, ws, m.call.ID); call.InitiatorID != a.ID {
		t.Errorf("call initiator %s, want the survivor", call.InitiatorID)
	}
	if in, err := s.FindIntroduction(ctx, ws, m.intro.ID); err != nil || in.PersonID != a.ID {
		t.Errorf("introduction %+v %v", in, err)
	}
	if _, err := s.FindIntroduction(ctx, ws, m.dropped.ID); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("an introduction of Ana to Zoe by Ana is left: %v", err)
	}
	if notes, _ := s.FindNotes(ctx, ws, a.ID, m.owner.ID); len(notes) != 1 || notes[0].ID != m.note.ID {
		t.Errorf("notes %+v", notes)
	}

	t.Run("BadInput", func(t *testing.T) {
		_, err := s.MergePeople(ctx, ws, a.ID, a.ID, graph.MergeOptions{})
		wantCode(t, err, graph.EINVALID)
		_, err = s.MergePeople(ctx, ws, a.ID, m.b.ID, graph.MergeOptions{})
		wantCode(t, err, graph.ECONFLICT)
		other, _ := neo4jtest.Workspace(t, s)
		stranger := mustPerson(t, s, other.ID, "Stranger")
		_, err = s.MergePeople(ctx, ws, a.ID, stranger.ID, graph.MergeOptions{})
		wantCode(t, err, graph.ENOTFOUND)
		if _, err := s.FindPerson(ctx, other.ID, stranger.ID); err != nil {
			t.Errorf("the other workspace's person was touched: %v", err)
		}
	})

	// Since the merge: an email and a coffee with the merged person.
	if _, err := s.UpdatePerson(ctx, ws, a.ID, graph.PersonUpdate{Emails: &[]string{"ana@umbrella.example", "ana.new@example.org"}}, true); err != nil {
		t.Fatal(err)
	}
	coffee := &graph.Interaction{WorkspaceID: ws, Kind: graph.KindCoffee, At: time.Now().UTC(), ParticipantIDs: []string{me, a.ID}}
	if err := s.CreateInteraction(ctx, coffee); err != nil {
		t.Fatal(err)
	}

	un, err := s.UnmergePeople(ctx, ws, mg.ID, graph.UnmergeOptions{By: m.owner.ID, NewTo: graph.KeepAbsorbed})
	if err != nil {
		t.Fatal(err)
	}
	if un.UndoneAt.IsZero() {
		t.Errorf("merge not marked undone: %+v", un)
	}
	a, _ = s.FindPerson(ctx, ws, m.a.ID)
	b, err := s.FindPerson(ctx, ws, m.b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.LinkedInURL != "" || a.Title != "" || !slices.Equal(a.Emails, []string{"ana@umbrella.example"}) || a.Company != "" {
		t.Errorf("survivor after unmerge %+v", a)
	}
	if b.LinkedInURL != m.b.LinkedInURL || b.Title != "CTO" || !slices.Equal(b.Emails, []string{"ana.new@example.org"}) || b.Company != "Umbrella" {
		t.Errorf("absorbed after unmerge %+v (the email added since goes to the absorbed, as asked)", b)
	}
	ta, tb := m.ties(t, a.ID), m.ties(t, b.ID)
	if len(ta) != 3 || ta[me] == nil || ta[m.y.ID] == nil || ta[b.ID] == nil {
		t.Errorf("survivor's ties %v, want me, Yolanda, Ana (LinkedIn)", ta)
	}
	if tie := ta[me]; tie == nil || tie.Since.Equal(m.meB.Since) || tie.Context != "" || *tie.Strength != 0.8 {
		t.Errorf("survivor's tie to me %+v, want it as it was", tie)
	}
	if len(tb) != 4 || tb[me] == nil || tb[m.x.ID] == nil || tb[m.y.ID] == nil {
		t.Errorf("absorbed's ties %v, want me, Xavi, Yolanda, Ana", tb)
	}
	if tie := tb[me]; tie == nil || tie.ID != m.meB.ID || tie.Source != graph.TieImported || !tie.Since.Equal(m.meB.Since) {
		t.Errorf("absorbed's tie to me %+v", tie)
	}
	if got := m.participants(t, m.call.ID); !slices.Equal(got, sorted(me, b.ID)) {
		t.Errorf("call participants %v", got)
	}
	if call, _ := s.FindInteraction(ctx, ws, m.call.ID); call.InitiatorID != b.ID {
		t.Errorf("call initiator %s, want the absorbed again", call.InitiatorID)
	}
	if got := m.participants(t, m.meeting.ID); !slices.Equal(got, sorted(me, a.ID, b.ID)) {
		t.Errorf("meeting participants %v", got)
	}
	if got := m.participants(t, coffee.ID); !slices.Equal(got, sorted(me, b.ID)) {
		t.Errorf("coffee since the merge: participants %v, want the absorbed (as asked)", got)
	}
	for _, in := range []*graph.Introduction{m.intro, m.dropped} {
		if got, err := s.FindIntroduction(ctx, ws, in.ID); err != nil || got.PersonID != b.ID || got.IntroducerID != in.IntroducerID {
			t.Errorf("introduction %+v %v", got, err)
		}
	}
	if notes, _ := s.FindNotes(ctx, ws, b.ID, m.owner.ID); len(notes) != 1 {
		t.Errorf("notes %+v", notes)
	}
	_, err = s.UnmergePeople(ctx, ws, mg.ID, graph.UnmergeOptions{})
	wantCode(t, err, graph.ECONFLICT)
	if l, n, err := s.FindMerges(ctx, ws, graph.MergeFilter{PersonID: b.ID}); err != nil || n != 1 || l[0].UndoneAt.IsZero() {
		t.Errorf("merge history %+v %d %v", l, n, err)
	}
}

// TestUnmergeDeleted: once the merged person is deleted, there is nothing
// to split; the unmerge is a conflict and nothing changes.
func TestUnmergeDeleted(t *testing.T) {
	m := newMergeWorld(t)
	mg, err := m.s.MergePeople(ctx, m.ws, m.a.ID, m.b.ID, graph.MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.s.DeletePerson(ctx, m.ws, m.a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = m.s.UnmergePeople(ctx, m.ws, mg.ID, graph.UnmergeOptions{})
	wantCode(t, err, graph.ECONFLICT)
	if _, err := m.s.FindPerson(ctx, m.ws, m.b.ID); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("the absorbed person came back: %v", err)
	}
	_, err = m.s.UnmergePeople(ctx, m.ws, graph.NewID(), graph.UnmergeOptions{})
	wantCode(t, err, graph.ENOTFOUND)
}

// TestMergeChainConcurrent merges A into B while B is being merged into C,
// both after a preview of the same versions: one wins, the other is a
// conflict, and nothing is half moved.
func TestMergeChainConcurrent(t *testing.T) {
	for range 3 {
		m := newMergeWorld(t)
		c := mustPerson(t, m.s, m.ws, "Ana G.")
		var errs [2]error
		var wg sync.WaitGroup
		wg.Go(func() {
			_, errs[0] = m.s.MergePeople(ctx, m.ws, m.b.ID, m.a.ID,
				graph.MergeOptions{SurvivorVersion: m.b.UpdatedAt, AbsorbedVersion: m.a.UpdatedAt})
		})
		wg.Go(func() {
			_, errs[1] = m.s.MergePeople(ctx, m.ws, c.ID, m.b.ID,
				graph.MergeOptions{SurvivorVersion: c.UpdatedAt, AbsorbedVersion: m.b.UpdatedAt})
		})
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("errors %v: want exactly one merge to win", errs)
		}
		for _, err := range errs {
			if err != nil && graph.ErrorCode(err) != graph.ECONFLICT {
				t.Fatalf("the loser got %v, want a conflict", err)
			}
		}
		l, _, err := m.s.FindMerges(ctx, m.ws, graph.MergeFilter{})
		if err != nil || len(l) != 1 {
			t.Fatalf("merges %+v %v, want one", l, err)
		}
		// Everything B had is with exactly one person.
		if got := m.participants(t, m.call.ID); len(got) != 2 || !slices.Contains(got, l[0].SurvivorID) {
			t.Errorf("call participants %v, survivor %s", got, l[0].SurvivorID)
		}
	}
}
