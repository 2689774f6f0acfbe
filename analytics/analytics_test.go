package analytics_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gonumgraph "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/analytics/synth"
	"github.com/nexohq/nexo/graph"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// edgesNet builds a Network from "a-b a-c:0.5" (weight 1 unless given).
func edgesNet(tb testing.TB, spec string) *analytics.Network {
	tb.Helper()
	var edges []analytics.Edge
	for _, f := range strings.Fields(spec) {
		w := 1.0
		if i := strings.IndexByte(f, ':'); i >= 0 {
			var err error
			if w, err = strconv.ParseFloat(f[i+1:], 64); err != nil {
				tb.Fatal(err)
			}
			f = f[:i]
		}
		ab := strings.SplitN(f, "-", 2)
		edges = append(edges, analytics.Edge{Source: ab[0], Target: ab[1], Weight: w})
	}
	net, err := analytics.NetworkFromEdges(nil, edges)
	if err != nil {
		tb.Fatal(err)
	}
	return net
}

func near(got, want float64) bool { return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want)) }

func TestStarCentre(t *testing.T) {
	for _, k := range []int{2, 5, 12} {
		var spec []string
		for i := range k {
			spec = append(spec, "c-l"+strconv.Itoa(i)+":0.3")
		}
		net := edgesNet(t, strings.Join(spec, " "))
		h := net.StructuralHoles()[net.Index("c")]
		// Burt: p = 1/k and no indirect paths, so C = k·(1/k)² = 1/k and
		// every contact is non-redundant.
		if !near(float64(h.Constraint), 1/float64(k)) || !near(float64(h.ConstraintWeighted), 1/float64(k)) {
			t.Errorf("k=%d constraint: got %v / %v, want %v", k, h.Constraint, h.ConstraintWeighted, 1/float64(k))
		}
		if !near(float64(h.EffectiveSize), float64(k)) || !near(float64(h.Efficiency), 1) || !near(float64(h.Hierarchy), 0) {
			t.Errorf("k=%d: got effective size %v, efficiency %v, hierarchy %v; want %d, 1, 0", k, h.EffectiveSize, h.Efficiency, h.Hierarchy, k)
		}
		if leaf := net.StructuralHoles()[net.Index("l0")]; leaf.Constraint != 1 || leaf.Hierarchy.Valid() {
			t.Errorf("k=%d leaf: got constraint %v, hierarchy %v; want 1, undefined", k, leaf.Constraint, leaf.Hierarchy)
		}
		if b := net.BetweennessExact().Values[net.Index("c")]; b != float64(k*(k-1)/2) {
			t.Errorf("k=%d centre betweenness: got %v, want %d", k, b, k*(k-1)/2)
		}
	}
}

func TestCycleSpans(t *testing.T) {
	for _, n := range []int{4, 5, 9} {
		var spec []string
		for i := range n {
			spec = append(spec, "v"+strconv.Itoa(i)+"-v"+strconv.Itoa((i+1)%n))
		}
		net := edgesNet(t, strings.Join(spec, " "))
		if b := net.Bridges(); len(b) != 0 {
			t.Errorf("C%d: got bridges %v, want none", n, b)
		}
		lbs := net.LocalBridges()
		if len(lbs) != n {
			t.Fatalf("C%d: got %d local bridges, want %d", n, len(lbs), n)
		}
		for _, lb := range lbs {
			if lb.Span != analytics.Span(n-1) {
				t.Errorf("C%d %s-%s: got span %d, want %d", n, lb.Source, lb.Target, lb.Span, n-1)
			}
			if o := net.Overlap(lb.Tie); o != 0 {
				t.Errorf("C%d overlap: got %v, want 0", n, o)
			}
		}
	}
}

