package importer

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
)

const testWS = "ws000000000000000000000000"

// world is a workspace held in memory for planner tests: the entities a
// Store.Walk would yield, and apply to put a planned batch in as Upsert
// would (replaced by id; ties by their pair).
type world struct {
	me       *graph.User
	entities []any
}

func newWorld() *world {
	mp := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Me Myself", Emails: []string{"me@example.com"}, Source: "manual"}
	u := &graph.User{ID: graph.NewID(), WorkspaceID: testWS, Name: "Me", Email: "me@example.com", Role: graph.RoleOwner, PersonID: mp.ID}
	return &world{me: u, entities: []any{mp}}
}

func (w *world) index() *index {
	idx := newIndex()
	for _, e := range w.entities {
		_ = idx.add(e)
	}
	idx.finish()
	return idx
}

func entityID(v any) string {
	switch e := v.(type) {
	case *graph.Person:
		return e.ID
	case *graph.Organization:
		return e.ID
	case *graph.Employment:
		return e.ID
	case *graph.Tie:
		return "tie:" + e.PersonA + e.PersonB
	case *graph.Interaction:
		return e.ID
	case *graph.Note:
		return e.ID
	}
	return ""
}

func (w *world) apply(b *graph.Batch) {
	var all []any
	for _, l := range [][]any{toAny(b.People), toAny(b.Organizations), toAny(b.Employments), toAny(b.Ties),
		toAny(b.Interactions), toAny(b.Notes)} {
		all = append(all, l...)
	}
	for _, v := range all {
		i := slices.IndexFunc(w.entities, func(e any) bool { return entityID(e) == entityID(v) })
		if i >= 0 {
			w.entities[i] = v
		} else {
			w.entities = append(w.entities, v)
		}
	}
}

func toAny[T any](l []*T) []any {
	out := make([]any, len(l))
	for i, v := range l {
		out[i] = v
	}
	return out
}

// plan parses data and plans it against the world.
func (w *world) plan(tb testing.TB, data []byte, f Format) (*graph.Batch, *Report) {
	tb.Helper()
	opts := Options{}
	opts.defaults()
	in, err := openInput(context.Background(), strings.NewReader(string(data)), f, &opts)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.close()
	src, err := newParser(in.format, in.r, parseConfig{loc: time.UTC})
	if err != nil {
		tb.Fatal(err)
	}
	pl, err := newPlanner(w.index(), testWS, w.me, in.format)
	if err != nil {
		tb.Fatal(err)
	}
	for {
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		pl.add(rec)
	}
	b, r, _ := pl.finish(context.Background())
	validateBatch(tb, b)
	return b, r
}

// validateBatch checks what Store.Upsert checks, so a planned batch is one
// the store takes.
func validateBatch(tb testing.TB, b *graph.Batch) {
	tb.Helper()
	var errs []error
	for _, v := range b.People {
		errs = append(errs, v.Validate())
	}
	for _, v := range b.Organizations {
		errs = append(errs, v.Validate())
	}
	for _, v := range b.Employments {
		errs = append(errs, v.Validate())
	}
	for _, v := range b.Ties {
		errs = append(errs, v.Validate())
	}
	for _, v := range b.Interactions {
		errs = append(errs, v.Validate())
	}
	for _, v := range b.Notes {
		errs = append(errs, v.Validate())
	}
	if err := errors.Join(errs...); err != nil {
		tb.Fatalf("planned batch is invalid: %v", err)
	}
}

func (w *world) person(tb testing.TB, name string) *graph.Person {
	tb.Helper()
	for _, e := range w.entities {
		if p, ok := e.(*graph.Person); ok && p.Name == name {
			return p
		}
	}
	tb.Fatalf("no person %q", name)
	return nil
}

type counts struct{ created, updated, merged, unchanged, skipped int }

func reportCounts(r *Report) counts {
	return counts{r.Created, r.Updated, r.Merged, r.Unchanged, r.Skipped}
}

