// Package synth generates synthetic professional networks with community
// structure, for benchmarks and comparisons with other libraries. It is
// deterministic: equal parameters give equal graphs.
package synth

import (
	"math/rand/v2"
	"strconv"

	"github.com/nexohq/nexo/graph"
)

// Params describes a planted-partition graph: N people in communities of
// MinCommunity..MaxCommunity people (uniform), AvgDegree ties per person on
// average, of which the fraction Mixing leave the community.
type Params struct {
	N            int
	AvgDegree    float64
	MinCommunity int
	MaxCommunity int
	Mixing       float64
	Seed         uint64
}

// Defaults for Params fields left zero.
const (
	DefaultAvgDegree    = 20
	DefaultMinCommunity = 20
	DefaultMaxCommunity = 200
	DefaultMixing       = 0.15
)

// Edge is a generated tie between people A < B with strength W in (0, 1].
type Edge struct {
	A, B int32
	W    float64
}

// Graph generates the ties of a planted-partition graph and returns them
// with the community of every person. Ties within a community are stronger
// on average (W in [0.2, 1]) than ties across (W in [0.05, 0.5]), as in
// Granovetter's picture.
func Graph(p Params) (edges []Edge, community []int32) {
	if p.AvgDegree <= 0 {
		p.AvgDegree = DefaultAvgDegree
	}
	if p.MinCommunity <= 0 {
		p.MinCommunity = DefaultMinCommunity
	}
	if p.MaxCommunity < p.MinCommunity {
		p.MaxCommunity = max(DefaultMaxCommunity, p.MinCommunity)
	}
	if p.Mixing <= 0 {
		p.Mixing = DefaultMixing
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0x73796e7468))
	community = make([]int32, p.N)
	var starts []int32
	for i, c := 0, int32(0); i < p.N; c++ {
		size := p.MinCommunity + rng.IntN(p.MaxCommunity-p.MinCommunity+1)
		size = min(size, p.N-i)
		starts = append(starts, int32(i))
		for j := 0; j < size; j++ {
			community[i+j] = c
		}
		i += size
	}
	starts = append(starts, int32(p.N))
	m := int(float64(p.N) * p.AvgDegree / 2)
	seen := make(map[uint64]struct{}, m)
	edges = make([]Edge, 0, m)
	for tries := 0; len(edges) < m && tries < 4*m; tries++ {
		u := int32(rng.IntN(p.N))
		var v int32
		inside := rng.Float64() >= p.Mixing
		if inside {
			c := community[u]
			lo, hi := starts[c], starts[c+1]
			v = lo + int32(rng.IntN(int(hi-lo)))
		} else {
			v = int32(rng.IntN(p.N))
		}
		if u == v {
			continue
		}
		a, b := min(u, v), max(u, v)
		key := uint64(a)<<32 | uint64(b)
		if _, dup := seen[key]; dup {
			continue
		}
		seen[key] = struct{}{}
		var w float64
		if community[a] == community[b] {
			w = 0.2 + 0.8*rng.Float64()
		} else {
			w = 0.05 + 0.45*rng.Float64()
		}
		w = float64(int(w*1000+0.5)) / 1000 // three decimals, exact in CSV
		edges = append(edges, Edge{a, b, w})
	}
	return edges, community
}

// Snapshot returns the generated graph as a snapshot whose ties carry their
// strength as a manual override. People are named p0, p1, ...; each works at
// the organisation of their community ("org-<c>") and is tagged with it.
func Snapshot(p Params) *graph.Snapshot {
	edges, community := Graph(p)
	s := &graph.Snapshot{WorkspaceID: "synth"}
	orgs := 0
	for _, c := range community {
		orgs = max(orgs, int(c)+1)
	}
	for c := 0; c < orgs; c++ {
		id := "org-" + strconv.Itoa(c)
		s.Organizations = append(s.Organizations, graph.SnapOrganization{ID: id, Name: id})
	}
	s.People = make([]graph.SnapPerson, len(community))
	for i, c := range community {
		id := "p" + strconv.Itoa(i)
		s.People[i] = graph.SnapPerson{ID: id, Name: id, Tags: []string{"circle-" + strconv.Itoa(int(c))},
			Jobs: []graph.SnapJob{{Org: c}}}
	}
	s.Ties = make([]graph.SnapTie, len(edges))
	for i, e := range edges {
		s.Ties[i] = graph.SnapTie{A: e.A, B: e.B, Override: e.W, Source: graph.TieImported}
	}
	return s
}
