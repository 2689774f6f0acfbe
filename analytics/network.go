package analytics

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nexohq/nexo/graph"
)

// DefaultSeed seeds the random choices of a Network (Louvain's node order,
// betweenness sampling) when Options.Seed is zero, so that the same snapshot
// always yields the same communities and estimates.
const DefaultSeed uint64 = 0x6e65786f // "nexo"

// Options tunes NewNetwork. The zero value (or nil) uses the defaults.
type Options struct {
	// Strength is the tie-strength model; zero fields take their defaults
	// from DefaultStrengthModel.
	Strength StrengthModel
	// Seed seeds Louvain and sampled betweenness; 0 means DefaultSeed.
	Seed uint64
	// Workers bounds the goroutines betweenness runs on; 0 means
	// GOMAXPROCS. A server keeping networks current leaves a core to
	// applying changes and answering.
	Workers int
}

// Network is an analysis-ready, read-only view of a graph.Snapshot: a compact
// (CSR) undirected adjacency with every tie's strength computed at build time.
// Build it once with NewNetwork and share it; all methods are safe for
// concurrent use. Person indexes are those of the snapshot.
type Network struct {
	snap  *graph.Snapshot
	now   time.Time
	model StrengthModel
	seed  uint64
	nwork int // Options.Workers

	// CSR adjacency: the neighbours of u are adj[off[u]:off[u+1]], sorted;
	// he gives the edge index of each half-edge, hw its strength and hc its
	// path cost −ln hw.
	off []int32
	adj []int32
	he  []int32
	hw  []float64
	hc  []float64

	// Edges (merged ties) with ea[e] < eb[e]; etie is the first snapshot tie
	// of the edge, dups the further ones merged into it; tieEdge is the edge
	// of each snapshot tie (-1 for a self-loop).
	ea, eb   []int32
	etie     []int32
	dups     map[int32][]int32
	tieEdge  []int32
	strength []float64

	// Events of edge e, sorted by time: evIdx[evOff[e]:evOff[e+1]] index
	// snap.Events.
	evOff []int32
	evIdx []int32

	wsum []float64 // Σ_j w_ij
	wmax []float64 // max_j w_ij

	commOnce sync.Once
	comm     atomic.Pointer[Communities]
	btwOnce  sync.Once
	btw      atomic.Pointer[BetweennessResult]
	orgOnce  sync.Once
	orgByID  map[string]int32

	peopleOnce sync.Once
	people     atomic.Pointer[peopleIndex]

	// carried holds the communities and betweenness of the network this
	// one was derived from by Apply, until this one's own are computed.
	carried *carried
	// canonical is set when the snapshot is known to be in canonical
	// order (see graph.Snapshot), which Apply needs; but the interactions
	// after interSorted, and their events, which Apply's fast path appends.
	canonical   atomic.Bool
	interSorted int
	// The lineage's claims on the spare capacity of the interactions' and
	// events' arrays (see appendOwned).
	interTail, eventTail *tail
}

// NewNetwork builds the Network of s as seen at time now (the reference for
// recency and dormancy). opt may be nil.
//
// The snapshot's ties are treated as undirected. Self-loops are dropped (a
// tie with oneself carries no information about the network) and duplicate
// ties between the same two people are merged into one: their events are
// pooled, the largest manual override wins, the earliest Since counts.
// A tie or event that refers to a person or tie outside the snapshot is an
// EINVALID error.
func NewNetwork(s *graph.Snapshot, now time.Time, opt *Options) (*Network, error) {
	if opt == nil {
		opt = &Options{}
	}
	n := len(s.People)
	if n > math.MaxInt32-1 {
		return nil, graph.Errorf(graph.ETOOLARGE, "A network of %d people is too large.", n)
	}
	net := &Network{snap: s, now: now, model: opt.Strength.withDefaults(), seed: opt.Seed, nwork: opt.Workers}
	if net.seed == 0 {
		net.seed = DefaultSeed
	}
	for i, t := range s.Ties {
		if t.A < 0 || int(t.A) >= n || t.B < 0 || int(t.B) >= n {
			return nil, graph.Errorf(graph.EINVALID, "Tie %d refers to a person outside the snapshot.", i)
		}
		if t.Override < 0 || t.Override > 1 || math.IsNaN(t.Override) {
			return nil, graph.Errorf(graph.EINVALID, "Tie %d has strength %g outside (0, 1].", i, t.Override)
		}
	}
	for i, e := range s.Events {
		if e.Tie < 0 || int(e.Tie) >= len(s.Ties) {
			return nil, graph.Errorf(graph.EINVALID, "Event %d refers to a tie outside the snapshot.", i)
		}
	}
	net.build(nil)
	net.interSorted = len(s.Interactions)
	net.interTail, net.eventTail = newTail(len(s.Interactions)), newTail(len(s.Events))
	return net, nil
}