func TestPlanLinkedIn(t *testing.T) {
	w := newWorld()
	b, r := w.plan(t, fixture(t, "linkedin_en.csv"), FormatLinkedIn)
	if got, want := reportCounts(r), (counts{created: 4, merged: 1, skipped: 1}); got != want {
		t.Fatalf("report %+v, want %+v; details %+v", got, want, r.Details)
	}
	// "Zentrix Labs" and "Zentrix Labs Inc." are one organisation.
	if got, want := countBatch(b), (Counts{People: 4, Organizations: 2, Employments: 3, Ties: 4}); got != want {
		t.Errorf("batch %+v, want %+v", got, want)
	}
	if d := r.Details; len(d) != 2 || d[0].Row != 9 || d[0].Outcome != Skipped || d[1].Row != 10 || d[1].Outcome != Merged ||
		d[1].Reason != "the same person as row 5" {
		t.Errorf("details %+v", d)
	}
	w.apply(b)
	ada := w.person(t, "Ada Quill")
	if ada.LinkedInURL != "https://www.linkedin.com/in/ada-quill" || !slices.Equal(ada.Emails, []string{"ada@example.net"}) ||
		ada.Title != "Head of Data" || ada.Source != "linkedin" || ada.FirstName != "Ada" {
		t.Errorf("Ada: %+v", ada)
	}
	for _, v := range w.entities {
		if tie, ok := v.(*graph.Tie); ok && tie.Other(w.me.PersonID) == ada.ID {
			if !tie.Since.Equal(day(2023, 3, 15)) || tie.Source != graph.TieImported {
				t.Errorf("tie to Ada: %+v", tie)
			}
		}
	}

	t.Run("Idempotent", func(t *testing.T) {
		b, r := w.plan(t, fixture(t, "linkedin_en.csv"), FormatLinkedIn)
		if b.Len() != 0 {
			t.Errorf("a second import writes %+v, want nothing", countBatch(b))
		}
		if got, want := reportCounts(r), (counts{unchanged: 4, merged: 1, skipped: 1}); got != want {
			t.Errorf("report %+v, want %+v", got, want)
		}
	})
	t.Run("OtherLanguagesAdd", func(t *testing.T) {
		b, r := w.plan(t, fixture(t, "linkedin_de.csv"), FormatLinkedIn)
		if r.Created != 2 || len(b.Organizations) != 2 {
			t.Errorf("report %+v, batch %+v", reportCounts(r), countBatch(b))
		}
	})
}

// TestPlanRespectsUser re-imports over a person the user edited by hand, a
// manual tie strength and a user's note.
func TestPlanRespectsUser(t *testing.T) {
	w := newWorld()
	strength := 0.9
	ada := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Ada Q.", Emails: []string{"ada@example.net"},
		Title: "Boss", Tags: []string{"vip"}, Source: "linkedin", UserEdited: []string{"name", "title", "tags"}}
	tie := &graph.Tie{ID: graph.NewID(), WorkspaceID: testWS, PersonA: w.me.PersonID, PersonB: ada.ID, Source: graph.TieManual, Strength: &strength, Context: "old friends"}
	_ = tie.Validate()
	note := &graph.Note{ID: graph.NewID(), WorkspaceID: testWS, PersonID: ada.ID, AuthorID: w.me.ID, Body: "My own words.", Source: "manual"}
	w.entities = append(w.entities, ada, tie, note)

	b, r := w.plan(t, fixture(t, "google_current.csv"), FormatGoogle)
	if r.Updated != 1 || r.Created != 2 {
		t.Fatalf("report %+v; details %+v", reportCounts(r), r.Details)
	}
	w.apply(b)
	got := w.person(t, "Ada Q.")
	if got.Title != "Boss" || got.LastName != "Quill" {
		t.Errorf("user-edited fields changed or imported ones not set: %+v", got)
	}
	if want := []string{"vip", "Investors", "Data"}; !slices.Equal(got.Tags, want) {
		t.Errorf("tags %q, want the union %q", got.Tags, want)
	}
	if want := []string{"ada@example.net", "ada.quill@zentrix.example"}; !slices.Equal(got.Emails, want) {
		t.Errorf("emails %q, want %q", got.Emails, want)
	}
	for _, v := range b.Ties {
		if v.ID == tie.ID {
			t.Errorf("the manual tie was rewritten: %+v", v)
		}
	}
	if n := len(b.Notes); n != 1 || b.Notes[0].Body != "Met at the data summit." || b.Notes[0].Source != "google" || b.Notes[0].AuthorID != w.me.ID {
		t.Errorf("notes %+v, want the imported note added beside the user's", b.Notes)
	}

	t.Run("Idempotent", func(t *testing.T) {
		b, r := w.plan(t, fixture(t, "google_current.csv"), FormatGoogle)
		if b.Len() != 0 || r.Unchanged != 3 {
			t.Errorf("second import: batch %+v, report %+v", countBatch(b), reportCounts(r))
		}
	})
	t.Run("LinkedInFillsTieSince", func(t *testing.T) {
		b, _ := w.plan(t, fixture(t, "linkedin_en.csv"), FormatLinkedIn)
		var got *graph.Tie
		for _, v := range b.Ties {
			if v.ID == tie.ID {
				got = v
			}
		}
		if got == nil || got.Strength == nil || *got.Strength != 0.9 || got.Source != graph.TieManual ||
			got.Context != "old friends" || !got.Since.Equal(day(2023, 3, 15)) {
			t.Errorf("tie %+v, want since filled in and the rest kept", got)
		}
	})
}

