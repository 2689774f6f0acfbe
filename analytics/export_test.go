package analytics

import (
	"cmp"
	"math"
	"slices"
)

// NewNetworkFromEdgesForTest lets the external tests build from edge lists.
var NewNetworkFromEdgesForTest = NetworkFromEdges

// IntroPathsToAnyLayered is IntroPathsToAny done the straightforward way, for
// the tests to hold the search to: Bellman–Ford over every tie of the graph,
// one layer per tie of the walks (cost[v*L + r]: the cheapest walk from a
// source to v in exactly r ties, never entering a source), then every
// target's cheapest layer.
func (net *Network) IntroPathsToAnyLayered(sources, targets []int32, opt PathOptions) []IntroPath {
	opt = opt.withDefaults()
	n, L := net.Len(), opt.MaxHops+1
	cost := make([]float64, n*L)
	pred := make([]int32, n*L)
	for i := range cost {
		cost[i] = math.Inf(1)
	}
	source := make([]bool, n)
	for _, s := range sources {
		source[s] = true
		cost[int(s)*L] = 0
	}
	for r := 1; r < L; r++ {
		for x := range n {
			c := cost[x*L+r-1]
			for h := net.off[x]; h < net.off[x+1] && !math.IsInf(c, 1); h++ {
				v := int(net.adj[h])
				if d := c - math.Log(net.hw[h]); !source[v] && d < cost[v*L+r] {
					cost[v*L+r], pred[v*L+r] = d, int32(x)
				}
			}
		}
	}
	type hit struct {
		t    int32
		r    int
		cost float64
	}
	var hits []hit
	for _, t := range targets {
		if source[t] || slices.ContainsFunc(hits, func(h hit) bool { return h.t == t }) {
			continue
		}
		best := hit{t, -1, math.Inf(1)}
		for r := range L {
			if c := cost[int(t)*L+r]; c < best.cost {
				best.r, best.cost = r, c
			}
		}
		if best.r >= 0 {
			hits = append(hits, best)
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.t, b.t)) })
	var out []IntroPath
	for _, h := range hits[:min(len(hits), opt.K)] {
		walk := make([]int32, h.r+1)
		for v, r := h.t, h.r; r >= 0; r-- {
			walk[r] = v
			v = pred[int(v)*L+r]
		}
		out = append(out, net.explainPath(shortcut(walk)))
	}
	return out
}

// SetAnyBoundBudgetForTest sets how many ties IntroPathsToAny's backward pass
// may relax, and returns a function that restores the default.
func SetAnyBoundBudgetForTest(b int) (restore func()) {
	old := anyBoundBudget
	anyBoundBudget = b
	return func() { anyBoundBudget = old }
}
