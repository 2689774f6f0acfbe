package analytics_test

import (
	"fmt"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/i18n"
)

// A small workspace: Ana (me) knows Bea well — they worked together at Acme
// and meet often — and Carl slightly; Bea knows Dan, whom Ana wants to meet.
func exampleSnapshot() *graph.Snapshot {
	day := func(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() }
	s := &graph.Snapshot{
		Organizations: []graph.SnapOrganization{{ID: "o1", Name: "Acme"}, {ID: "o2", Name: "Globex"}},
		People: []graph.SnapPerson{
			{ID: "ana", Name: "Ana", Jobs: []graph.SnapJob{{Org: 0, Start: day(2019, 1, 1), End: day(2023, 1, 1)}}},
			{ID: "bea", Name: "Bea", Jobs: []graph.SnapJob{{Org: 0, Start: day(2020, 1, 1)}}},
			{ID: "carl", Name: "Carl"},
			{ID: "dan", Name: "Dan", Title: "CTO", Jobs: []graph.SnapJob{{Org: 1}}},
		},
		Ties: []graph.SnapTie{
			{A: 0, B: 1, Since: day(2019, 3, 1)},
			{A: 0, B: 2, Override: 0.3},
			{A: 1, B: 3, Override: 0.8},
			{A: 2, B: 3, Override: 0.9},
		},
	}
	for i := range 12 {
		kind := graph.KindMeeting
		if i%3 == 0 {
			kind = graph.KindMessage
		}
		s.Events = append(s.Events, graph.SnapEvent{Tie: 0, At: day(2025, 4, 4) + int64(i)*28*86400,
			Kind: kind, Initiator: int8(1 + i%2)})
	}
	return s
}

func ExampleNetwork_ExplainTie() {
	net, err := analytics.NewNetwork(exampleSnapshot(), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), nil)
	if err != nil {
		panic(err)
	}
	ts := net.ExplainTie(net.TieBetween(net.Index("ana"), net.Index("bea")))
	fmt.Printf("strength %.2f\n", ts.Strength)
	for _, c := range ts.Components {
		fmt.Printf("%-11s %.2f × %.2f\n", c.Name, c.Value, c.Weight)
	}
	for _, r := range ts.Reasons {
		fmt.Println("-", i18n.English.Reason(r))
	}
	// Output:
	// strength 0.74
	// recency     0.41 × 0.30
	// frequency   0.72 × 0.20
	// depth       0.75 × 0.15
	// reciprocity 1.00 × 0.10
	// duration    0.92 × 0.10
	// shared_org  1.00 × 0.15
	// - worked together at Acme
	// - 12 interactions, the last on 6 Feb 2026
	// - 4 messages, 8 meetings
	// - both reach out
	// - known since 1 Mar 2019
}

func ExampleNetwork_IntroPaths() {
	net, err := analytics.NewNetwork(exampleSnapshot(), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), nil)
	if err != nil {
		panic(err)
	}
	me, dan := net.Index("ana"), net.Index("dan")
	for _, p := range net.IntroPaths([]int32{me}, dan, analytics.PathOptions{K: 2}) {
		fmt.Printf("%.3f %v\n", p.Score, p.Names)
		fmt.Printf("      first tie: %s\n", i18n.English.Reason(p.Steps[0].Reasons[0]))
	}
	// Output:
	// 0.588 [Ana Bea Dan]
	//       first tie: worked together at Acme
	// 0.270 [Ana Carl Dan]
	//       first tie: strength set by hand to 0.30
}

func ExampleNetwork_StructuralHoles() {
	// Ana brokers between two groups that do not know each other.
	net, err := analytics.NetworkFromEdges(nil, []analytics.Edge{
		{Source: "ana", Target: "bea", Weight: 1}, {Source: "ana", Target: "carl", Weight: 1},
		{Source: "bea", Target: "carl", Weight: 1}, {Source: "ana", Target: "dan", Weight: 0.5},
	})
	if err != nil {
		panic(err)
	}
	h := net.StructuralHoles()[net.Index("ana")]
	fmt.Printf("constraint %.3f, effective size %.3f, efficiency %.3f\n", h.Constraint, h.EffectiveSize, h.Efficiency)
	b := net.BetweennessExact()
	fmt.Printf("betweenness %.0f (normalised %.3f)\n", b.Values[net.Index("ana")], b.Normalized[net.Index("ana")])
	// Output:
	// constraint 0.611, effective size 2.333, efficiency 0.778
	// betweenness 2 (normalised 0.667)
}

func ExampleNetwork_LocalBridges() {
	net, err := analytics.NetworkFromEdges(nil, []analytics.Edge{
		{Source: "a", Target: "b", Weight: 1}, {Source: "b", Target: "c", Weight: 1}, {Source: "c", Target: "d", Weight: 1},
		{Source: "d", Target: "a", Weight: 1}, {Source: "d", Target: "e", Weight: 1},
	})
	if err != nil {
		panic(err)
	}
	for _, lb := range net.LocalBridges() {
		fmt.Println(lb.Source, lb.Target, lb.Span)
	}
	// Output:
	// a b 3
	// a d 3
	// b c 3
	// c d 3
	// d e -1
}

func ExampleNetwork_Louvain() {
	// Two teams of four, everyone tied within a team, and one weak tie
	// between them.
	var edges []analytics.Edge
	for _, team := range [][]string{{"ana", "bea", "carl", "dan"}, {"eve", "finn", "gus", "hana"}} {
		for i, a := range team {
			for _, b := range team[i+1:] {
				edges = append(edges, analytics.Edge{Source: a, Target: b, Weight: 0.8})
			}
		}
	}
	edges = append(edges, analytics.Edge{Source: "dan", Target: "eve", Weight: 0.1})
	net, err := analytics.NetworkFromEdges(nil, edges)
	if err != nil {
		panic(err)
	}
	c := net.Louvain(1, analytics.DefaultSeed)
	for _, circle := range c.Circles {
		var names []string
		for _, v := range circle.Members {
			names = append(names, net.Name(v))
		}
		fmt.Println(circle.ID, names)
	}
	fmt.Printf("Q = %.3f\n", c.Modularity)
	// Output:
	// 0 [ana bea carl dan]
	// 1 [eve finn gus hana]
	// Q = 0.490
}