func TestPathGraph(t *testing.T) {
	net := edgesNet(t, "a-b b-c c-d d-e")
	if got := len(net.Bridges()); got != 4 {
		t.Errorf("got %d bridges, want 4", got)
	}
	for _, lb := range net.LocalBridges() {
		if lb.Span != analytics.NoSpan {
			t.Errorf("%s-%s: got span %d, want none", lb.Source, lb.Target, lb.Span)
		}
	}
	b := net.BetweennessExact()
	for i, want := range []float64{0, 3, 4, 3, 0} {
		if got := b.Values[net.Index(string(rune('a'+i)))]; got != want {
			t.Errorf("betweenness of %c: got %v, want %v", 'a'+i, got, want)
		}
	}
	if data, _ := json.Marshal(net.LocalBridges()[0]); !strings.Contains(string(data), `"span":null`) {
		t.Errorf("got %s, want span null", data)
	}
}

func TestClique(t *testing.T) {
	const n = 6
	var spec []string
	for i := range n {
		for j := i + 1; j < n; j++ {
			spec = append(spec, "v"+strconv.Itoa(i)+"-v"+strconv.Itoa(j))
		}
	}
	net := edgesNet(t, strings.Join(spec, " "))
	p := 1.0 / (n - 1)
	want := (n - 1) * math.Pow(p+(n-2)*p*p, 2)
	for i, h := range net.StructuralHoles() {
		if !near(float64(h.Constraint), want) || !near(float64(h.EffectiveSize), 1) {
			t.Errorf("v%d: got constraint %v, effective size %v; want %v, 1", i, h.Constraint, h.EffectiveSize, want)
		}
	}
	if lb := net.LocalBridges(); len(lb) != 0 {
		t.Errorf("got local bridges %v, want none", lb)
	}
	for e := range net.NumTies() {
		if o := net.Overlap(e); !near(o, 1) {
			t.Errorf("overlap: got %v, want 1", o)
		}
	}
}