// TestPlanManualPerson fills in only the blanks of a person a user made.
func TestPlanManualPerson(t *testing.T) {
	w := newWorld()
	bram := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Bram Vale", Emails: []string{"bram.vale@example.com"}, Source: "manual"}
	w.entities = append(w.entities, bram)
	b, _ := w.plan(t, fixture(t, "linkedin_en.csv"), FormatLinkedIn)
	w.apply(b)
	got := w.person(t, "Bram Vale")
	if got.Title != "Partner" || got.LinkedInURL != "https://www.linkedin.com/in/bramov" {
		t.Errorf("blanks not filled: %+v", got)
	}
}

func TestPlanSkipsMe(t *testing.T) {
	w := newWorld()
	data := []byte(linkedInHeader + "Me,Myself,,me@example.com,,,\n")
	b, r := w.plan(t, data, FormatLinkedIn)
	if b.Len() != 0 || r.Skipped != 1 || !strings.Contains(r.Details[0].Reason, "this is you") {
		t.Errorf("batch %+v, report %+v", countBatch(b), r.Details)
	}
}

// TestPlanOrgByDomain matches an organisation by a work email's domain.
func TestPlanOrgByDomain(t *testing.T) {
	w := newWorld()
	org := &graph.Organization{ID: graph.NewID(), WorkspaceID: testWS, Name: "ZTX Holdings", Domain: "zentrix.example"}
	w.entities = append(w.entities, org)
	b, _ := w.plan(t, fixture(t, "google_current.csv"), FormatGoogle)
	if len(b.Organizations) != 1 || b.Organizations[0].Name != "Cedar Analytics" {
		t.Errorf("organisations %+v, want only Cedar Analytics new", b.Organizations)
	}
	for _, e := range b.Employments {
		if p := findPerson(b, e.PersonID); p != nil && p.Name == "Ada Quill" && e.OrganizationID != org.ID {
			t.Errorf("Ada works at %s, want %s", e.OrganizationID, org.ID)
		}
	}
}

