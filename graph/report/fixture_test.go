package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
	"github.com/nexohq/nexo/graph/report"
)

var ctx = context.Background()

// now is the time the fixture's reports are made at: half a minute past the
// next default slot (Monday 08:00 in Madrid), after the members are created.
var now = func() time.Time {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		panic(err)
	}
	s, err := report.ParseSchedule("")
	if err != nil {
		panic(err)
	}
	return s.Next(time.Now().In(madrid)).Add(30 * time.Second).UTC()
}()

func daysAgo(d int) time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }

// fixture is a workspace whose right answers are known:
//
//   - Marta: eight coffees and meetings, the last 300 days ago; her six
//     colleagues (a "data science" circle) know nobody else of mine; she
//     now works at Globex, which I follow, in a job she started after we
//     last spoke. The most valuable dormant tie.
//   - Diego: five calls and favours he did me, the last 250 days ago, with
//     three contacts of his own: dormant and valuable, below Marta.
//   - Carl: one message 400 days ago and nobody else: dormant, worth little.
//   - Ana: a coffee every month, the last 10 days ago: strong and active.
//   - Eve: a tie without any interaction: never active, so not dormant.
//   - Fran: met at an event 10 days ago, nothing since: follow-up overdue.
//     She needs "data analysis", which Ana offers: an introduction to make.
//   - Gus: coffee 3 days ago: follow-up due by Thursday.
//   - Hana: met 20 days ago and followed up 15 days ago: nothing to do.
//   - An introduction to Priya that I asked Ana for 20 days ago: waiting.
type fixture struct {
	store                                                    *neo4j.Store // nil for the database-free fixture
	ws                                                       *graph.Workspace
	owner                                                    *graph.User
	me, marta, diego, carl, ana, eve, fran, gus, hana, priya string
	globex                                                   string
	batch                                                    *graph.Batch // everything but the owner's person
	mePerson                                                 *graph.Person
}

// newFixture stores the fixture in a workspace of the test Neo4j, for the
// tests of storing, scheduling and delivering reports.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	s := neo4jtest.Open(tb)
	w, owner := neo4jtest.Workspace(tb, s)
	me, err := s.FindPerson(ctx, w.ID, owner.PersonID)
	if err != nil {
		tb.Fatal(err)
	}
	f := fill(w, owner, me)
	f.store = s
	if err := s.Upsert(ctx, w.ID, f.batch, nil); err != nil {
		tb.Fatalf("load fixture: %v", err)
	}
	follows := f.owner.Follows
	tz := f.owner.TimeZone
	u, err := s.UpdateUser(ctx, w.ID, owner.ID, graph.UserUpdate{Follows: &follows, TimeZone: &tz})
	if err != nil {
		tb.Fatal(err)
	}
	f.owner = u
	return f
}

// memFixture is the fixture without a database: the known-answer tests of
// the report builder run on its snapshot.
func memFixture() *fixture {
	w := &graph.Workspace{ID: graph.NewID(), Name: "fixture"}
	me := &graph.Person{ID: graph.NewID(), WorkspaceID: w.ID, Name: "Me Myself"}
	owner := &graph.User{ID: graph.NewID(), WorkspaceID: w.ID, Name: "Owner", Role: graph.RoleOwner, PersonID: me.ID}
	return fill(w, owner, me)
}

