package analytics

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// Communities is a partition of the network into circles.
type Communities struct {
	// Of gives the circle of each person, indexing Circles.
	Of         []int32  `json:"of"`
	Circles    []Circle `json:"circles"`
	Modularity float64  `json:"modularity"`
	Resolution float64  `json:"resolution"`
	Seed       uint64   `json:"seed"`
}

// Circle is one community, labelled by what its members most have in common
// (see circleNames); labels are unique within a partition.
type Circle struct {
	ID    int    `json:"id"`
	Size  int    `json:"size"`
	Label string `json:"label"`
	// Basis says what Label names: one of the Basis constants, such as
	// BasisOrganization for "Acme" or BasisPerson for "Ana García's circle".
	Basis   string  `json:"label_basis"`
	Members []int32 `json:"-"`
}

// Communities returns the Louvain partition at resolution 1 with the
// network's seed, computed once and cached. A network made by Apply answers
// with the partition of the network it came from (adjusted: people added
// since are circles of their own) until its own is computed, by Settle or
// by a call to Communities on a network that carries none; Staleness says
// which one it is.
func (net *Network) Communities() *Communities {
	if c := net.comm.Load(); c != nil {
		return c
	}
	if net.carried != nil && net.carried.comm != nil {
		return net.carried.comm
	}
	return net.ownCommunities()
}

func (net *Network) ownCommunities() *Communities {
	net.commOnce.Do(func() { net.comm.Store(net.Louvain(1, net.seed)) })
	return net.comm.Load()
}

// Louvain partitions the network into communities by the Louvain method
// (Blondel et al. 2008, "Fast unfolding of communities in large networks",
// J. Stat. Mech. P10008), weighting ties by strength and maximising
//
//	Q = 1/2m Σ_ij [w_ij − γ k_i k_j / 2m] δ(c_i, c_j)
//
// where k_i is i's total strength, 2m = Σ_i k_i and γ the resolution.
// Starting from one community per person, it repeats two phases. Local
// moving visits the people in random order and moves each to the
// neighbouring community C that most raises Q, by
//
//	ΔQ = k_i,C / m − γ k_i Σ_tot,C / (2m²)
//
// (k_i,C the weight of i's ties into C, Σ_tot,C the total strength of C's
// members without i), as long as some move gains. Aggregation then turns
// each community into one node, with the ties between communities summed
// and those inside kept as a self-loop, and the phases run again on that
// graph until nothing moves. Going back down the levels, people and
// communities get one more round of local moving at each (the multi-level
// refinement of Rotta & Noack 2011, J. Exp. Algorithmics 16), and a
// community left in disconnected pieces is split into them; both only raise
// Q. No single person can then raise Q by changing circle. The work is O(m)
// per sweep, on flat arrays over the network's adjacency; after the first
// sweep only people whose neighbours changed circle are revisited (Ozaki et
// al. 2016).
//
// The random node order comes from a PCG generator seeded with seed, so
// equal inputs give equal partitions. Circles are numbered by decreasing
// size (then lowest member), and isolated people form circles of their own.
func (net *Network) Louvain(resolution float64, seed uint64) *Communities {
	n := net.Len()
	out := &Communities{Of: make([]int32, n), Resolution: resolution, Seed: seed}
	if n == 0 {
		return out
	}
	g := &louvainGraph{off: net.off, adj: net.adj, w: net.hw, k: net.wsum}
	of := louvain(g, resolution, rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)))
	k := 0
	for _, c := range of {
		k = max(k, int(c)+1)
	}
	groups := make([][]int32, k)
	for v, c := range of {
		groups[c] = append(groups[c], int32(v))
	}
	slices.SortFunc(groups, func(a, b []int32) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return cmp.Compare(a[0], b[0])
	})
	names, bases := net.circleNames(groups)
	for id, g := range groups {
		for _, v := range g {
			out.Of[v] = int32(id)
		}
		out.Circles = append(out.Circles, Circle{ID: id, Size: len(g), Members: g, Label: names[id], Basis: bases[id]})
	}
	out.Modularity = net.Modularity(out.Of, resolution)
	return out
}

// Modularity returns the weighted modularity Q (see Louvain) of the
// partition of, in O(n+m).
func (net *Network) Modularity(of []int32, resolution float64) float64 {
	var m2 float64
	k := 0
	for _, c := range of {
		k = max(k, int(c)+1)
	}
	in := make([]float64, k)
	tot := make([]float64, k)
	for u := range net.Len() {
		cu := of[u]
		for h := net.off[u]; h < net.off[u+1]; h++ {
			w := net.hw[h]
			m2 += w
			tot[cu] += w
			if of[net.adj[h]] == cu {
				in[cu] += w
			}
		}
	}
	if m2 == 0 {
		return 0
	}
	var q float64
	for c := range in {
		q += in[c]/m2 - resolution*(tot[c]/m2)*(tot[c]/m2)
	}
	return q
}

// CircleReach is a circle a person reaches through their contacts.
type CircleReach struct {
	Circle   int    `json:"circle"`
	Label    string `json:"label"`
	Contacts int    `json:"contacts"` // contacts of the person in that circle
}

// CirclesBridged returns the circles other than i's own in which i has
// contacts, most contacts first: what i bridges to ("bridges the Data
// Science circle").
func (net *Network) CirclesBridged(i int32) []CircleReach {
	c := net.Communities()
	own := c.Of[i]
	counts := map[int32]int{}
	for _, j := range net.Neighbors(i) {
		if c.Of[j] != own {
			counts[c.Of[j]]++
		}
	}
	out := make([]CircleReach, 0, len(counts))
	for ci, k := range counts {
		out = append(out, CircleReach{Circle: int(ci), Label: c.Circles[ci].Label, Contacts: k})
	}
	slices.SortFunc(out, func(a, b CircleReach) int {
		if c := cmp.Compare(b.Contacts, a.Contacts); c != 0 {
			return c
		}
		return cmp.Compare(a.Circle, b.Circle)
	})
	return out
}