func findPerson(b *graph.Batch, id string) *graph.Person {
	for _, p := range b.People {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func TestPlanVCardRelated(t *testing.T) {
	w := newWorld()
	b, r := w.plan(t, fixture(t, "contacts_v3.vcf"), FormatVCard)
	if r.Created != 2 || r.Skipped != 1 || r.Warnings != 0 {
		t.Fatalf("v3: report %+v warnings %d; %+v", reportCounts(r), r.Warnings, r.Details)
	}
	w.apply(b)
	ines := w.person(t, "Ines Varga")
	if ines.ExternalID != "0f6a5d1e-1111-4c3e-9a1b-aaaaaaaaaaaa" || len(ines.URLs) != 3 {
		t.Errorf("Ines: %+v", ines)
	}

	b, r = w.plan(t, fixture(t, "contacts_v4.vcf"), FormatVCard)
	w.apply(b)
	kofi, lena := w.person(t, "Kofi Mensah"), w.person(t, "Lena Ortiz")
	ties := map[[2]string]*graph.Tie{}
	for _, v := range b.Ties {
		ties[pair(v.PersonA, v.PersonB)] = v
	}
	if tie := ties[pair(kofi.ID, lena.ID)]; tie == nil || tie.Context != "colleague" || tie.Source != graph.TieImported {
		t.Errorf("Kofi–Lena tie: %+v", tie)
	}
	if tie := ties[pair(kofi.ID, ines.ID)]; tie == nil || tie.Context != "met" {
		t.Errorf("Kofi–Ines tie (RELATED by name): %+v", tie)
	}
	warned := slices.ContainsFunc(r.Details, func(d RowResult) bool {
		return d.Outcome == Warning && strings.Contains(d.Reason, "nobody@nowhere.example")
	})
	if !warned {
		t.Errorf("no warning for the unresolved RELATED; details %+v", r.Details)
	}
	if len(b.Ties) != 4 {
		t.Errorf("%d ties, want 4: me–Kofi, me–Lena, Kofi–Lena, Kofi–Ines", len(b.Ties))
	}
}

func TestPlanInteractions(t *testing.T) {
	w := newWorld()
	b, _ := w.plan(t, fixture(t, "google_current.csv"), FormatGoogle)
	w.apply(b)
	ada, farid := w.person(t, "Ada Quill"), w.person(t, "Farid Amin Haddad")

	b, r := w.plan(t, fixture(t, "interactions.csv"), FormatInteractions)
	if got, want := reportCounts(r), (counts{created: 4, merged: 1, skipped: 2}); got != want {
		t.Fatalf("report %+v, want %+v; %+v", got, want, r.Details)
	}
	if len(b.People) != 1 || b.People[0].Name != "Nora Pike" || b.People[0].Source != "interactions" {
		t.Errorf("people %+v, want Nora Pike created", b.People)
	}
	nora := b.People[0].ID
	me := w.me.PersonID
	want := []struct {
		kind      graph.InteractionKind
		people    []string
		initiator string
	}{
		{graph.KindCoffee, []string{me, ada.ID}, me},
		{graph.KindMeeting, []string{me, ada.ID, farid.ID}, farid.ID},
		{graph.KindCall, []string{me, nora}, nora},
		{graph.KindFavourGiven, []string{me, ada.ID}, me},
	}
	if len(b.Interactions) != len(want) {
		t.Fatalf("%d interactions, want %d", len(b.Interactions), len(want))
	}
	for i, w := range want {
		got := b.Interactions[i]
		if got.Kind != w.kind || !slices.Equal(got.ParticipantIDs, w.people) || got.InitiatorID != w.initiator || got.LoggedBy == "" {
			t.Errorf("interaction %d: got %+v, want %+v", i, got, w)
		}
	}
	// Ada and Farid met: a manual tie; so did me and Nora.
	if len(b.Ties) != 2 {
		t.Errorf("ties %+v, want Ada–Farid and me–Nora", b.Ties)
	}
	w.apply(b)
	t.Run("Idempotent", func(t *testing.T) {
		b, r := w.plan(t, fixture(t, "interactions.csv"), FormatInteractions)
		if b.Len() != 0 || r.Unchanged != 4 {
			t.Errorf("second import: batch %+v, report %+v", countBatch(b), reportCounts(r))
		}
	})
	t.Run("AmbiguousName", func(t *testing.T) {
		w.entities = append(w.entities, &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Nora Pike", Source: "manual"})
		_, r := w.plan(t, []byte("date,person,kind\n2024-05-01,Nora Pike,call\n"), FormatInteractions)
		if r.Skipped != 1 || !strings.Contains(r.Details[0].Reason, "2 people are called") {
			t.Errorf("report %+v", r.Details)
		}
	})
}

func TestPlanCalendar(t *testing.T) {
	w := newWorld()
	b, r := w.plan(t, fixture(t, "calendar.ics"), FormatICS)
	if got, want := reportCounts(r), (counts{created: 2, skipped: 2}); got != want {
		t.Fatalf("report %+v, want %+v; %+v", got, want, r.Details)
	}
	if len(b.People) != 2 {
		t.Fatalf("people %+v, want Ada and Olu", b.People)
	}
	first := b.Interactions[0]
	if len(first.ParticipantIDs) != 3 || first.InitiatorID != w.me.PersonID || first.Kind != graph.KindMeeting {
		t.Errorf("event 1: %+v (me organised it, me listed among attendees counts once)", first)
	}
	if second := b.Interactions[1]; len(second.ParticipantIDs) != 2 || second.InitiatorID == w.me.PersonID || second.InitiatorID == "" {
		t.Errorf("event 2: %+v, want Olu as initiator", second)
	}
}

// TestPlanRowLimits skips rows the domain rejects, with the reason.
func TestPlanRowLimits(t *testing.T) {
	w := newWorld()
	long := strings.Repeat("x", graph.MaxNameLen+1)
	data := []byte(linkedInHeader + long + ",Lee,,,,,\nAnn,Lee,,bad@@mail,,,\n")
	b, r := w.plan(t, data, FormatLinkedIn)
	if r.Skipped != 1 || r.Created != 1 || r.Warnings != 1 || len(b.People) != 1 {
		t.Errorf("report %+v warnings %d; %+v", reportCounts(r), r.Warnings, r.Details)
	}
	if !strings.Contains(r.Details[0].Reason, "Longer than 200") || !strings.Contains(r.Details[1].Reason, "invalid email") {
		t.Errorf("details %+v", r.Details)
	}
}

// BenchmarkPlanConnections30k is the part of an import that is ours:
// parsing and planning a 30,000-row Connections.csv, without the store.
//
//	go test -run '^$' -bench PlanConnections30k -benchmem ./graph/importer
func BenchmarkPlanConnections30k(b *testing.B) {
	data := connectionsCSV(30000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		w := newWorld()
		batch, r := w.plan(b, data, FormatLinkedIn)
		if r.Created != 30000 || len(batch.Ties) != 30000 {
			b.Fatalf("created %d, ties %d", r.Created, len(batch.Ties))
		}
	}
}

// TestPlanKeepsUserPositions: a re-import updates the title of a position an
// import created, and never one a user entered or edited.
func TestPlanKeepsUserPositions(t *testing.T) {
	for _, tc := range []struct {
		source, want string
	}{
		{"linkedin", "Chief Data Officer"}, // imported: the newer export wins
		{"", "Data lead"},                  // entered by a user
		{"manual", "Data lead"},            // imported, then edited by a user
	} {
		w := newWorld()
		ada := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Ada Quill", Emails: []string{"ada@example.net"}, Source: "linkedin"}
		org := &graph.Organization{ID: graph.NewID(), WorkspaceID: testWS, Name: "Zentrix Labs"}
		job := &graph.Employment{ID: graph.NewID(), WorkspaceID: testWS, PersonID: ada.ID, OrganizationID: org.ID,
			Title: "Data lead", Source: tc.source}
		w.entities = append(w.entities, ada, org, job)
		b, _ := w.plan(t, fixture(t, "google_current.csv"), FormatGoogle)
		w.apply(b)
		var got []*graph.Employment
		for _, v := range w.entities {
			if e, ok := v.(*graph.Employment); ok && e.PersonID == ada.ID {
				got = append(got, e)
			}
		}
		if len(got) != 1 || got[0].ID != job.ID || got[0].Title != tc.want || got[0].Source != tc.source {
			t.Errorf("source %q: Ada's positions %+v, want one titled %q", tc.source, got, tc.want)
		}
		for _, e := range b.Employments {
			if e.ID != job.ID && e.Source != "google" {
				t.Errorf("a new position has source %q, want google", e.Source)
			}
		}
	}
}
