package analytics

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// AutoExactWork is the size, n·m (people × ties), up to which Betweenness
// computes betweenness exactly. Exact Brandes costs O(n·m); sampling costs
// about r ≈ 2.5·10⁴ bidirectional searches at the default ε whatever the
// size. Measured on the 2-core reference machine (scripts/bench, graphs of
// average degree 20): at n·m = 10⁷ (1,000 people) exact took 0.2 s and
// sampling 0.25 s; at n·m = 10⁹ (10,000 people) exact took tens of seconds
// and sampling about 1 s. The crossover where exact stays near a second is
// about n·m = 10⁸ (some 3,000 people with 30,000 ties).
var AutoExactWork = 1e8

// Default accuracy of sampled betweenness: with probability at least
// 1-DefaultDelta every normalised estimate is within DefaultEpsilon.
const (
	DefaultEpsilon = 0.01
	DefaultDelta   = 0.1
)

// BetweennessResult holds betweenness centrality per person. Values count
// each unordered pair of endpoints once (unnormalised); Normalized divides
// by (n-1)(n-2)/2, the number of pairs not involving the person.
type BetweennessResult struct {
	Values     []float64 `json:"values"`
	Normalized []float64 `json:"normalized"`
	Exact      bool      `json:"exact"`
	// Samples, Epsilon and Delta describe a sampled result: with
	// probability at least 1-Delta, |Normalized[v]·(n-2)/n − true| ≤ Epsilon
	// for every v at once.
	Samples int     `json:"samples,omitempty"`
	Epsilon float64 `json:"epsilon,omitempty"`
	Delta   float64 `json:"delta,omitempty"`
}

func newBetweennessResult(values []float64, exact bool) *BetweennessResult {
	n := len(values)
	norm := make([]float64, n)
	if n > 2 {
		scale := 2 / (float64(n-1) * float64(n-2))
		for i, v := range values {
			norm[i] = v * scale
		}
	} else {
		copy(norm, values)
	}
	return &BetweennessResult{Values: values, Normalized: norm, Exact: exact}
}

// Betweenness returns the shortest-path (hop count) betweenness of every
// person, cached after the first call: exact when n·m ≤ AutoExactWork,
// otherwise sampled with DefaultEpsilon and DefaultDelta. Like Communities,
// a network made by Apply answers with the carried result of the network it
// came from until its own is computed.
func (net *Network) Betweenness() *BetweennessResult {
	if b := net.btw.Load(); b != nil {
		return b
	}
	if net.carried != nil && net.carried.btw != nil {
		return net.carried.btw
	}
	return net.ownBetweenness()
}

func (net *Network) ownBetweenness() *BetweennessResult {
	net.btwOnce.Do(func() {
		if float64(net.Len())*float64(net.NumTies()) <= AutoExactWork {
			net.btw.Store(net.BetweennessExact())
		} else {
			net.btw.Store(net.BetweennessSampled(DefaultEpsilon, DefaultDelta, net.seed))
		}
	})
	return net.btw.Load()
}

// BetweennessExact computes betweenness centrality with Brandes' algorithm
// (Brandes 2001, "A faster algorithm for betweenness centrality", J. Math.
// Sociol. 25(2)) on the unweighted graph, one breadth-first search per
// source, the sources shared among GOMAXPROCS workers:
//
//	C_B(v) = Σ_{s<t, s≠v≠t} σ_st(v) / σ_st
//
// where σ_st is the number of shortest s–t paths and σ_st(v) those through
// v. Each unordered pair counts once, as in NetworkX with normalized=False
// (gonum's network.Betweenness counts it twice). Time O(n·m), memory O(n)
// per worker.
func (net *Network) BetweennessExact() *BetweennessResult {
	n := net.Len()
	partial := net.brandesWorkers(n, n, func(b *brandes, s int) { net.brandesFrom(b, int32(s)) })
	values := make([]float64, n)
	for _, p := range partial {
		for i, v := range p {
			values[i] += v
		}
	}
	for i := range values {
		values[i] /= 2
	}
	return newBetweennessResult(values, true)
}

// brandesWorkers calls fn for tasks 0..tasks-1 from the network's workers
// (Options.Workers), each with its own scratch space of n nodes, and
// returns their b.bc.
func (net *Network) brandesWorkers(n, tasks int, fn func(b *brandes, task int)) [][]float64 {
	workers := max(min(net.workers(), tasks), 1)
	partial := make([][]float64, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := newBrandes(n)
			for {
				t := int(next.Add(1) - 1)
				if t >= tasks {
					break
				}
				fn(b, t)
			}
			partial[w] = b.bc
		}()
	}
	wg.Wait()
	return partial
}

type brandes struct {
	dist  []int32
	sigma []float64
	delta []float64
	order []int32
	bc    []float64
	dag   [][2]int32
	// for samplePath
	side         []int8
	fu, fv, next []int32
	meet         [][2]int32
}

