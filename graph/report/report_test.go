package report_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/report"
)

// build makes the fixture owner's report at now, in a locale.
func build(tb testing.TB, f *fixture, locale string) *report.Report {
	tb.Helper()
	svc := report.NewService(report.Config{Store: f.store, Now: func() time.Time { return now }})
	tb.Cleanup(func() { svc.Close() })
	net, err := svc.Network(ctx, f.ws.ID, now)
	if err != nil {
		tb.Fatal(err)
	}
	u := *f.owner
	u.Locale = locale
	r, err := svc.Build(ctx, f.ws.ID, &u, net, "test", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return r
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
	f := newFixture(t)
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
		// Really dormant: the store's newest interaction with them is older than the threshold.
		l, _, err := f.store.FindInteractions(ctx, f.ws.ID, graph.InteractionFilter{PersonID: f.me, OtherID: d.PersonID,
			Until: now, Limit: 1})
		if err != nil || len(l) == 0 {
			t.Fatalf("%s: interactions: %v, %v", d.Name, l, err)
		}
		if days := now.Sub(l[0].At).Hours() / 24; days < 180 || int(days) != d.DaysDormant || !l[0].At.Equal(d.LastInteraction) {
			t.Errorf("%s: last interaction %s (%.0f days ago), report says %s (%d days); want ≥ 180 days and equal",
				d.Name, l[0].At, days, d.LastInteraction, d.DaysDormant)
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
	f := newFixture(t)
	r := build(t, f, "es")
	m := r.Dormant[0]
	if !strings.HasPrefix(m.NextStep.Draft, "Hola Marta") || !strings.Contains(m.NextStep.Draft, "enhorabuena") ||
		!strings.HasPrefix(m.Reasons[0], "sin contacto desde hace") {
		t.Errorf("Marta in Spanish: got %q, %q", m.NextStep.Draft, m.Reasons)
	}
	if d := r.Dormant[1]; !strings.Contains(d.NextStep.Draft, "devolverte el favor") {
		t.Errorf("Diego in Spanish: got %q", d.NextStep.Draft)
	}
	if !strings.Contains(strings.Join(r.Introductions[0].Reasons, "; "), "necesita data analysis") {
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
	f := newFixture(t)
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