// build computes the adjacency, the events of each edge and the strengths;
// reuse, when set, gives for each snapshot tie a strength still valid (NaN:
// compute it).
func (net *Network) build(reuse []float64) {
	net.tieEdge = net.buildAdjacency()
	net.indexEvents(net.tieEdge)
	net.computeStrengths(reuse)
}

// buildAdjacency fills the CSR arrays and the edge list, and returns the edge
// of every snapshot tie (-1 for self-loops).
func (net *Network) buildAdjacency() []int32 {
	s := net.snap
	n := len(s.People)
	deg := make([]int32, n+1)
	for _, t := range s.Ties {
		if t.A != t.B {
			deg[t.A]++
			deg[t.B]++
		}
	}
	off := make([]int32, n+1)
	for u := 0; u < n; u++ {
		off[u+1] = off[u] + deg[u]
	}
	// Pack (neighbour, tie) so that sorting a segment orders neighbours and,
	// among duplicates, ties by index.
	packed := make([]uint64, off[n])
	fill := slices.Clone(off[:n])
	for i, t := range s.Ties {
		if t.A == t.B {
			continue
		}
		packed[fill[t.A]] = uint64(t.B)<<32 | uint64(i)
		fill[t.A]++
		packed[fill[t.B]] = uint64(t.A)<<32 | uint64(i)
		fill[t.B]++
	}
	parallelFor(n, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			slices.Sort(packed[off[u]:off[u+1]])
		}
	})
	tieEdge := make([]int32, len(s.Ties))
	for i := range tieEdge {
		tieEdge[i] = -1
	}
	// Compact duplicates away.
	net.off = make([]int32, n+1)
	adj := make([]int32, 0, len(packed))
	for u := 0; u < n; u++ {
		seg := packed[off[u]:off[u+1]]
		for i, p := range seg {
			v := int32(p >> 32)
			if i > 0 && int32(seg[i-1]>>32) == v {
				continue
			}
			adj = append(adj, v)
		}
		net.off[u+1] = int32(len(adj))
	}
	net.adj = adj
	m := len(adj) / 2
	net.he = make([]int32, len(adj))
	net.ea = make([]int32, 0, m)
	net.eb = make([]int32, 0, m)
	net.etie = make([]int32, 0, m)
	// Neighbours below u come first in u's segment and are met in ascending
	// order as u grows, so lower[v] is where v's next lower neighbour goes.
	lower := slices.Clone(net.off[:n])
	for u := 0; u < n; u++ {
		seg := packed[off[u]:off[u+1]]
		k := net.off[u]
		for i := 0; i < len(seg); {
			v := int32(seg[i] >> 32)
			j := i + 1
			for j < len(seg) && int32(seg[j]>>32) == v {
				j++
			}
			if v > int32(u) {
				e := int32(len(net.ea))
				net.ea = append(net.ea, int32(u))
				net.eb = append(net.eb, v)
				first := int32(uint32(seg[i]))
				net.etie = append(net.etie, first)
				for _, p := range seg[i:j] {
					tieEdge[uint32(p)] = e
				}
				if j-i > 1 {
					if net.dups == nil {
						net.dups = make(map[int32][]int32)
					}
					for _, p := range seg[i+1 : j] {
						net.dups[e] = append(net.dups[e], int32(uint32(p)))
					}
				}
				net.he[k] = e
				net.he[lower[v]] = e
				lower[v]++
			}
			k++
			i = j
		}
	}
	return tieEdge
}