func newBrandes(n int) *brandes {
	b := &brandes{
		dist:  make([]int32, n),
		sigma: make([]float64, n),
		delta: make([]float64, n),
		order: make([]int32, 0, n),
		bc:    make([]float64, n),
	}
	for i := range b.dist {
		b.dist[i] = -1
	}
	return b
}

// brandesFrom adds the dependencies of source s to b.bc. The forward
// search records the ties of the shortest-path DAG in discovery order; the
// backward pass walks them in reverse, which visits a node's successors
// before the node itself, so it reads only DAG ties instead of rescanning
// the adjacency.
func (net *Network) brandesFrom(b *brandes, s int32) {
	off, adj := net.off, net.adj
	dist, sigma, delta := b.dist, b.sigma, b.delta
	order := b.order[:0]
	dag := b.dag[:0]
	dist[s] = 0
	sigma[s] = 1
	order = append(order, s)
	for i := 0; i < len(order); i++ {
		v := order[i]
		dv := dist[v] + 1
		sv := sigma[v]
		for _, w := range adj[off[v]:off[v+1]] {
			dw := dist[w]
			if dw < 0 {
				dist[w] = dv
				dw = dv
				order = append(order, w)
			}
			if dw == dv {
				sigma[w] += sv
				dag = append(dag, [2]int32{v, w})
			}
		}
	}
	for i := len(dag) - 1; i >= 0; i-- {
		v, w := dag[i][0], dag[i][1]
		delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
	}
	bc := b.bc
	for _, v := range order[1:] {
		bc[v] += delta[v]
	}
	for _, v := range order {
		dist[v] = -1
		sigma[v] = 0
		delta[v] = 0
	}
	b.order = order
	b.dag = dag
}

// BetweennessSampled estimates betweenness by sampling shortest paths
// (Riondato & Kornaropoulos 2016, "Fast approximation of betweenness
// centrality through sampling", Data Min. Knowl. Disc. 30(2)). It draws
//
//	r = ⌈(c/ε²) (⌊log₂(VD−2)⌋ + 1 + ln(1/δ))⌉,  c = 0.5,
//
// pairs (u, v) uniformly, picks one shortest u–v path uniformly at random
// and adds 1/r to each of its interior nodes. VD, the vertex diameter, is
// bounded above by 2·ecc+1 from one breadth-first search per connected
// component. With probability at least 1-δ every estimate b̃(v) is within ε
// of the normalised betweenness
//
//	b(v) = 1/(n(n−1)) Σ_{u≠w} σ_uw(v)/σ_uw,
//
// so Values = b̃ · n(n−1)/2 are within ε·n(n−1)/2 of the exact unnormalised
// values. Each sample uses its own generator seeded by (seed, sample index),
// so the result does not depend on the number of workers.
func (net *Network) BetweennessSampled(epsilon, delta float64, seed uint64) *BetweennessResult {
	n := net.Len()
	if n < 3 || epsilon <= 0 || delta <= 0 || delta >= 1 {
		return newBetweennessResult(make([]float64, n), true)
	}
	vd := net.vertexDiameterBound()
	r := SampleSize(vd, epsilon, delta)
	partial := net.brandesWorkers(n, r, func(b *brandes, i int) {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		u := int32(rng.IntN(n))
		v := int32(rng.IntN(n - 1))
		if v >= u {
			v++
		}
		net.samplePath(b, u, v, rng)
	})
	values := make([]float64, n)
	scale := float64(n) * float64(n-1) / 2 / float64(r)
	for _, p := range partial {
		for i, c := range p {
			values[i] += c
		}
	}
	for i := range values {
		values[i] *= scale
	}
	res := newBetweennessResult(values, false)
	res.Samples, res.Epsilon, res.Delta = r, epsilon, delta
	return res
}

// SampleSize returns the number of samples Riondato & Kornaropoulos (2016)
// need for accuracy epsilon with probability 1-delta on a graph of vertex
// diameter at most vd.
func SampleSize(vd int, epsilon, delta float64) int {
	lg := 0.0
	if vd > 3 {
		lg = math.Floor(math.Log2(float64(vd - 2)))
	}
	return int(math.Ceil(0.5 / (epsilon * epsilon) * (lg + 1 + math.Log(1/delta))))
}

