package analytics_test

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/i18n"
)

func daysAgo(d float64) int64 { return now.Add(-time.Duration(d * 24 * float64(time.Hour))).Unix() }

// pairSnapshot is two people with the given events on their one tie.
func pairSnapshot(events ...graph.SnapEvent) *graph.Snapshot {
	return &graph.Snapshot{People: []graph.SnapPerson{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}},
		Ties: []graph.SnapTie{{A: 0, B: 1}}, Events: events}
}

func strengthOf(tb testing.TB, s *graph.Snapshot, m analytics.StrengthModel) float64 {
	tb.Helper()
	net, err := analytics.NewNetwork(s, now, &analytics.Options{Strength: m})
	if err != nil {
		tb.Fatal(err)
	}
	v, _ := net.Strength(0, 1)
	return v
}

func TestStrengthRecencyHalfLife(t *testing.T) {
	only := analytics.StrengthModel{Weights: analytics.ComponentWeights{Recency: 1}}
	floor := analytics.DefaultStrengthModel.Floor
	half := analytics.DefaultStrengthModel.HalfLife.Hours() / 24
	for _, c := range []struct{ age, want float64 }{{0, 1}, {half, 0.5}, {2 * half, 0.25}} {
		got := strengthOf(t, pairSnapshot(graph.SnapEvent{Tie: 0, At: daysAgo(c.age), Kind: graph.KindCall}), only)
		if want := floor + (1-floor)*c.want; math.Abs(got-want) > 1e-12 {
			t.Errorf("age %v days: got %v, want %v", c.age, got, want)
		}
	}
}

func TestStrengthMonotone(t *testing.T) {
	var few, many []graph.SnapEvent
	for i := range 20 {
		e := graph.SnapEvent{Tie: 0, At: daysAgo(float64(10 + 15*i)), Kind: graph.KindEmail, Initiator: 1}
		if i < 3 {
			few = append(few, e)
		}
		many = append(many, e)
	}
	m := analytics.StrengthModel{}
	if f, g := strengthOf(t, pairSnapshot(few...), m), strengthOf(t, pairSnapshot(many...), m); f >= g {
		t.Errorf("3 emails %v ≥ 20 emails %v", f, g)
	}
	msg := strengthOf(t, pairSnapshot(graph.SnapEvent{Tie: 0, At: daysAgo(5), Kind: graph.KindMessage}), m)
	meet := strengthOf(t, pairSnapshot(graph.SnapEvent{Tie: 0, At: daysAgo(5), Kind: graph.KindMeeting}), m)
	if msg >= meet {
		t.Errorf("a message %v ≥ a meeting %v", msg, meet)
	}
	oneSided := strengthOf(t, pairSnapshot(few...), m)
	balanced := few[:2:2]
	balanced = append(balanced, graph.SnapEvent{Tie: 0, At: few[2].At, Kind: graph.KindEmail, Initiator: 2})
	if b := strengthOf(t, pairSnapshot(balanced...), m); b <= oneSided {
		t.Errorf("balanced %v ≤ one-sided %v", b, oneSided)
	}
	if none := strengthOf(t, pairSnapshot(), m); none != analytics.DefaultStrengthModel.Floor {
		t.Errorf("no evidence: got %v, want the floor", none)
	}
}