// indexEvents groups the snapshot's events by edge, each group sorted by time.
func (net *Network) indexEvents(tieEdge []int32) {
	m := len(net.ea)
	net.evOff = make([]int32, m+1)
	for _, ev := range net.snap.Events {
		if e := tieEdge[ev.Tie]; e >= 0 {
			net.evOff[e+1]++
		}
	}
	for e := 0; e < m; e++ {
		net.evOff[e+1] += net.evOff[e]
	}
	net.evIdx = make([]int32, net.evOff[m])
	fill := slices.Clone(net.evOff[:m])
	for i, ev := range net.snap.Events {
		if e := tieEdge[ev.Tie]; e >= 0 {
			net.evIdx[fill[e]] = int32(i)
			fill[e]++
		}
	}
	parallelFor(m, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			net.sortEvents(net.evIdx[net.evOff[e]:net.evOff[e+1]])
		}
	})
}

// sortEvents orders the events of one edge by time, and events at the same
// time by the id of their interaction (or their index, in a snapshot that
// lists no interactions): the order a snapshot loaded afresh gives them,
// wherever Apply has put them in the array.
func (net *Network) sortEvents(seg []int32) {
	if len(seg) < 2 {
		return
	}
	evs, ins := net.snap.Events, net.snap.Interactions
	slices.SortStableFunc(seg, func(a, b int32) int {
		if c := compareInt64(evs[a].At, evs[b].At); c != 0 {
			return c
		}
		if x, y := evs[a].Interaction, evs[b].Interaction; int(x) < len(ins) && int(y) < len(ins) && x >= 0 && y >= 0 {
			if c := strings.Compare(ins[x].ID, ins[y].ID); c != 0 {
				return c
			}
		}
		return compareInt64(int64(a), int64(b))
	})
}

func (net *Network) computeStrengths(reuse []float64) {
	m := len(net.ea)
	net.strength = make([]float64, m)
	parallelFor(m, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			if reuse != nil && net.dups[int32(e)] == nil {
				if w := reuse[net.etie[e]]; !math.IsNaN(w) {
					net.strength[e] = w
					continue
				}
			}
			st := net.tieStats(int32(e), net.now.Unix(), false)
			net.strength[e] = net.model.strength(&st)
		}
	})
	cost := make([]float64, m)
	parallelFor(m, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			cost[e] = -math.Log(net.strength[e])
		}
	})
	net.hw = make([]float64, len(net.adj))
	net.hc = make([]float64, len(net.adj))
	for h, e := range net.he {
		net.hw[h] = net.strength[e]
		net.hc[h] = cost[e]
	}
	n := net.Len()
	net.wsum = make([]float64, n)
	net.wmax = make([]float64, n)
	for u := 0; u < n; u++ {
		for h := net.off[u]; h < net.off[u+1]; h++ {
			net.wsum[u] += net.hw[h]
			net.wmax[u] = max(net.wmax[u], net.hw[h])
		}
	}
}

// Snapshot returns the snapshot the network was built from. It must not be
// modified.
func (net *Network) Snapshot() *graph.Snapshot { return net.snap }

// Now returns the time the network's strengths and dormancy refer to.
func (net *Network) Now() time.Time { return net.now }

// Len returns the number of people (nodes), isolated ones included.
func (net *Network) Len() int { return len(net.off) - 1 }

// NumTies returns the number of ties (edges) after merging duplicates and
// dropping self-loops.
func (net *Network) NumTies() int { return len(net.ea) }