// samplePath draws one shortest u–v path uniformly at random and counts
// its interior nodes in b.bc. A balanced bidirectional breadth-first search
// (as in Borassi & Natale 2016, "KADABRA is an ADaptive Algorithm for
// Betweenness via Random Approximation") grows the side with the smaller
// frontier until the two meet; σ_uv is then Σ σ_u(x)·σ_v(y) over the meeting
// ties (x, y), one of which is drawn with probability σ_u(x)·σ_v(y)/σ_uv,
// and the path is completed backwards on each side by choosing each
// predecessor z of w with probability σ(z)/σ(w). On small-world graphs this
// touches a few thousand ties instead of the whole graph.
func (net *Network) samplePath(b *brandes, u, v int32, rng *rand.Rand) {
	off, adj := net.off, net.adj
	if b.side == nil {
		b.side = make([]int8, len(b.dist))
	}
	side, dist, sigma := b.side, b.dist, b.sigma
	seen := b.order[:0]
	defer func() {
		for _, x := range seen {
			side[x], dist[x], sigma[x] = 0, -1, 0
		}
		b.order = seen
	}()
	side[u], dist[u], sigma[u] = 1, 0, 1
	side[v], dist[v], sigma[v] = 2, 0, 1
	seen = append(seen, u, v)
	fu := append(b.fu[:0], u)
	fv := append(b.fv[:0], v)
	du, dv := net.Degree(u), net.Degree(v)
	meet := b.meet[:0]
	for len(meet) == 0 {
		if len(fu) == 0 || len(fv) == 0 {
			b.fu, b.fv = fu, fv
			return
		}
		front, mine, other, deg := &fu, int8(1), int8(2), &du
		if dv < du {
			front, mine, other, deg = &fv, 2, 1, &dv
		}
		next := b.next[:0]
		nextDeg := 0
		for _, x := range *front {
			dx := dist[x] + 1
			for _, w := range adj[off[x]:off[x+1]] {
				switch side[w] {
				case 0:
					side[w], dist[w], sigma[w] = mine, dx, sigma[x]
					seen = append(seen, w)
					next = append(next, w)
					nextDeg += int(off[w+1] - off[w])
				case mine:
					if dist[w] == dx {
						sigma[w] += sigma[x]
					}
				case other:
					if mine == 1 {
						meet = append(meet, [2]int32{x, w})
					} else {
						meet = append(meet, [2]int32{w, x})
					}
				}
			}
		}
		b.next = *front
		*front = next
		*deg = nextDeg
	}
	b.fu, b.fv, b.meet = fu, fv, meet
	total := 0.0
	for _, m := range meet {
		total += sigma[m[0]] * sigma[m[1]]
	}
	pick := rng.Float64() * total
	chosen := meet[len(meet)-1]
	for _, m := range meet {
		pick -= sigma[m[0]] * sigma[m[1]]
		if pick < 0 {
			chosen = m
			break
		}
	}
	// Walk each half back to its root, counting every node but the roots.
	for _, w := range chosen {
		for dist[w] > 0 {
			b.bc[w]++
			pick := rng.Float64() * sigma[w]
			dw, sw := dist[w]-1, side[w]
			var z int32 = -1
			for _, y := range adj[off[w]:off[w+1]] {
				if side[y] == sw && dist[y] == dw {
					z = y
					pick -= sigma[y]
					if pick < 0 {
						break
					}
				}
			}
			w = z
		}
	}
}

// vertexDiameterBound bounds the number of nodes on a longest shortest path:
// for each connected component, a BFS from one of its nodes finds its
// eccentricity e, and the component's diameter is at most 2e.
func (net *Network) vertexDiameterBound() int {
	n := net.Len()
	seen := make([]bool, n)
	dist := make([]int32, n)
	queue := make([]int32, 0, n)
	vd := 1
	for s := 0; s < n; s++ {
		if seen[s] {
			continue
		}
		queue = append(queue[:0], int32(s))
		seen[s] = true
		dist[s] = 0
		ecc := int32(0)
		for i := 0; i < len(queue); i++ {
			x := queue[i]
			for _, w := range net.Neighbors(x) {
				if !seen[w] {
					seen[w] = true
					dist[w] = dist[x] + 1
					ecc = max(ecc, dist[w])
					queue = append(queue, w)
				}
			}
		}
		vd = max(vd, int(2*ecc+1))
	}
	return vd
}

// BetweennessFromSources returns the dependencies Σ_t σ_st(v)/σ_st summed
// over the given sources only, halved as in BetweennessExact. Over all
// sources it equals BetweennessExact().Values; scaled by n/len(sources) over
// uniformly drawn sources it is the pivot estimator of Brandes & Pich (2007,
// "Centrality estimation in large networks", Int. J. Bifurc. Chaos 17(7)),
// which is also what NetworkX's betweenness_centrality(k=...) computes. It
// lets benchmarks time exact betweenness per source on graphs too large to
// run whole.
func (net *Network) BetweennessFromSources(sources []int32) []float64 {
	n := net.Len()
	for _, s := range sources {
		net.checkPerson(s)
	}
	partial := net.brandesWorkers(n, len(sources), func(b *brandes, i int) { net.brandesFrom(b, sources[i]) })
	values := make([]float64, n)
	for _, p := range partial {
		for i, v := range p {
			values[i] += v / 2
		}
	}
	return values
}