// fill builds the fixture's people, ties and interactions around the owner.
func fill(w *graph.Workspace, owner *graph.User, mePerson *graph.Person) *fixture {
	u := *owner
	f := &fixture{ws: w, owner: &u, me: owner.PersonID, mePerson: mePerson}
	b := &graph.Batch{}
	person := func(name string, mod ...func(*graph.Person)) string {
		p := &graph.Person{ID: graph.NewID(), Name: name}
		for _, m := range mod {
			m(p)
		}
		b.People = append(b.People, p)
		return p.ID
	}
	tie := func(a, c string) {
		b.Ties = append(b.Ties, &graph.Tie{ID: graph.NewID(), PersonA: a, PersonB: c, Source: graph.TieManual,
			Since: daysAgo(900)})
	}
	meet := func(other string, kind graph.InteractionKind, days int, initiator string) {
		b.Interactions = append(b.Interactions, &graph.Interaction{ID: graph.NewID(), Kind: kind, At: daysAgo(days),
			ParticipantIDs: []string{f.me, other}, InitiatorID: initiator})
	}
	org := &graph.Organization{ID: graph.NewID(), Name: "Globex"}
	b.Organizations = append(b.Organizations, org)
	f.globex = org.ID

	f.marta = person("Marta López", func(p *graph.Person) { p.Title = "Head of Data"; p.Skills = []string{"machine learning"} })
	f.diego = person("Diego Ruiz", func(p *graph.Person) { p.Needs = []string{"investor"} })
	f.carl = person("Carl Berg")
	f.ana = person("Ana García", func(p *graph.Person) { p.Skills = []string{"data analysis"} })
	f.eve = person("Eve Adams")
	f.fran = person("Fran Gil", func(p *graph.Person) { p.Needs = []string{"data analysis"} })
	f.gus = person("Gus Ortega")
	f.hana = person("Hana Sato")
	f.priya = person("Priya Nair")
	for _, p := range []string{f.marta, f.diego, f.carl, f.ana, f.eve, f.fran, f.gus, f.hana} {
		tie(f.me, p)
	}
	tie(f.ana, f.priya)
	b.Employments = append(b.Employments, &graph.Employment{ID: graph.NewID(), PersonID: f.marta,
		OrganizationID: org.ID, Title: "Head of Data", Start: daysAgo(100)})
	var circle []string
	for _, n := range []string{"Dana", "Dario", "Delia", "Dmitri", "Dora", "Duna"} {
		d := person(n+" Data", func(p *graph.Person) { p.Tags = []string{"data science"} })
		circle = append(circle, d)
		tie(f.marta, d)
	}
	for i := range circle {
		tie(circle[i], circle[(i+1)%len(circle)])
	}
	for _, n := range []string{"Sofía", "Sergio", "Sara"} {
		tie(f.diego, person(n+" Startup", func(p *graph.Person) { p.Tags = []string{"startups"} }))
	}
	for i, d := range []int{700, 640, 580, 520, 460, 400, 350, 300} {
		kind, init := graph.KindCoffee, f.me
		if i%2 == 1 {
			kind, init = graph.KindMeeting, f.marta
		}
		meet(f.marta, kind, d, init)
	}
	meet(f.diego, graph.KindCall, 400, f.me)
	meet(f.diego, graph.KindFavourReceived, 360, f.diego)
	meet(f.diego, graph.KindCall, 330, f.diego)
	meet(f.diego, graph.KindFavourReceived, 280, f.diego)
	meet(f.diego, graph.KindCall, 250, f.me)
	meet(f.carl, graph.KindMessage, 400, f.carl)
	for d := 700; d >= 10; d -= 30 {
		meet(f.ana, graph.KindCoffee, d, f.me)
	}
	meet(f.fran, graph.KindEvent, 10, "")
	meet(f.gus, graph.KindCoffee, 3, f.gus)
	meet(f.hana, graph.KindMeeting, 20, "")
	meet(f.hana, graph.KindEmail, 15, f.me)
	b.Introductions = append(b.Introductions, &graph.Introduction{ID: graph.NewID(), IntroducerID: f.ana,
		PersonID: f.me, TargetID: f.priya, Status: graph.IntroRequested, Reason: "payments",
		RequestedBy: owner.ID, RequestedAt: daysAgo(20), WorkspaceID: w.ID, CreatedAt: daysAgo(20)})
	f.batch = b
	f.owner.Follows = []string{org.ID}
	f.owner.TimeZone = "Europe/Madrid"
	return f
}

// snapshot is the fixture's graph as a Store would load it.
func (f *fixture) snapshot() *graph.Snapshot {
	sb := graph.NewSnapshotBuilder(f.ws.ID)
	sb.Add(&graph.Batch{People: []*graph.Person{f.mePerson}})
	sb.Add(f.batch)
	sb.AddMember(f.owner.ID, f.me)
	return sb.Snapshot()
}

// member adds a member with an own person tied to Ana (so they have a
// network) and the given report settings.
func (f *fixture) member(tb testing.TB, name string, set graph.ReportSettings) *graph.User {
	tb.Helper()
	p := &graph.Person{WorkspaceID: f.ws.ID, Name: name}
	if err := f.store.CreatePerson(ctx, p); err != nil {
		tb.Fatal(err)
	}
	if err := f.store.CreateTie(ctx, &graph.Tie{WorkspaceID: f.ws.ID, PersonA: p.ID, PersonB: f.ana}); err != nil {
		tb.Fatal(err)
	}
	u := &graph.User{WorkspaceID: f.ws.ID, Name: name, Role: graph.RoleMember, PersonID: p.ID, Report: set,
		TimeZone: "Europe/Madrid"}
	if err := f.store.CreateUser(ctx, u); err != nil {
		tb.Fatal(err)
	}
	return u
}
