package analytics_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/analytics/synth"
	"github.com/nexohq/nexo/graph"
)

// randomNet is a random graph of 10–160 people, sometimes with few distinct
// strengths (so that many paths tie, some at no cost) and sometimes with
// many.
func randomNet(tb testing.TB, rng *rand.Rand) *analytics.Network {
	tb.Helper()
	n := 10 + rng.IntN(150)
	deg := 1 + 6*rng.Float64()
	levels := []float64{0.1, 0.25, 0.5, 1}
	discrete := rng.IntN(2) == 0
	nodes := make([]string, n)
	for i := range nodes {
		nodes[i] = strconv.Itoa(i)
	}
	var edges []analytics.Edge
	for range int(float64(n) * deg / 2) {
		a, b := rng.IntN(n), rng.IntN(n)
		if a == b {
			continue
		}
		w := 0.05 + 0.95*rng.Float64()
		if discrete {
			w = levels[rng.IntN(len(levels))]
		}
		edges = append(edges, analytics.Edge{Source: nodes[a], Target: nodes[b], Weight: w})
	}
	net, err := analytics.NetworkFromEdges(nodes, edges)
	if err != nil {
		tb.Fatal(err)
	}
	return net
}

func randomPeople(rng *rand.Rand, n, k int) []int32 {
	out := make([]int32, k)
	for i := range out {
		out[i] = int32(rng.IntN(n))
	}
	return out
}

// checkAnyPaths fails unless got ranks the same targets as want with the same
// scores (paths of equal cost may differ), every path starting at a source
// and passing through none, simple, over ties, within the hop limit.
func checkAnyPaths(tb testing.TB, net *analytics.Network, sources []int32, maxHops int, got, want []analytics.IntroPath) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("got %d paths, want %d", len(got), len(want))
	}
	for i, p := range got {
		end, wantEnd := p.People[len(p.People)-1], want[i].People[len(want[i].People)-1]
		if end != wantEnd || math.Abs(p.Score-want[i].Score) > 1e-12*want[i].Score {
			tb.Fatalf("path %d: got %v (score %v), want %v (score %v)", i, p.People, p.Score, want[i].People, want[i].Score)
		}
		if !slices.Contains(sources, p.Nodes[0]) || p.Hops != len(p.Nodes)-1 || p.Hops > maxHops {
			tb.Errorf("path %d: got %v, not from a source in at most %d ties", i, p.People, maxHops)
		}
		for j, v := range p.Nodes[1:] {
			if slices.Contains(sources, v) || slices.Contains(p.Nodes[:j+1], v) || net.TieBetween(p.Nodes[j], v) < 0 {
				tb.Errorf("path %d: got %v, not a simple path of ties avoiding other sources", i, p.People)
			}
		}
	}
}