func TestExplainTieAddsUp(t *testing.T) {
	s := pairSnapshot(graph.SnapEvent{Tie: 0, At: daysAgo(30), Kind: graph.KindCoffee, Initiator: 2},
		graph.SnapEvent{Tie: 0, At: daysAgo(3), Kind: graph.KindFavourGiven, Initiator: 1})
	s.Organizations = []graph.SnapOrganization{{ID: "o", Name: "Acme"}}
	s.People[0].Jobs = []graph.SnapJob{{Org: 0}}
	s.People[1].Jobs = []graph.SnapJob{{Org: 0, Start: daysAgo(900), End: daysAgo(400)}}
	net, err := analytics.NewNetwork(s, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := net.ExplainTie(0)
	sum := analytics.DefaultStrengthModel.Floor
	for _, c := range ts.Components {
		sum += c.Contribution
	}
	if math.Abs(sum-ts.Strength) > 1e-12 {
		t.Errorf("components add up to %v, strength %v", sum, ts.Strength)
	}
	want := []analytics.Reason{
		{Code: analytics.ReasonSameOrgApart, Args: map[string]any{"org": "Acme"}},
		{Code: analytics.ReasonInteractions, Args: map[string]any{"count": 2, "last": time.Unix(daysAgo(3), 0).UTC().Format(time.DateOnly)}},
	}
	for _, w := range want {
		if !slices.ContainsFunc(ts.Reasons, func(r analytics.Reason) bool { return reflect.DeepEqual(r, w) }) {
			t.Errorf("reasons %+v lack %+v", ts.Reasons, w)
		}
	}
	s.Ties[0].Override = 0.9
	net, _ = analytics.NewNetwork(s, now, nil)
	if ts := net.ExplainTie(0); ts.Strength != 0.9 || !ts.Override {
		t.Errorf("override: got %v (%v), want 0.9", ts.Strength, ts.Override)
	}
}

// TestExplainTieReasonsDistinct: a tie whose context says what the shared
// organisation says gives the phrase once, in ExplainTie and in a path step.
func TestExplainTieReasonsDistinct(t *testing.T) {
	s := &graph.Snapshot{Organizations: []graph.SnapOrganization{{ID: "i", Name: "Initech"}}}
	for _, id := range []string{"a", "b", "c"} {
		s.People = append(s.People, graph.SnapPerson{ID: id, Name: id, Jobs: []graph.SnapJob{{Org: 0}}})
	}
	s.Ties = []graph.SnapTie{{A: 0, B: 1, Context: "worked together at Initech"},
		{A: 1, B: 2, Context: "Worked together at Initech."}}
	net, err := analytics.NewNetwork(s, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	distinct := func(what string, reasons []analytics.Reason) {
		t.Helper()
		n := 0
		for _, r := range reasons {
			if w := i18n.English.Reason(r); strings.EqualFold(strings.TrimSuffix(w, "."), "worked together at Initech") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: got %+v, want the shared organisation once", what, reasons)
		}
	}
	for e := range net.NumTies() {
		distinct("ExplainTie", net.ExplainTie(e).Reasons)
	}
	paths := net.IntroPaths([]int32{0}, 2, analytics.PathOptions{K: 1})
	if len(paths) != 1 || len(paths[0].Steps) != 2 {
		t.Fatalf("got paths %+v, want a-b-c", paths)
	}
	for _, st := range paths[0].Steps {
		distinct("path step "+st.From+"-"+st.To, st.Reasons)
	}
}

// egoSnapshot: me (0) with contacts 1..5. Contact 1 went quiet a year ago
// after a strong run and is my only link to 6 and 7 (who work at Acme);
// contact 2 is active; 3 needs an investor and 4 is one; 5 sits with 3.
func egoSnapshot() *graph.Snapshot {
	s := &graph.Snapshot{Organizations: []graph.SnapOrganization{{ID: "acme", Name: "Acme"}}}
	for _, name := range []string{"me", "dormant", "active", "founder", "investor", "friend", "x", "y"} {
		s.People = append(s.People, graph.SnapPerson{ID: name, Name: name})
	}
	s.People[3].Needs = []string{"an investor"}
	s.People[3].Tags = []string{"fintech"}
	s.People[4].Skills = []string{"Investor"}
	s.People[6].Jobs = []graph.SnapJob{{Org: 0}}
	s.People[7].Jobs = []graph.SnapJob{{Org: 0}}
	tie := func(a, b int32) int32 {
		s.Ties = append(s.Ties, graph.SnapTie{A: a, B: b})
		return int32(len(s.Ties) - 1)
	}
	t1 := tie(0, 1)
	t2 := tie(0, 2)
	tie(0, 3)
	tie(0, 4)
	tie(0, 5)
	tie(3, 5)
	tie(1, 6)
	tie(1, 7)
	tie(6, 7)
	for i := range 10 {
		s.Events = append(s.Events, graph.SnapEvent{Tie: t1, At: daysAgo(float64(365 + 20*i)), Kind: graph.KindMeeting, Initiator: int8(1 + i%2)})
	}
	s.Events = append(s.Events, graph.SnapEvent{Tie: t2, At: daysAgo(10), Kind: graph.KindCall})
	return s
}

func TestDormantTies(t *testing.T) {
	net, err := analytics.NewNetwork(egoSnapshot(), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := net.DormantTies(0, analytics.DormantOptions{Follows: []string{"acme"}})
	if len(got) != 1 || got[0].PersonID != "dormant" {
		t.Fatalf("got %+v, want only the dormant contact", got)
	}
	d := got[0]
	if d.DaysDormant != 365 || d.ExclusiveReach != 2 || !slices.Equal(d.FollowedOrgs, []string{"Acme"}) {
		t.Errorf("got %+v, want 365 days, reach 2, Acme", d)
	}
	if d.PastStrength <= d.Strength {
		t.Errorf("past strength %v ≤ current %v", d.PastStrength, d.Strength)
	}
	if !slices.ContainsFunc(d.Reasons, func(r analytics.Reason) bool {
		return r.Code == analytics.ReasonExclusiveReach && r.Args["count"] == 2
	}) {
		t.Errorf("reasons %+v lack the exclusive reach", d.Reasons)
	}
	if got := net.DormantTies(0, analytics.DormantOptions{Threshold: 400 * 24 * time.Hour}); len(got) != 0 {
		t.Errorf("threshold 400 days: got %+v, want none", got)
	}
}

func TestBrokerOpportunities(t *testing.T) {
	s := egoSnapshot()
	net, err := analytics.NewNetwork(s, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := net.BrokerOpportunities([]int32{0}, analytics.BrokerOptions{})
	if len(got) == 0 || got[0].PersonA != "founder" || got[0].PersonB != "investor" || got[0].Via != "me" {
		t.Fatalf("got %+v, want founder–investor first", got)
	}
	if !slices.Contains(i18n.English.Texts(got[0].Reasons), "founder needs an investor; investor offers Investor") {
		t.Errorf("reasons %+v lack the need", got[0].Reasons)
	}
	// Once they know each other the hole is closed.
	s.Ties = append(s.Ties, graph.SnapTie{A: 3, B: 4})
	net, _ = analytics.NewNetwork(s, now, nil)
	for _, o := range net.BrokerOpportunities([]int32{0}, analytics.BrokerOptions{}) {
		if o.PersonA == "founder" && o.PersonB == "investor" {
			t.Errorf("got %+v for a closed hole", o)
		}
	}
}

func TestJobSearchInvertedU(t *testing.T) {
	// me's contacts c0 (0 mutual), c5 (5 mutual) and c15 (15 mutual) all
	// work at Acme with the same strength; the mutual contacts are fillers.
	var edges []analytics.Edge
	add := func(a, b string) { edges = append(edges, analytics.Edge{Source: a, Target: b, Weight: 0.3}) }
	for _, c := range []struct {
		id     string
		mutual int
	}{{"c0", 0}, {"c5", 5}, {"c15", 15}} {
		add("me", c.id)
		for i := range c.mutual {
			f := c.id + "-f" + string(rune('a'+i))
			add("me", f)
			add(c.id, f)
		}
	}
	net, err := analytics.NetworkFromEdges(nil, edges)
	if err != nil {
		t.Fatal(err)
	}
	s := net.Snapshot()
	s.Organizations = []graph.SnapOrganization{{ID: "acme", Name: "Acme"}}
	for _, id := range []string{"c0", "c5", "c15"} {
		s.People[net.Index(id)].Jobs = []graph.SnapJob{{Org: 0}}
	}
	leads := net.JobSearch(net.Index("me"), "acme", analytics.JobSearchOptions{})
	// The fillers follow: they only know someone at Acme.
	var order []string
	for _, l := range leads {
		if l.AtOrg {
			order = append(order, l.PersonID)
		}
	}
	if !slices.Equal(order, []string{"c5", "c15", "c0"}) && !slices.Equal(order, []string{"c5", "c0", "c15"}) {
		t.Errorf("got %v, want c5 first", order)
	}
	if !analytics.HasReason(leads[0].Reasons, analytics.ReasonModeratelyWeak) ||
		!strings.Contains(i18n.English.Join(leads[0].Reasons), "Rajkumar") {
		t.Errorf("reasons %+v do not cite the finding", leads[0].Reasons)
	}
}

func TestIntroPathsToOrgAndMatches(t *testing.T) {
	net, err := analytics.NewNetwork(egoSnapshot(), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := net.IntroPathsToOrg([]int32{0}, "acme", analytics.PathOptions{})
	if len(got) != 2 {
		t.Fatalf("got %d paths, want one to each of x and y", len(got))
	}
	for _, p := range got {
		if p.Hops != 2 || p.People[1] != "dormant" {
			t.Errorf("got %v, want through the dormant contact", p.People)
		}
	}
	if m := net.IntroPathsToMatches([]int32{0}, analytics.PersonQuery{Skill: "investor"}, analytics.PathOptions{}); len(m) != 1 || m[0].People[1] != "investor" {
		t.Errorf("got %+v, want the investor directly", m)
	}
	if m := net.Match(analytics.PersonQuery{Text: "fintech"}); len(m) != 1 || m[0] != 3 {
		t.Errorf("text match: got %v, want [3]", m)
	}
}
