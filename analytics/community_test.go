package analytics_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gonumgraph "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/analytics/synth"
	"github.com/nexohq/nexo/graph"
)

// synthNet is a planted-partition network and the planted communities.
func synthNet(tb testing.TB, p synth.Params) (*analytics.Network, []int32) {
	tb.Helper()
	_, planted := synth.Graph(p)
	net, err := analytics.NewNetwork(synth.Snapshot(p), time.Unix(1_800_000_000, 0), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return net, planted
}

// gonumQ is gonum's modularity of the circles of c: an independent check of
// c.Modularity.
func gonumQ(net *analytics.Network, c *analytics.Communities) float64 {
	comms := make([][]gonumgraph.Node, len(c.Circles))
	for i, circle := range c.Circles {
		for _, v := range circle.Members {
			comms[i] = append(comms[i], simple.Node(v))
		}
	}
	return community.Q(net.Gonum(), comms, c.Resolution)
}

// gonumLouvain is the modularity of gonum's own Louvain partition, the
// reference the engine is measured against.
func gonumLouvain(net *analytics.Network, resolution float64, seed uint64) float64 {
	red := community.Modularize(net.Gonum(), resolution, rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return community.Q(net.Gonum(), red.Communities(), resolution)
}

// nmi is the normalised mutual information 2 I(a; b) / (H(a) + H(b)) of two
// partitions (Danon et al. 2005): 1 when they are equal.
func nmi(a, b []int32) float64 {
	n := float64(len(a))
	ca, cb := map[int32]float64{}, map[int32]float64{}
	joint := map[[2]int32]float64{}
	for i := range a {
		ca[a[i]]++
		cb[b[i]]++
		joint[[2]int32{a[i], b[i]}]++
	}
	entropy := func(counts map[int32]float64) float64 {
		var h float64
		for _, c := range counts {
			h -= c / n * math.Log(c/n)
		}
		return h
	}
	var mi float64
	for k, c := range joint {
		mi += c / n * math.Log(c*n/(ca[k[0]]*cb[k[1]]))
	}
	if h := entropy(ca) + entropy(cb); h > 0 {
		return 2 * mi / h
	}
	return 1
}

// checkPartition checks what holds of any result: Of and Circles agree,
// circles are numbered by decreasing size, each is connected, and the
// reported modularity is the partition's, as gonum computes it.
func checkPartition(tb testing.TB, net *analytics.Network, c *analytics.Communities) {
	tb.Helper()
	seen := 0
	for id, circle := range c.Circles {
		if circle.ID != id || circle.Size != len(circle.Members) || circle.Size == 0 {
			tb.Fatalf("circle %d: got id %d, size %d of %d members", id, circle.ID, circle.Size, len(circle.Members))
		}
		if id > 0 && circle.Size > c.Circles[id-1].Size {
			tb.Errorf("circle %d is larger than circle %d", id, id-1)
		}
		for _, v := range circle.Members {
			if c.Of[v] != int32(id) {
				tb.Fatalf("person %d: Of says %d, listed in %d", v, c.Of[v], id)
			}
		}
		seen += circle.Size
		// Connected: a search from the first member within the circle
		// reaches them all.
		reached := map[int32]bool{circle.Members[0]: true}
		stack := []int32{circle.Members[0]}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, v := range net.Neighbors(u) {
				if c.Of[v] == int32(id) && !reached[v] {
					reached[v] = true
					stack = append(stack, v)
				}
			}
		}
		if len(reached) != circle.Size {
			tb.Errorf("circle %d: %d of %d members connected", id, len(reached), circle.Size)
		}
	}
	if seen != net.Len() || len(c.Of) != net.Len() {
		tb.Errorf("circles cover %d of %d people", seen, net.Len())
	}
	if q := net.Modularity(c.Of, c.Resolution); q != c.Modularity {
		tb.Errorf("got modularity %v, Modularity(of) %v", c.Modularity, q)
	}
	if q := gonumQ(net, c); math.Abs(q-c.Modularity) > 1e-9 {
		tb.Errorf("got modularity %v, gonum's Q %v", c.Modularity, q)
	}
}

// louvainCases are compared with gonum's Modularize over several seeds:
// the partition a seed gives depends on the node order, and the two
// engines draw their orders differently, so what is compared is the mean.
var louvainCases = []struct {
	name       string
	fixture    string
	synth      synth.Params
	resolution float64
	seeds      int
}{
	{name: "karate", fixture: "karate", resolution: 1, seeds: 20},
	{name: "karate-0.5", fixture: "karate", resolution: 0.5, seeds: 10},
	{name: "karate-2", fixture: "karate", resolution: 2, seeds: 10},
	{name: "florentine", fixture: "florentine", resolution: 1, seeds: 20},
	{name: "kite", fixture: "kite", resolution: 1, seeds: 20},
	{name: "islands", fixture: "islands", resolution: 1, seeds: 20},
	{name: "synth-mixing-0.15", synth: synth.Params{N: 500, Mixing: 0.15, Seed: 1}, resolution: 1, seeds: 2},
	{name: "synth-mixing-0.45", synth: synth.Params{N: 500, Mixing: 0.45, Seed: 2}, resolution: 1, seeds: 2},
}

func TestLouvainMatchesGonum(t *testing.T) {
	for _, tc := range louvainCases {
		t.Run(tc.name, func(t *testing.T) {
			var net *analytics.Network
			if tc.fixture != "" {
				net, _ = loadFixture(t, tc.fixture)
			} else {
				net, _ = synthNet(t, tc.synth)
			}
			var ours, theirs float64
			for seed := range uint64(tc.seeds) {
				c := net.Louvain(tc.resolution, seed+1)
				checkPartition(t, net, c)
				ours += c.Modularity
				theirs += gonumLouvain(net, tc.resolution, seed+1)
			}
			ours /= float64(tc.seeds)
			theirs /= float64(tc.seeds)
			if ours < 0.99*theirs {
				t.Errorf("got mean modularity %.6f, gonum's %.6f", ours, theirs)
			}
		})
	}
}

// Sparse graphs on which Louvain with seed 1 leaves a community in pieces
// for the engine to split; on sparseSplitMove the split then opens a better
// move for someone next to a piece.
var (
	sparseSplit     = synth.Params{N: 300, AvgDegree: 3, Mixing: 0.3, Seed: 16}
	sparseSplitMove = synth.Params{N: 1000, AvgDegree: 3, Mixing: 0.3, Seed: 24}
)

// TestLouvainLocalOptimum checks by brute force, with Modularity, that no
// person can raise Q by moving to a neighbour's circle or a circle of their
// own: the state Louvain's local moving ends in.
func TestLouvainLocalOptimum(t *testing.T) {
	karate, _ := loadFixture(t, "karate")
	mixed, _ := synthNet(t, synth.Params{N: 200, Mixing: 0.5, Seed: 3})
	sparse, _ := synthNet(t, sparseSplit)
	sparseMove, _ := synthNet(t, sparseSplitMove)
	for _, net := range []*analytics.Network{karate, mixed, sparse, sparseMove} {
		for _, tc := range []struct {
			res  float64
			seed uint64
		}{{0.5, 1}, {1, 1}, {2, 1}, {1, 5}} {
			c := net.Louvain(tc.res, tc.seed)
			of := slices.Clone(c.Of)
			fresh := int32(len(c.Circles))
			for v := range int32(net.Len()) {
				own := of[v]
				targets := []int32{fresh}
				for _, u := range net.Neighbors(v) {
					if !slices.Contains(targets, c.Of[u]) && c.Of[u] != own {
						targets = append(targets, c.Of[u])
					}
				}
				for _, to := range targets {
					of[v] = to
					if q := net.Modularity(of, tc.res); q > c.Modularity+1e-10 {
						t.Errorf("γ=%v seed %d: moving %s to circle %d raises Q from %v to %v",
							tc.res, tc.seed, net.ID(v), to, c.Modularity, q)
					}
				}
				of[v] = own
			}
		}
	}
}

// TestLouvainRecoversPlanted: on planted-partition graphs whose communities
// are clear (at least 55% of each person's ties inside), the partition found
// is the planted one or better by modularity, and close to it by NMI. The
// bound 0.95 is below what the engine reaches here (≥ 0.99; 0.98 on the
// 100k benchmark graph, where modularity's resolution limit merges some
// 20-person communities) and above what a wrong answer scores: singletons
// give about 0.5 on these graphs, merging pairs of communities about 0.85.
func TestLouvainRecoversPlanted(t *testing.T) {
	for _, mixing := range []float64{0.15, 0.3, 0.45} {
		t.Run(fmt.Sprint("mixing-", mixing), func(t *testing.T) {
			net, planted := synthNet(t, synth.Params{N: 3000, Mixing: mixing, Seed: 4})
			c := net.Louvain(1, 1)
			checkPartition(t, net, c)
			if got := nmi(c.Of, planted); got < 0.95 {
				t.Errorf("got NMI %.4f with the planted partition, want ≥ 0.95", got)
			}
			if want := net.Modularity(planted, 1); c.Modularity < want-1e-9 {
				t.Errorf("got modularity %.6f, planted partition's %.6f", c.Modularity, want)
			}
		})
	}
}

func TestLouvainDeterministic(t *testing.T) {
	p := synth.Params{N: 2000, Mixing: 0.4, Seed: 5}
	net, _ := synthNet(t, p)
	a := net.Louvain(1, 7)
	again, _ := synthNet(t, p)
	for _, b := range []*analytics.Communities{net.Louvain(1, 7), again.Louvain(1, 7)} {
		if !slices.Equal(a.Of, b.Of) || a.Modularity != b.Modularity {
			t.Errorf("seed 7: got modularity %v and %v, want equal partitions", a.Modularity, b.Modularity)
		}
	}
	if c := net.Communities(); c.Seed != analytics.DefaultSeed || !slices.Equal(c.Of, net.Louvain(1, analytics.DefaultSeed).Of) {
		t.Errorf("Communities: got seed %x, want Louvain(1, DefaultSeed)", c.Seed)
	}
}

func TestLouvainEdgeCases(t *testing.T) {
	circles := func(c *analytics.Communities) [][]int32 {
		var out [][]int32
		for _, circle := range c.Circles {
			out = append(out, circle.Members)
		}
		return out
	}
	t.Run("Empty", func(t *testing.T) {
		net, err := analytics.NewNetwork(&graph.Snapshot{}, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c := net.Louvain(1, 1); len(c.Of) != 0 || len(c.Circles) != 0 || c.Modularity != 0 {
			t.Errorf("got %+v, want nothing", c)
		}
	})
	t.Run("IsolatedOnly", func(t *testing.T) {
		net, err := analytics.NetworkFromEdges([]string{"a", "b", "c"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := net.Louvain(1, 1)
		if got, want := circles(c), [][]int32{{0}, {1}, {2}}; !slices.EqualFunc(got, want, slices.Equal) || c.Modularity != 0 {
			t.Errorf("got %v (Q %v), want %v (Q 0)", got, c.Modularity, want)
		}
	})
	t.Run("SingleEdge", func(t *testing.T) {
		net, err := analytics.NetworkFromEdges([]string{"x"}, []analytics.Edge{{Source: "a", Target: "b", Weight: 0.4}})
		if err != nil {
			t.Fatal(err)
		}
		c := net.Louvain(1, 1)
		checkPartition(t, net, c)
		// Together Q = 1 − 1 = 0; apart it would be −1/2.
		if got, want := circles(c), [][]int32{{1, 2}, {0}}; !slices.EqualFunc(got, want, slices.Equal) || c.Modularity != 0 {
			t.Errorf("got %v (Q %v), want %v (Q 0)", got, c.Modularity, want)
		}
	})
	t.Run("Components", func(t *testing.T) {
		net := edgesNet(t, "a-b b-c c-a d-e e-f f-d g-h")
		c := net.Louvain(1, 1)
		checkPartition(t, net, c)
		want := [][]int32{{0, 1, 2}, {3, 4, 5}, {6, 7}}
		if got := circles(c); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("SplitCircleInPieces", func(t *testing.T) {
		net, _ := synthNet(t, sparseSplit)
		checkPartition(t, net, net.Louvain(1, 1))
	})
	t.Run("ResolutionZero", func(t *testing.T) {
		// With γ = 0 nothing penalises size: each connected component is
		// one community.
		net, _ := synthNet(t, synth.Params{N: 300, AvgDegree: 1.5, Seed: 6})
		c := net.Louvain(0, 1)
		checkPartition(t, net, c)
		if got, want := len(c.Circles), len(topo.ConnectedComponents(net.Gonum())); got != want {
			t.Errorf("got %d circles, want the %d connected components", got, want)
		}
	})
}
