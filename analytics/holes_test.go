package analytics_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nexohq/nexo/analytics"
)

// TestStructuralHolesMatchesDefinition holds StructuralHoles, which gathers
// its sums triangle by triangle on every core, to Burt's formulas evaluated
// one person at a time, on a graph large enough to be split among workers:
// clustered circles, random ties across, a hub who knows a fifth of
// everyone, isolated people and random strengths.
func TestStructuralHolesMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 3000
	w := make([]map[int]float64, n)
	for i := range w {
		w[i] = map[int]float64{}
	}
	link := func(a, b int) {
		if a != b && w[a][b] == 0 {
			s := 0.05 + 0.95*rng.Float64()
			w[a][b], w[b][a] = s, s
		}
	}
	for i := 10; i < n; i++ { // 0–9 stay isolated
		circle := i / 30 * 30
		for range 4 {
			link(i, max(10, circle+rng.IntN(30)))
		}
		link(i, 10+rng.IntN(n-10))
		if rng.IntN(5) == 0 {
			link(i, 10) // the hub
		}
	}
	var edges []analytics.Edge
	nodes := make([]string, n)
	for i := range n {
		nodes[i] = "v" + strconv.Itoa(i)
	}
	for i := range n {
		for j, s := range w[i] {
			if i < j {
				edges = append(edges, analytics.Edge{Source: nodes[i], Target: nodes[j], Weight: s})
			}
		}
	}
	net, err := analytics.NewNetworkFromEdgesForTest(nodes, edges)
	if err != nil {
		t.Fatal(err)
	}
	got := net.StructuralHoles()

	// Burt (1992) directly: p_ij = w_ij / Σ_k w_ik, m_jq = w_jq / max_k w_jk.
	want := func(i int, weighted bool) (constraint, effSize, hierarchy float64) {
		wt := func(a, b int) float64 {
			if !weighted {
				return 1
			}
			return w[a][b]
		}
		p := func(a, b int) float64 {
			var sum float64
			for k := range w[a] {
				sum += wt(a, k)
			}
			return wt(a, b) / sum
		}
		var cs []float64
		for j := range w[i] {
			ind, red := 0.0, 0.0
			var mx float64
			for k := range w[j] {
				mx = math.Max(mx, wt(j, k))
			}
			for q := range w[i] {
				if _, ok := w[j][q]; ok && q != j {
					ind += p(i, q) * p(q, j)
					red += p(i, q) * wt(j, q) / mx
				}
			}
			c := (p(i, j) + ind) * (p(i, j) + ind)
			cs = append(cs, c)
			constraint += c
			effSize += 1 - red
		}
		k := float64(len(cs))
		for _, c := range cs {
			r := c / (constraint / k)
			hierarchy += r * math.Log(r)
		}
		return constraint, effSize, hierarchy / (k * math.Log(k))
	}
	for i := range n {
		v := net.Index(nodes[i])
		h := got[v]
		if len(w[i]) == 0 {
			if h.Constraint.Valid() || h.EffectiveSizeWeighted.Valid() {
				t.Errorf("%s is isolated: got %+v, want NaN measures", nodes[i], h)
			}
			continue
		}
		for _, weighted := range []bool{false, true} {
			c, e, hier := want(i, weighted)
			gc, ge, gh := h.Constraint, h.EffectiveSize, h.Hierarchy
			if weighted {
				gc, ge, gh = h.ConstraintWeighted, h.EffectiveSizeWeighted, h.HierarchyWeighted
			}
			if math.Abs(float64(gc)-c) > 1e-9 || math.Abs(float64(ge)-e) > 1e-9 ||
				len(w[i]) > 1 && math.Abs(float64(gh)-hier) > 1e-9 {
				t.Fatalf("%s (degree %d/%d, weighted %v): got constraint %v, effective size %v, hierarchy %v; want %v, %v, %v",
					nodes[i], len(w[i]), h.Degree, weighted, gc, ge, gh, c, e, hier)
			}
		}
	}
	if d := got[net.Index("v10")].Degree; d < n/6 {
		t.Fatalf("the hub has degree %d; the test wants one above %d", d, n/6)
	}
}