// Index returns the index of the person with the given id, or -1.
func (net *Network) Index(id string) int32 { return net.snap.Index(id) }

// ID returns the id of person i.
func (net *Network) ID(i int32) string { return net.snap.People[i].ID }

// Name returns the name of person i, or the id when the name is empty.
func (net *Network) Name(i int32) string {
	if p := &net.snap.People[i]; p.Name != "" {
		return p.Name
	}
	return net.snap.People[i].ID
}

// Degree returns the number of people i has a tie with.
func (net *Network) Degree(i int32) int { return int(net.off[i+1] - net.off[i]) }

// Neighbors returns the people i has a tie with, in increasing index order.
// The slice must not be modified.
func (net *Network) Neighbors(i int32) []int32 { return net.adj[net.off[i]:net.off[i+1]] }

// Tie returns the endpoints (a < b) and strength of tie e, 0 <= e < NumTies.
func (net *Network) Tie(e int) (a, b int32, strength float64) {
	return net.ea[e], net.eb[e], net.strength[e]
}

// TieBetween returns the index of the tie between a and b, or -1.
func (net *Network) TieBetween(a, b int32) int {
	if a < 0 || b < 0 || int(a) >= net.Len() || int(b) >= net.Len() {
		return -1
	}
	if net.Degree(a) > net.Degree(b) {
		a, b = b, a
	}
	seg := net.Neighbors(a)
	if k, ok := slices.BinarySearch(seg, b); ok {
		return int(net.he[int(net.off[a])+k])
	}
	return -1
}

// Strength returns the strength of the tie between a and b, and whether
// there is one.
func (net *Network) Strength(a, b int32) (float64, bool) {
	if e := net.TieBetween(a, b); e >= 0 {
		return net.strength[e], true
	}
	return 0, false
}

// sharedNeighbors counts the people tied to both a and b.
func (net *Network) sharedNeighbors(a, b int32) int {
	x, y := net.Neighbors(a), net.Neighbors(b)
	c, i, j := 0, 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] < y[j]:
			i++
		case x[i] > y[j]:
			j++
		default:
			c++
			i++
			j++
		}
	}
	return c
}

// org returns the index of the organisation with the given id, or -1.
func (net *Network) org(id string) int32 {
	net.orgOnce.Do(func() {
		net.orgByID = make(map[string]int32, len(net.snap.Organizations))
		for i, o := range net.snap.Organizations {
			net.orgByID[o.ID] = int32(i)
		}
	})
	if i, ok := net.orgByID[id]; ok {
		return i
	}
	return -1
}

// workers returns how many goroutines the costly computations may use.
func (net *Network) workers() int {
	if net.nwork > 0 {
		return min(net.nwork, runtime.GOMAXPROCS(0))
	}
	return runtime.GOMAXPROCS(0)
}

// parallelFor calls fn on contiguous chunks of [0, n) from GOMAXPROCS
// goroutines and waits for them.
func parallelFor(n int, fn func(lo, hi int)) { parallelForN(n, runtime.GOMAXPROCS(0), fn) }

// parallelForN is parallelFor with at most workers goroutines.
func parallelForN(n, workers int, fn func(lo, hi int)) {
	workers = max(1, min(workers, runtime.GOMAXPROCS(0)))
	if n < 1024 || workers == 1 {
		fn(0, n)
		return
	}
	chunk := (n + workers*8 - 1) / (workers * 8)
	var next int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := int(next)
				next += int64(chunk)
				mu.Unlock()
				if lo >= n {
					return
				}
				fn(lo, min(lo+chunk, n))
			}
		}()
	}
	wg.Wait()
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkPerson panics with a clear message on an index outside the network;
// callers resolve ids with Index first.
func (net *Network) checkPerson(i int32) {
	if i < 0 || int(i) >= net.Len() {
		panic(fmt.Sprintf("analytics: person index %d out of range [0, %d)", i, net.Len()))
	}
}

type (
	graphPerson = graph.SnapPerson
	graphJob    = graph.SnapJob
)