func TestEdgeCases(t *testing.T) {
	t.Run("Empty", func(t *testing.T) {
		net, err := analytics.NewNetwork(&graph.Snapshot{}, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if net.Len() != 0 || len(net.StructuralHoles()) != 0 || len(net.BetweennessExact().Values) != 0 ||
			len(net.Bridges()) != 0 || len(net.LocalBridges()) != 0 || len(net.Communities().Circles) != 0 {
			t.Error("got results from an empty network")
		}
	})
	t.Run("IsolatedAndSelfLoop", func(t *testing.T) {
		s := &graph.Snapshot{People: []graph.SnapPerson{{ID: "a"}, {ID: "b"}, {ID: "c"}},
			Ties: []graph.SnapTie{{A: 0, B: 1}, {A: 2, B: 2}}}
		net, err := analytics.NewNetwork(s, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if net.NumTies() != 1 {
			t.Errorf("got %d ties, want the self-loop dropped", net.NumTies())
		}
		h := net.StructuralHoles()[2]
		if h.Degree != 0 || h.Constraint.Valid() || h.EffectiveSize.Valid() {
			t.Errorf("isolated: got %+v, want undefined measures", h)
		}
		data, err := json.Marshal(h)
		if err != nil || !strings.Contains(string(data), `"constraint":null`) {
			t.Errorf("got %s (%v), want constraint null", data, err)
		}
		if len(net.Communities().Circles) != 2 {
			t.Errorf("got %d circles, want 2", len(net.Communities().Circles))
		}
	})
	t.Run("DuplicatesMerged", func(t *testing.T) {
		at := now.Add(-24 * time.Hour).Unix()
		s := &graph.Snapshot{People: []graph.SnapPerson{{ID: "a"}, {ID: "b"}},
			Ties:   []graph.SnapTie{{A: 0, B: 1, Override: 0.2}, {A: 0, B: 1, Override: 0.7}, {A: 0, B: 1}},
			Events: []graph.SnapEvent{{Tie: 0, At: at, Kind: graph.KindCall}, {Tie: 2, At: at, Kind: graph.KindEmail}}}
		net, err := analytics.NewNetwork(s, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if net.NumTies() != 1 {
			t.Fatalf("got %d ties, want 1", net.NumTies())
		}
		ts := net.ExplainTie(0)
		if ts.Strength != 0.7 || ts.Interactions != 2 {
			t.Errorf("got strength %v with %d interactions, want 0.7 with 2", ts.Strength, ts.Interactions)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, s := range []*graph.Snapshot{
			{People: []graph.SnapPerson{{ID: "a"}}, Ties: []graph.SnapTie{{A: 0, B: 3}}},
			{People: []graph.SnapPerson{{ID: "a"}, {ID: "b"}}, Ties: []graph.SnapTie{{A: 0, B: 1, Override: 2}}},
			{People: []graph.SnapPerson{{ID: "a"}, {ID: "b"}}, Ties: []graph.SnapTie{{A: 0, B: 1}}, Events: []graph.SnapEvent{{Tie: 1}}},
		} {
			if _, err := analytics.NewNetwork(s, now, nil); graph.ErrorCode(err) != graph.EINVALID {
				t.Errorf("got %v, want EINVALID", err)
			}
		}
		if _, err := analytics.NetworkFromEdges(nil, []analytics.Edge{{Source: "a", Target: "a", Weight: 1}}); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("self-loop: got %v, want EINVALID", err)
		}
	})
	t.Run("Disconnected", func(t *testing.T) {
		net := edgesNet(t, "a-b b-c x-y y-z")
		b := net.BetweennessExact()
		// n = 6: b's one pair (a, c) over (n-1)(n-2)/2 = 10 pairs.
		if i := net.Index("b"); b.Values[i] != 1 || !near(b.Normalized[i], 0.1) {
			t.Errorf("got %v (%v), want 1 (0.1)", b.Values[i], b.Normalized[i])
		}
		if p := net.IntroPaths([]int32{net.Index("a")}, net.Index("z"), analytics.PathOptions{}); p != nil {
			t.Errorf("got paths %v across components", p)
		}
	})
}

func TestBetweennessSampledWithinBound(t *testing.T) {
	s := synth.Snapshot(synth.Params{N: 600, AvgDegree: 8, Seed: 7})
	net, err := analytics.NewNetwork(s, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	exact := net.BetweennessExact()
	const eps = 0.01
	est := net.BetweennessSampled(eps, 0.1, 42)
	n := float64(net.Len())
	scale := 2 / (n * (n - 1)) // to R&K's normalisation
	worst := 0.0
	for i := range exact.Values {
		worst = math.Max(worst, math.Abs(est.Values[i]-exact.Values[i])*scale)
	}
	if worst > eps {
		t.Errorf("got max error %v over %d samples, want ≤ %v", worst, est.Samples, eps)
	}
	if est.Exact || est.Samples != analytics.SampleSize(1, eps, 0.1) && est.Samples < 1000 {
		t.Errorf("got %+v, want a sampled result", est.Samples)
	}
	again := net.BetweennessSampled(eps, 0.1, 42)
	if !slices.Equal(again.Values, est.Values) {
		t.Error("equal seeds gave different estimates")
	}
}

// TestIntroPathsMatchYen compares the bounded search with gonum's Yen on
// random graphs small enough that the hop limit never binds.
func TestIntroPathsMatchYen(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 40 {
		n := 5 + rng.IntN(5) // ≤ 9 nodes: every simple path has ≤ 8 ties
		g := simple.NewWeightedUndirectedGraph(0, math.Inf(1))
		var edges []analytics.Edge
		for i := range n {
			g.AddNode(simple.Node(i))
			for j := i + 1; j < n; j++ {
				if rng.Float64() < 0.45 {
					w := 0.05 + 0.95*rng.Float64()
					edges = append(edges, analytics.Edge{Source: strconv.Itoa(i), Target: strconv.Itoa(j), Weight: w})
				}
			}
		}
		nodes := make([]string, n)
		for i := range nodes {
			nodes[i] = strconv.Itoa(i)
		}
		net, err := analytics.NetworkFromEdges(nodes, edges)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range edges {
			a, b := net.Index(e.Source), net.Index(e.Target)
			g.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(a), T: simple.Node(b), W: -math.Log(e.Weight)})
		}
		s, dst := int32(0), int32(n-1)
		const k = 6
		want := path.YenKShortestPaths(g, k, math.Inf(1), simple.Node(s), simple.Node(dst))
		got := net.IntroPaths([]int32{s}, dst, analytics.PathOptions{K: k, MaxHops: analytics.MaxPathHops})
		if len(got) != len(want) {
			t.Fatalf("trial %d: got %d paths, want %d", trial, len(got), len(want))
		}
		for i := range got {
			if ws := yenScore(g, want[i]); math.Abs(got[i].Score-ws) > 1e-12 {
				t.Errorf("trial %d path %d: got score %v %v, want %v", trial, i, got[i].Score, got[i].People, ws)
			}
		}
		// The best path per target agrees with the k-best search.
		any := net.IntroPathsToAny([]int32{s}, []int32{dst}, analytics.PathOptions{K: 1, MaxHops: analytics.MaxPathHops})
		if len(got) > 0 && (len(any) != 1 || math.Abs(any[0].Score-got[0].Score) > 1e-12) {
			t.Errorf("trial %d: IntroPathsToAny got %v, want score %v", trial, any, got[0].Score)
		}
	}
}

func yenScore(g *simple.WeightedUndirectedGraph, p []gonumgraph.Node) float64 {
	c := 0.0
	for i := 0; i+1 < len(p); i++ {
		w, _ := g.Weight(p[i].ID(), p[i+1].ID())
		c += w
	}
	return math.Exp(-c)
}

func TestIntroPathsHopLimitAndSources(t *testing.T) {
	// The strong route a-b-c-d-e has 4 ties; the weak one a-x-e has 2.
	net := edgesNet(t, "a-b b-c c-d d-e a-x:0.1 x-e:0.1")
	a, e := net.Index("a"), net.Index("e")
	if got := net.IntroPaths([]int32{a}, e, analytics.PathOptions{K: 1, MaxHops: 4}); len(got) != 1 || got[0].Hops != 4 || got[0].Score != 1 {
		t.Errorf("4 hops: got %+v, want the strong 4-tie path", got)
	}
	got := net.IntroPaths([]int32{a}, e, analytics.PathOptions{K: 3, MaxHops: 3})
	if len(got) != 1 || got[0].Hops != 2 || !near(got[0].Score, 0.01) {
		t.Errorf("3 hops: got %+v, want only a-x-e", got)
	}
	// A team: c is a source too, so a's paths through c are dropped.
	team := net.IntroPaths([]int32{a, net.Index("c")}, e, analytics.PathOptions{K: 5})
	for _, p := range team {
		if slices.Contains(p.People[1:], "c") {
			t.Errorf("got %v through a second source", p.People)
		}
	}
	if len(team) == 0 || team[0].People[0] != "c" || team[0].Score != 1 {
		t.Errorf("got %+v, want c-d-e first", team)
	}
}

func TestLouvain(t *testing.T) {
	t.Run("TwoCliques", func(t *testing.T) {
		var spec []string
		for _, side := range []string{"a", "b"} {
			for i := range 5 {
				for j := i + 1; j < 5; j++ {
					spec = append(spec, side+strconv.Itoa(i)+"-"+side+strconv.Itoa(j))
				}
			}
		}
		net := edgesNet(t, strings.Join(spec, " ")+" a0-b0:0.2")
		c := net.Communities()
		if len(c.Circles) != 2 {
			t.Fatalf("got %d circles, want 2", len(c.Circles))
		}
		for i := range 5 {
			if c.Of[net.Index("a"+strconv.Itoa(i))] != c.Of[net.Index("a0")] ||
				c.Of[net.Index("b"+strconv.Itoa(i))] == c.Of[net.Index("a0")] {
				t.Errorf("got %v, want the two cliques", c.Of)
			}
		}
		if r := net.CirclesBridged(net.Index("a0")); len(r) != 1 || r[0].Contacts != 1 {
			t.Errorf("a0 bridges %+v, want one circle through one contact", r)
		}
	})
	t.Run("KarateReproducible", func(t *testing.T) {
		net, _ := loadFixture(t, "karate")
		a, b := net.Louvain(1, 9), net.Louvain(1, 9)
		if !slices.Equal(a.Of, b.Of) {
			t.Error("equal seeds gave different partitions")
		}
		// gonum's own Q on the same partition, an independent computation.
		var comms [][]gonumgraph.Node
		for _, c := range a.Circles {
			var nodes []gonumgraph.Node
			for _, v := range c.Members {
				nodes = append(nodes, simple.Node(v))
			}
			comms = append(comms, nodes)
		}
		if q := community.Q(net.Gonum(), comms, 1); math.Abs(q-a.Modularity) > 1e-9 {
			t.Errorf("got modularity %v, gonum's Q %v", a.Modularity, q)
		}
		// The best weighted partitions of the karate club reach about 0.43.
		if a.Modularity < 0.38 {
			t.Errorf("got modularity %v, want ≥ 0.38", a.Modularity)
		}
	})
}

func TestBetweennessChoices(t *testing.T) {
	net, ref := loadFixture(t, "karate")
	all := make([]int32, net.Len())
	for i := range all {
		all[i] = int32(i)
	}
	from := net.BetweennessFromSources(all)
	for id, want := range ref.Nodes {
		if got := from[net.Index(id)]; !close(got, want.Betweenness) {
			t.Errorf("%s from all sources: got %v, want %v", id, got, want.Betweenness)
		}
	}
	if b := net.Betweenness(); !b.Exact {
		t.Error("karate: got a sampled result, want exact below AutoExactWork")
	}
	defer func(w float64) { analytics.AutoExactWork = w }(analytics.AutoExactWork)
	analytics.AutoExactWork = 0
	net, _ = loadFixture(t, "karate")
	if b := net.Betweenness(); b.Exact || b.Samples == 0 || b.Epsilon != analytics.DefaultEpsilon {
		t.Errorf("got %+v, want sampled above AutoExactWork", b.Samples)
	}
}

func TestGonumView(t *testing.T) {
	net, _ := loadFixture(t, "islands")
	g := net.Gonum()
	if got := len(topo.ConnectedComponents(g)); got != 3 {
		t.Errorf("got %d components, want 3", got)
	}
	if got := g.Nodes().Len(); got != net.Len() {
		t.Errorf("got %d nodes, want %d", got, net.Len())
	}
	for e := range net.NumTies() {
		a, b, w := net.Tie(e)
		x, y := int64(a), int64(b)
		if !g.HasEdgeBetween(y, x) || g.WeightedEdge(x, y).Weight() != w || g.Edge(y, x) == nil {
			t.Errorf("tie %d (%d, %d, %v) not seen by gonum", e, a, b, w)
		}
		if got := g.From(x).Len(); got != net.Degree(a) {
			t.Errorf("From(%d).Len: got %d, want %d", a, got, net.Degree(a))
		}
	}
	if g.Node(int64(net.Len())) != nil || g.HasEdgeBetween(0, int64(net.Len())) {
		t.Error("gonum view answers for a node outside the network")
	}
	overlaps := net.Overlaps()
	for e, o := range overlaps {
		if o != net.Overlap(e) {
			t.Errorf("Overlaps[%d] = %v, Overlap = %v", e, o, net.Overlap(e))
		}
	}
}
