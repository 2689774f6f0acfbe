package analytics

import (
	"math/rand/v2"
	"slices"
)

// louvainGraph is one level of the Louvain hierarchy: a weighted undirected
// graph in CSR form whose nodes, above the first level, are the communities
// of the level below. k[i] is node i's strength, its self-loop included: the
// weight of the ties inside the community it stands for, counted from both
// ends. The self-loop itself is not stored, as no gain depends on it.
type louvainGraph struct {
	off []int32
	adj []int32
	w   []float64
	k   []float64
}

func (g *louvainGraph) len() int { return len(g.off) - 1 }

// maxSweeps bounds the sweeps of one local-moving phase. Every move raises
// Q by more than the rounding slack, so the phase ends on its own; the bound
// only guards against a pathological input.
const maxSweeps = 1000

// louvain returns a partition of g's nodes (community ids in [0, len)) that
// locally maximises modularity at resolution gamma: Blondel et al.'s
// unfolding, then the multi-level refinement of Rotta & Noack, then a split
// of any community that is not connected (and local moving again, should a
// split open a better move). rng orders the nodes.
func louvain(g *louvainGraph, gamma float64, rng *rand.Rand) []int32 {
	n := g.len()
	var m2 float64
	for _, k := range g.k {
		m2 += k
	}
	if m2 == 0 {
		return identity(n)
	}
	mv := newMover(n)
	levels := []*louvainGraph{g}
	var up [][]int32 // up[l][i]: the node of level l+1 that node i of level l joined
	for {
		comm := identity(g.len())
		if !mv.move(g, comm, shuffled(g.len(), rng), gamma, m2) {
			break
		}
		k := renumber(comm)
		up = append(up, comm)
		g = g.aggregate(comm, k, mv)
		levels = append(levels, g)
	}
	// Refinement: project the partition of each level onto the one below
	// and let single nodes move again there, where they are finer-grained.
	// Only moves that raise Q are taken, so Q does not go down.
	comm := identity(g.len())
	for l := len(up) - 1; l >= 0; l-- {
		below := up[l]
		for i, c := range below {
			below[i] = comm[c]
		}
		comm = below
		if l < len(up)-1 {
			mv.move(levels[l], comm, shuffled(len(comm), rng), gamma, m2)
		}
	}
	for range maxSweeps {
		var pieces bool
		if comm, pieces = splitDisconnected(levels[0], comm); !pieces {
			return comm
		}
		if !mv.move(levels[0], comm, shuffled(len(comm), rng), gamma, m2) {
			return comm
		}
	}
	comm, _ = splitDisconnected(levels[0], comm)
	return comm
}

// mover holds the scratch arrays of local moving, sized for the first level
// and reused on the coarser ones.
type mover struct {
	slot   []commSlot
	active []bool
	nbrs   []int32
	stamp  int64
}

// commSlot keeps together what a move reads of one community, so that
// looking a community up costs one cache line, not three.
type commSlot struct {
	tot   float64 // Σ_tot: the strengths of the members
	nw    float64 // weight of the ties from the node at hand into it
	stamp int64   // the visit nw belongs to
}

func newMover(n int) *mover {
	return &mover{slot: make([]commSlot, n), active: make([]bool, n)}
}

// move is Louvain's first phase: it visits g's nodes in order, moving each to
// the neighbouring community of greatest modularity gain if that gain is
// positive, and sweeps again until a sweep moves no one. comm (ids < g.len())
// is updated in place; move reports whether any node moved.
//
// Taking node i out of its community and putting it into C changes Q by
// (k_i,C − γ k_i Σ_tot,C / 2m) / m (see Louvain), so comparing
// k_i,C − γ k_i Σ_tot,C / 2m across the candidates (staying put included)
// picks the best move.
//
// A sweep after the first visits only the nodes a neighbour of which has
// left or joined their community since their last visit (the Louvain Prune
// of Ozaki, Tezuka & Inaba 2016, "A simple acceleration method for the
// Louvain algorithm", IJCEE 8(3)): the others' best move
// can have changed only through the Σ_tot of communities they are not in,
// which rarely tips the balance, and skipping them saves most of the sweeps
// on a large graph. When such a sweep moves no one, a full sweep confirms
// it, so that on return no single node can raise Q by moving.
func (mv *mover) move(g *louvainGraph, comm, order []int32, gamma, m2 float64) bool {
	n := g.len()
	slot, active := mv.slot[:n], mv.active[:n]
	for c := range slot {
		slot[c].tot = 0
	}
	for i, c := range comm {
		slot[c].tot += g.k[i]
	}
	scale := gamma / m2
	movedAny := false
	nActive := 0
	stamp := mv.stamp
	defer func() { mv.stamp = stamp }()
	for range maxSweeps {
		full := nActive == 0
		if full {
			for i := range active {
				active[i] = true
			}
			nActive = n
		}
		moves := 0
		for _, i := range order {
			if !active[i] {
				continue
			}
			active[i] = false
			nActive--
			ci, ki := comm[i], g.k[i]
			stamp++
			nbrs := mv.nbrs[:0]
			nb, ws := g.adj[g.off[i]:g.off[i+1]], g.w[g.off[i]:g.off[i+1]]
			for h, v := range nb {
				s := &slot[comm[v]]
				if s.stamp != stamp {
					s.stamp = stamp
					s.nw = 0
					nbrs = append(nbrs, comm[v])
				}
				s.nw += ws[h]
			}
			mv.nbrs = nbrs
			own := &slot[ci]
			own.tot -= ki
			stay := -scale * ki * own.tot
			if own.stamp == stamp {
				stay += own.nw
			}
			best, bestGain := ci, stay
			for _, c := range nbrs {
				s := &slot[c]
				if gain := s.nw - scale*ki*s.tot; gain > bestGain {
					best, bestGain = c, gain
				}
			}
			// A gain within rounding of staying is no gain: taking it could
			// cycle.
			if best != ci && bestGain-stay <= 1e-12*ki {
				best = ci
			}
			slot[best].tot += ki
			if best == ci {
				continue
			}
			comm[i] = best
			moves++
			for _, v := range nb {
				if comm[v] != best && !active[v] {
					active[v] = true
					nActive++
				}
			}
		}
		if moves == 0 && full {
			break
		}
		movedAny = movedAny || moves > 0
	}
	return movedAny
}

