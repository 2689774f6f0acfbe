package report_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/report"
)

// build makes the fixture owner's report at now, in a locale, from the
// fixture's snapshot: no database.
func build(tb testing.TB, f *fixture, locale string) *report.Report {
	tb.Helper()
	net, err := analytics.NewNetwork(f.snapshot(), now, nil)
	if err != nil {
		tb.Fatal(err)
	}
	u := *f.owner
	u.Locale = locale
	r, err := report.Build(report.Input{Net: net, User: &u, Period: "test", Introductions: f.batch.Introductions})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// lastInteraction is the fixture's newest interaction of me with a person
// up to now.
func (f *fixture) lastInteraction(person string) time.Time {
	var last time.Time
	for _, in := range f.batch.Interactions {
		if slices.Contains(in.ParticipantIDs, person) && slices.Contains(in.ParticipantIDs, f.me) &&
			!in.At.After(now) && in.At.After(last) {
			last = in.At
		}
	}
	return last
}

func names[T any](l []T, name func(T) string) []string {
	out := []string{}
	for _, x := range l {
		out = append(out, name(x))
	}
	return out
}

// TestKnownAnswer builds a workspace whose answer is known and checks that
// the report's top entries really are dormant and valuable, against the
// interactions stored, not against the report's own numbers.
func TestKnownAnswer(t *testing.T) {
	f := memFixture()
	r := build(t, f, "en")

	got := names(r.Dormant, func(d report.DormantEntry) string { return d.PersonID })
	if len(got) < 2 || got[0] != f.marta || got[1] != f.diego {
		t.Fatalf("dormant: got %v, want Marta (%s) then Diego (%s) first", names(r.Dormant, func(d report.DormantEntry) string { return d.Name }), f.marta, f.diego)
	}
	for _, id := range []string{f.ana, f.eve, f.fran, f.gus, f.hana} {
		if slices.Contains(got, id) {
			t.Errorf("dormant: %s is listed; active ties and ties never active are not dormant", id)
		}
	}
	for i, d := range r.Dormant {
		// Really dormant: the newest interaction with them is older than the threshold.
		last := f.lastInteraction(d.PersonID)
		if last.IsZero() {
			t.Fatalf("%s: no interaction", d.Name)
		}
		if days := now.Sub(last).Hours() / 24; days < 180 || int(days) != d.DaysDormant || !last.Equal(d.LastInteraction) {
			t.Errorf("%s: last interaction %s (%.0f days ago), report says %s (%d days); want ≥ 180 days and equal",
				d.Name, last, days, d.LastInteraction, d.DaysDormant)
		}
		if i > 0 && d.Score > r.Dormant[i-1].Score {
			t.Errorf("dormant not ranked by score: %s %.3f after %.3f", d.Name, d.Score, r.Dormant[i-1].Score)
		}
		if d.Score != d.Value*d.Urgency || d.Urgency < 0.5 || d.Urgency >= 1 {
			t.Errorf("%s: score %.3f, value %.3f, urgency %.3f", d.Name, d.Score, d.Value, d.Urgency)
		}
	}
	// Really valuable: Marta's value comes from what the fixture gave her.
	m := r.Dormant[0]
	if m.ExclusiveReach != 6 || !slices.Contains(m.Circles, "data science") || !slices.Equal(m.FollowedOrgs, []string{"Globex"}) ||
		m.PastStrength < 0.6 || m.Interactions != 8 || m.LastKind != graph.KindCoffee && m.LastKind != graph.KindMeeting {
		t.Errorf("Marta: got %+v", m)
	}
	if m.NextStep.Kind != "congratulate" || !strings.Contains(m.NextStep.Draft, "Globex") || !strings.HasPrefix(m.NextStep.Draft, "Hi Marta") {
		t.Errorf("Marta's next step: got %+v, want congratulations on Globex", m.NextStep)
	}
	if d := r.Dormant[1]; d.FavoursFromThem != 2 || d.NextStep.Kind != "thank" {
		t.Errorf("Diego: got %d favours and step %+v, want 2 and thanks", d.FavoursFromThem, d.NextStep)
	}
	if i := slices.Index(got, f.carl); i >= 0 && i < 2 {
		t.Errorf("Carl, one message long ago, ranks %d", i)
	}

	fu := map[string]report.FollowUp{}
	for _, x := range r.FollowUps {
		fu[x.PersonID] = x
	}
	if x, ok := fu[f.fran]; !ok || !x.Overdue || x.How != graph.KindEvent {
		t.Errorf("follow-ups: Fran got %+v (listed %v), want overdue after an event", x, ok)
	}
	if x, ok := fu[f.gus]; !ok || x.Overdue || !x.DueAt.Equal(daysAgo(3).Add(7*24*time.Hour)) {
		t.Errorf("follow-ups: Gus got %+v (listed %v), want due a week after the coffee", x, ok)
	}
	for _, id := range []string{f.hana, f.ana, f.marta} {
		if _, ok := fu[id]; ok {
			t.Errorf("follow-ups: %s listed, but was followed up or met long ago", id)
		}
	}
	if len(r.Introductions) == 0 || !(r.Introductions[0].PersonA == f.fran && r.Introductions[0].PersonB == f.ana ||
		r.Introductions[0].PersonA == f.ana && r.Introductions[0].PersonB == f.fran) {
		t.Errorf("introductions: got %+v, want Fran ↔ Ana first", r.Introductions)
	}
	if len(r.Owed) != 1 || r.Owed[0].PersonID != f.diego || r.Owed[0].Received != 2 || r.Owed[0].Needs[0] != "investor" {
		t.Errorf("owed: got %+v, want Diego with 2 favours", r.Owed)
	}
	if len(r.IntrosWaiting) != 1 || r.IntrosWaiting[0].Role != "requester" || r.IntrosWaiting[0].Days != 20 {
		t.Errorf("introductions waiting: got %+v", r.IntrosWaiting)
	}
	if slices.ContainsFunc(r.Deepen, func(d report.DeepenEntry) bool { return slices.Contains(got, d.PersonID) }) ||
		len(r.Deepen) == 0 || len(r.Deepen) > 3 {
		t.Errorf("deepen: got %+v, want 1–3 active ties", r.Deepen)
	}

	h := r.Health
	if h.Contacts != 8 || h.StrongTies < 1 || h.StrongTies+h.ModerateTies+h.WeakTies != 8 || h.Circles < 2 ||
		h.FavoursReceived != 2 || h.FavoursGiven != 0 || h.Constraint <= 0 || h.EffectiveSize <= 0 {
		t.Errorf("health: got %+v", h.ReportHealth)
	}
	// Marta and Diego are valuable and dormant; Ana is valuable and active.
	if h.DormantValuable < 2 || h.DormantValuableShare <= 0 || h.DormantValuableShare >= 1 {
		t.Errorf("health: %d valuable ties dormant (share %.2f)", h.DormantValuable, h.DormantValuableShare)
	}
	if r.Plan.Minutes < 30 || r.Plan.Minutes > 60 {
		t.Errorf("plan: %d minutes, want 30–60", r.Plan.Minutes)
	}
	sum := 0
	for _, it := range r.Plan.Items {
		sum += it.Minutes
	}
	if sum != r.Plan.Minutes || r.Plan.Items[0].PersonID != f.fran {
		t.Errorf("plan: got %+v, want the overdue follow-up first and %d minutes", r.Plan.Items, r.Plan.Minutes)
	}
	if !slices.ContainsFunc(r.EgoMap.Nodes, func(n report.EgoNode) bool { return n.ID == f.marta && n.Dormant }) ||
		!slices.ContainsFunc(r.EgoMap.Nodes, func(n report.EgoNode) bool { return n.ID == f.me && n.Me }) {
		t.Errorf("ego map: got %+v", r.EgoMap.Nodes)
	}
}

func TestSpanish(t *testing.T) {
	f := memFixture()
	r := build(t, f, "es")
	m := r.Dormant[0]
	if !strings.HasPrefix(m.NextStep.Draft, "Hola Marta") || !strings.Contains(m.NextStep.Draft, "enhorabuena") ||
		!strings.HasPrefix(m.Reasons[0].Text, "sin contacto desde hace") || m.Reasons[0].Code != analytics.ReasonQuietFor {
		t.Errorf("Marta in Spanish: got %q, %q", m.NextStep.Draft, m.Reasons)
	}
	if d := r.Dormant[1]; !strings.Contains(d.NextStep.Draft, "devolverte el favor") {
		t.Errorf("Diego in Spanish: got %q", d.NextStep.Draft)
	}
	if !strings.Contains(r.Introductions[0].Reasons.String(), "necesita análisis de datos") {
		t.Errorf("introduction reasons not translated: %q", r.Introductions[0].Reasons)
	}
	md := string(report.Markdown(r))
	for _, want := range []string{"# Tu red esta semana — Owner", "## Vínculos inactivos que vale la pena recuperar",
		"**Marta López** — Head of Data @ Globex", "> Hola Marta", "## Seguimientos pendientes", "**Fran Gil**",
		"## Salud de tu red", "| Vínculos fuertes (≥ 0,6) |", "## Plan de la semana", "- [ ] **lunes**"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "Dormant") || strings.Contains(md, "Follow-ups") {
		t.Errorf("Spanish markdown has English headings:\n%s", md)
	}
}

func TestFormats(t *testing.T) {
	f := memFixture()
	r := build(t, f, "en")
	// A trend: the previous report had fewer strong ties.
	r.Health.Trend = []report.TrendPoint{{Period: "p1", Health: graph.ReportHealth{StrongTies: r.Health.StrongTies - 1,
		Constraint: r.Health.Constraint}}}
	md := string(report.Markdown(r))
	for _, want := range []string{"# Your network this week — Owner", "## Dormant ties worth reviving", "1. **Marta López**",
		"Next step (5 min): Congratulate Marta López on the new role at Globex", "## Follow-ups due",
		"## Introductions you could make", "## Network health",
		"| Strong ties (≥ 0.6) | " + strconv.Itoa(r.Health.StrongTies) + " | ▲ 1 | " + strconv.Itoa(r.Health.StrongTies-1) + " → " + strconv.Itoa(r.Health.StrongTies) + " |",
		"## People to deepen this quarter", "## Favours you owe", "**Diego Ruiz** did you 2 favours",
		"## Introductions waiting for a follow-up", "Ask Ana García how the introduction to Priya Nair is going",
		"## This week's plan", "- [ ] **Monday** · 5 min · Follow up with Fran Gil"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// The pair may come in either order (people are ordered by their random ids).
	if !strings.Contains(md, "**Ana García** ↔ **Fran Gil**") && !strings.Contains(md, "**Fran Gil** ↔ **Ana García**") {
		t.Errorf("markdown lacks the introduction of Ana García and Fran Gil:\n%s", md)
	}
	html, err := report.HTML(r, "cid:egomap@nexo")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="en">`, `<img src="cid:egomap@nexo"`, "<strong>Marta López</strong>",
		"Hi Marta, I just saw you&#39;re now at Globex", "Dormant ties worth reviving", "▲ 1"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(string(html), "ZgotmplZ") {
		t.Error("html: the image source was censored by html/template")
	}
	noMap, _ := report.HTML(r, "")
	if strings.Contains(string(noMap), "<img") {
		t.Error("html without a map has an <img>")
	}
	// JSON round trip: a stored report renders the same.
	b, _ := json.Marshal(r)
	back, err := report.Decode(&graph.Report{ID: "x", Body: b})
	if err != nil || string(report.Markdown(back)) != md {
		t.Errorf("decoded report renders differently: %v", err)
	}
}

// TestFixtureSnapshot: the database-free fixture's snapshot is the one Neo4j
// loads for the same workspace, so the known-answer tests above test what a
// real workspace gives.
func TestFixtureSnapshot(t *testing.T) {
	f := newFixture(t)
	got, err := f.store.LoadSnapshot(ctx, f.ws.ID, graph.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := f.snapshot()
	if len(got.People) != len(want.People) || len(got.Ties) != len(want.Ties) || len(got.Events) != len(want.Events) {
		t.Fatalf("stored snapshot has %d people, %d ties, %d events; the fixture's %d, %d, %d",
			len(got.People), len(got.Ties), len(got.Events), len(want.People), len(want.Ties), len(want.Events))
	}
	for i := range want.People {
		g, w := got.People[i], want.People[i]
		if g.ID != w.ID || g.Name != w.Name || len(g.Jobs) != len(w.Jobs) {
			t.Errorf("person %d: got %+v, want %+v", i, g, w)
		}
	}
	tie := func(s *graph.Snapshot, t graph.SnapTie) string {
		return s.People[t.A].ID + "-" + s.People[t.B].ID + "-" + strconv.FormatInt(t.Since, 10)
	}
	ties := func(s *graph.Snapshot) []string {
		var out []string
		for _, t := range s.Ties {
			out = append(out, tie(s, t))
		}
		slices.Sort(out)
		return out
	}
	if g, w := ties(got), ties(want); !slices.Equal(g, w) {
		t.Errorf("ties differ:\n got %v\nwant %v", g, w)
	}
	events := func(s *graph.Snapshot) []string {
		var out []string
		for _, e := range s.Events {
			out = append(out, tie(s, s.Ties[e.Tie])+"@"+strconv.FormatInt(e.At, 10)+string(e.Kind)+strconv.Itoa(int(e.Initiator)))
		}
		slices.Sort(out)
		return out
	}
	if g, w := events(got), events(want); !slices.Equal(g, w) {
		t.Errorf("events differ:\n got %v\nwant %v", g, w)
	}
}

// TestNoCongratulationsForJoiningMe: someone who joined the member's own
// organisation is a colleague now, not news to congratulate on.
func TestNoCongratulationsForJoiningMe(t *testing.T) {
	f := memFixture()
	if r := build(t, f, "en"); r.Dormant[0].PersonID != f.marta || r.Dormant[0].NextStep.Kind != "congratulate" {
		t.Fatalf("before: got %+v, want Marta congratulated on Globex", r.Dormant[0])
	}
	f.batch.Employments = append(f.batch.Employments, &graph.Employment{ID: graph.NewID(), PersonID: f.me,
		OrganizationID: f.globex, Title: "Product Lead", Start: daysAgo(1000)})
	r := build(t, f, "en")
	for _, d := range r.Dormant {
		if d.PersonID == f.marta && d.NextStep.Kind == "congratulate" {
			t.Errorf("Marta joined my own organisation; got %q", d.NextStep.Action)
		}
	}
}

// TestNoCongratulationsForOldNews: a role begun more than six months ago is
// not new any more.
func TestNoCongratulationsForOldNews(t *testing.T) {
	f := memFixture()
	for _, e := range f.batch.Employments {
		if e.PersonID == f.marta {
			e.Start = daysAgo(240) // after we last spoke (300 days ago), but 8 months back
		}
	}
	for _, d := range build(t, f, "es").Dormant {
		if d.PersonID == f.marta && d.NextStep.Kind == "congratulate" {
			t.Errorf("a role of 8 months ago: got %q", d.NextStep.Action)
		}
	}
}

// TestWordsRead: the phrases a Spanish reader tripped on read right, and
// counts take their plurals in both languages.
func TestWordsRead(t *testing.T) {
	f := memFixture()
	es := string(report.Markdown(build(t, f, "es")))
	for _, want := range []string{"pedida hace 20 días", "Red cerrada (restricción; mejor si baja)",
		"La red cerrada es la restricción de Burt"} {
		if !strings.Contains(es, want) {
			t.Errorf("Spanish report lacks %q:\n%s", want, es)
		}
	}
	for _, bad := range []string{"desde hace 20 días", "Restricción (mejor", "data analysis"} {
		if strings.Contains(es, bad) {
			t.Errorf("Spanish report has %q:\n%s", bad, es)
		}
	}
	en := string(report.Markdown(build(t, f, "en")))
	for _, want := range []string{"requested 20 days ago", "Closed network (constraint; lower is better)"} {
		if !strings.Contains(en, want) {
			t.Errorf("English report lacks %q:\n%s", want, en)
		}
	}
	if strings.Contains(en, " 1 days") || strings.Contains(en, " 1 interactions") || strings.Contains(en, " 1 people") {
		t.Errorf("a singular count with a plural noun:\n%s", en)
	}
}

// TestDecodeVersion1: a report stored before reasons had codes still reads
// and renders.
func TestDecodeVersion1(t *testing.T) {
	body := []byte(`{"version":1,"member":{"name":"Owner","locale":"en"},"period":"p","threshold_days":180,
		"dormant":[{"person_id":"x","name":"Marta","reasons":["no interaction for 300 days","the tie was strong"],
		"next_step":{"action":"Call Marta","draft":"Hi"}}],"introductions_to_make":[{"name_a":"A","name_b":"B","reasons":["both know go"]}],
		"health":{"trend":[]},"plan":{"items":[]}}`)
	r, err := report.Decode(&graph.Report{ID: "old", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	md := string(report.Markdown(r))
	for _, want := range []string{"no interaction for 300 days; the tie was strong", "both know go"} {
		if !strings.Contains(md, want) {
			t.Errorf("version 1 report lacks %q:\n%s", want, md)
		}
	}
}

// TestUnansweredOnlyFromCapture: "they wrote, you never answered" needs a
// mailbox that holds every message; a message logged by hand, with no reply
// logged, is not one left unanswered.
func TestUnansweredOnlyFromCapture(t *testing.T) {
	f := memFixture()
	msg := &graph.Interaction{ID: graph.NewID(), Kind: graph.KindEmail, At: daysAgo(5), InitiatorID: f.ana,
		ParticipantIDs: []string{f.me, f.ana}, LoggedBy: f.owner.ID}
	f.batch.Interactions = append(f.batch.Interactions, msg)
	why := func() string {
		for _, x := range build(t, f, "en").FollowUps {
			if x.PersonID == f.ana {
				return x.Why
			}
		}
		return ""
	}
	if w := why(); w != "" {
		t.Errorf("a message from Ana logged by hand: follow-up %q, want none", w)
	}
	msg.CaptureKey = "imap:<1@example>"
	if w := why(); w != "unanswered" {
		t.Errorf("a captured message from Ana: follow-up %q, want unanswered", w)
	}
}