// TestIntroPathsToAnyMatchesLayered holds the search to the straightforward
// Bellman–Ford over the whole graph, on random graphs, with the backward
// bound complete, partial and absent.
func TestIntroPathsToAnyMatchesLayered(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, budget := range []int{1 << 30, 40, 0} {
		restore := analytics.SetAnyBoundBudgetForTest(budget)
		for trial := range 150 {
			net := randomNet(t, rng)
			n := net.Len()
			opt := analytics.PathOptions{K: 1 + rng.IntN(8), MaxHops: rng.IntN(analytics.MaxPathHops + 1)}
			sources := randomPeople(rng, n, 1+rng.IntN(3))
			targets := randomPeople(rng, n, 1+rng.IntN(n))
			got := net.IntroPathsToAny(sources, targets, opt)
			want := net.IntroPathsToAnyLayered(sources, targets, opt)
			if got == nil {
				t.Fatalf("budget %d, trial %d: got nil, want a slice", budget, trial)
			}
			hops := cmpOr(opt.MaxHops, analytics.DefaultMaxHops)
			t.Run("", func(t *testing.T) { checkAnyPaths(t, net, sources, hops, got, want) })
		}
		restore()
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// TestIntroPathsToOrgMatchesLayered asks the synthetic graph for everyone at
// an organisation and everyone tagged with a circle.
func TestIntroPathsToOrgMatchesLayered(t *testing.T) {
	net, err := analytics.NewNetwork(synth.Snapshot(synth.Params{N: 3000, Seed: 3}), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 20 {
		src := []int32{int32(rng.IntN(net.Len()))}
		c := strconv.Itoa(rng.IntN(20))
		opt := analytics.PathOptions{K: 1 + rng.IntN(20), MaxHops: 1 + rng.IntN(5)}
		got := net.IntroPathsToOrg(src, "org-"+c, opt)
		checkAnyPaths(t, net, src, opt.MaxHops, got, net.IntroPathsToAnyLayered(src, net.PeopleAt("org-"+c, true), opt))
		q := analytics.PersonQuery{Text: "Circle-" + c}
		got = net.IntroPathsToMatches(src, q, opt)
		checkAnyPaths(t, net, src, opt.MaxHops, got, net.IntroPathsToAnyLayered(src, net.Match(q), opt))
	}
}

// matchScan is Match done the straightforward way, person by person.
func matchScan(s *graph.Snapshot, q analytics.PersonQuery) []int32 {
	if q == (analytics.PersonQuery{}) {
		return nil
	}
	lc := strings.ToLower
	text, title, loc := lc(strings.TrimSpace(q.Text)), lc(q.Title), lc(q.Location)
	fold := func(list []string, v string) bool {
		return slices.ContainsFunc(list, func(x string) bool {
			return strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(v))
		})
	}
	org := int32(-1)
	if q.Org != "" {
		if org = int32(slices.IndexFunc(s.Organizations, func(o graph.SnapOrganization) bool { return o.ID == q.Org })); org < 0 {
			return nil
		}
	}
	var out []int32
	for i, p := range s.People {
		fields := []string{p.Name, p.Title, p.Location}
		fields = append(append(append(fields, p.Tags...), p.Skills...), p.Needs...)
		at := false
		for _, j := range p.Jobs {
			if j.End == 0 && j.Org >= 0 && int(j.Org) < len(s.Organizations) {
				fields = append(fields, s.Organizations[j.Org].Name)
				at = at || j.Org == org
			}
		}
		if title != "" && !strings.Contains(lc(p.Title), title) ||
			loc != "" && !strings.Contains(lc(p.Location), loc) ||
			q.Tag != "" && !fold(p.Tags, q.Tag) ||
			q.Skill != "" && !fold(p.Skills, q.Skill) ||
			org >= 0 && !at ||
			text != "" && !slices.ContainsFunc(fields, func(f string) bool { return strings.Contains(lc(f), text) }) {
			continue
		}
		out = append(out, int32(i))
	}
	return out
}

// TestMatchMatchesScan holds Match and PeopleAt to a scan of every person,
// on random people whose values repeat, differ in case and spacing, and
// include letters whose case rules are special.
func TestMatchMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	words := []string{"Data", "data ", "ANALYST", "Straße", "STRASSE", "İstanbul", "ΣΟΦΊΑ", "σοφία", "Ana García", "ana", "Go", " go", "", "K"}
	pick := func() string { return words[rng.IntN(len(words))] }
	some := func() []string {
		l := make([]string, rng.IntN(4))
		for i := range l {
			l[i] = pick()
		}
		return l
	}
	s := &graph.Snapshot{}
	for i := range 5 {
		s.Organizations = append(s.Organizations, graph.SnapOrganization{ID: "o" + strconv.Itoa(i), Name: pick()})
	}
	for i := range 400 {
		p := graph.SnapPerson{ID: "p" + strconv.Itoa(i), Name: pick() + " " + pick(), Title: pick(), Location: pick(),
			Tags: some(), Skills: some(), Needs: some()}
		for range rng.IntN(4) {
			j := graph.SnapJob{Org: int32(rng.IntN(7)) - 1} // -1 and 5: no such organisation
			if rng.IntN(3) == 0 {
				j.End = 1
			}
			p.Jobs = append(p.Jobs, j)
		}
		s.People = append(s.People, p)
	}
	net, err := analytics.NewNetwork(s, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	sub := func() string {
		if rng.IntN(4) == 0 {
			return ""
		}
		w := pick()
		if rng.IntN(2) == 0 {
			w = strings.ToUpper(w)
		}
		i := rng.IntN(len(w) + 1)
		return w[i:min(len(w), i+1+rng.IntN(4))]
	}
	for trial := range 500 {
		q := analytics.PersonQuery{Text: sub(), Title: sub(), Location: sub()}
		if rng.IntN(3) == 0 {
			q.Tag, q.Skill = pick(), pick()
		}
		if rng.IntN(3) == 0 {
			q.Org = "o" + strconv.Itoa(rng.IntN(6))
		}
		if got, want := net.Match(q), matchScan(s, q); !slices.Equal(got, want) {
			t.Fatalf("trial %d, %+v: got %v, want %v", trial, q, got, want)
		}
	}
	for o := range 6 {
		id := "o" + strconv.Itoa(o)
		for _, current := range []bool{true, false} {
			var want []int32
			for i, p := range s.People {
				if o < len(s.Organizations) && slices.ContainsFunc(p.Jobs, func(j graph.SnapJob) bool {
					return j.Org == int32(o) && (!current || j.End == 0)
				}) {
					want = append(want, int32(i))
				}
			}
			if got := net.PeopleAt(id, current); !slices.Equal(got, want) {
				t.Errorf("PeopleAt(%s, %v): got %v, want %v", id, current, got, want)
			}
		}
	}
}

// TestIntroPathsReuseWork asks in turn for more and more hops, which resizes
// the pooled work area each time: the sources of one question must not
// linger as sources of the next.
func TestIntroPathsReuseWork(t *testing.T) {
	net := edgesNet(t, "a-b b-c c-d d-e e-f f-g g-h h-i i-j j-k k-l")
	a, b := net.Index("a"), net.Index("b")
	for h := 1; h < analytics.MaxPathHops; h++ {
		net.IntroPaths([]int32{b}, a, analytics.PathOptions{MaxHops: h})
		if got := net.IntroPaths([]int32{a}, b, analytics.PathOptions{MaxHops: h + 1}); len(got) != 1 {
			t.Fatalf("%d hops: got %+v, want a-b", h+1, got)
		}
		if got := net.IntroPathsToAny([]int32{a}, []int32{b}, analytics.PathOptions{MaxHops: h + 1}); len(got) != 1 {
			t.Fatalf("%d hops, to any: got %+v, want a-b", h+1, got)
		}
	}
}