// aggregate is Louvain's second phase: the graph whose nodes are the k
// communities of comm (ids 0..k-1), with the weights between communities
// summed and the weight inside each kept in its strength.
func (g *louvainGraph) aggregate(comm []int32, k int, mv *mover) *louvainGraph {
	n := g.len()
	start := make([]int32, k+1)
	for _, c := range comm {
		start[c+1]++
	}
	for c := range k {
		start[c+1] += start[c]
	}
	members := make([]int32, n)
	fill := make([]int32, k)
	copy(fill, start[:k])
	for i, c := range comm {
		members[fill[c]] = int32(i)
		fill[c]++
	}
	ag := &louvainGraph{off: make([]int32, k+1), k: make([]float64, k),
		adj: make([]int32, 0, len(g.adj)/2), w: make([]float64, 0, len(g.adj)/2)}
	slot := mv.slot[:k]
	for c := range int32(k) {
		mv.stamp++
		stamp := mv.stamp
		nbrs := mv.nbrs[:0]
		for _, i := range members[start[c]:start[c+1]] {
			ag.k[c] += g.k[i]
			for h := g.off[i]; h < g.off[i+1]; h++ {
				d := comm[g.adj[h]]
				if d == c {
					continue
				}
				s := &slot[d]
				if s.stamp != stamp {
					s.stamp = stamp
					s.nw = 0
					nbrs = append(nbrs, d)
				}
				s.nw += g.w[h]
			}
		}
		for _, d := range nbrs {
			ag.adj = append(ag.adj, d)
			ag.w = append(ag.w, slot[d].nw)
		}
		ag.off[c+1] = int32(len(ag.adj))
		mv.nbrs = nbrs
	}
	return ag
}

// splitDisconnected gives each connected part of a community an id of its
// own, numbered by lowest node, and reports whether any community was in
// pieces. Louvain can leave one so (Traag et al. 2019, "From Louvain to
// Leiden"); splitting it into parts A and B with no tie between them raises
// Q by 2γ Σ_tot,A Σ_tot,B / (2m)², so the split is never worse.
func splitDisconnected(g *louvainGraph, comm []int32) ([]int32, bool) {
	n := g.len()
	out := make([]int32, n)
	for i := range out {
		out[i] = -1
	}
	var queue []int32
	next := int32(0)
	for s := range int32(n) {
		if out[s] >= 0 {
			continue
		}
		out[s] = next
		queue = append(queue[:0], s)
		for len(queue) > 0 {
			u := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			for _, v := range g.adj[g.off[u]:g.off[u+1]] {
				if out[v] < 0 && comm[v] == comm[s] {
					out[v] = next
					queue = append(queue, v)
				}
			}
		}
		next++
	}
	return out, int(next) != renumber(slices.Clone(comm))
}

// renumber relabels comm's communities 0..k-1 in order of their lowest
// node, and returns k.
func renumber(comm []int32) int {
	id := make([]int32, len(comm))
	for i := range id {
		id[i] = -1
	}
	k := int32(0)
	for i, c := range comm {
		if id[c] < 0 {
			id[c] = k
			k++
		}
		comm[i] = id[c]
	}
	return int(k)
}

func identity(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

func shuffled(n int, rng *rand.Rand) []int32 {
	s := identity(n)
	rng.Shuffle(n, func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}
