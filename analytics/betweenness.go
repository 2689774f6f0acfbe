package analytics

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// AutoExactWork is the size, n·m (people × ties), up to which
// BetweennessAuto computes betweenness exactly. Exact Brandes costs O(n·m);
// on the 2-core reference machine it does about 2.5·10⁸ half-edge visits a
// second, so n·m = 2·10⁹ (10,000 people with 200,000 ties) takes about 8 s,
// beyond which the sample of Riondato & Kornaropoulos (2016) is cheaper at
// the default ε. See scripts/bench for the measurements.
var AutoExactWork = 2e9

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
// otherwise sampled with DefaultEpsilon and DefaultDelta.
func (net *Network) Betweenness() *BetweennessResult {
	net.btwOnce.Do(func() {
		if float64(net.Len())*float64(net.NumTies()) <= AutoExactWork {
			net.btw = net.BetweennessExact()
		} else {
			net.btw = net.BetweennessSampled(DefaultEpsilon, DefaultDelta, net.seed)
		}
	})
	return net.btw
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
	partial := brandesWorkers(n, n, func(b *brandes, s int) { net.brandesFrom(b, int32(s)) })
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

// brandesWorkers calls fn for tasks 0..tasks-1 from GOMAXPROCS goroutines,
// each with its own scratch space of n nodes, and returns their b.bc.
func brandesWorkers(n, tasks int, fn func(b *brandes, task int)) [][]float64 {
	workers := max(min(runtime.GOMAXPROCS(0), tasks), 1)
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

// brandesFrom adds the dependencies of source s to b.bc. Predecessors are
// found again by scanning adjacency (dist[v] == dist[w]-1) instead of being
// stored, which keeps memory at O(n).
func (net *Network) brandesFrom(b *brandes, s int32) {
	off, adj := net.off, net.adj
	dist, sigma, delta := b.dist, b.sigma, b.delta
	order := b.order[:0]
	dist[s] = 0
	sigma[s] = 1
	order = append(order, s)
	for i := 0; i < len(order); i++ {
		v := order[i]
		dv := dist[v] + 1
		sv := sigma[v]
		for _, w := range adj[off[v]:off[v+1]] {
			if dist[w] < 0 {
				dist[w] = dv
				order = append(order, w)
			}
			if dist[w] == dv {
				sigma[w] += sv
			}
		}
	}
	for i := len(order) - 1; i > 0; i-- {
		w := order[i]
		coeff := (1 + delta[w]) / sigma[w]
		dw := dist[w] - 1
		for _, v := range adj[off[w]:off[w+1]] {
			if dist[v] == dw {
				delta[v] += sigma[v] * coeff
			}
		}
		b.bc[w] += delta[w]
	}
	for _, v := range order {
		dist[v] = -1
		sigma[v] = 0
		delta[v] = 0
	}
	b.order = order
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
	partial := brandesWorkers(n, r, func(b *brandes, i int) {
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

// samplePath runs a breadth-first search from u that stops once v's level is
// complete, then walks back from v choosing each predecessor z of w with
// probability σ_z/σ_w, counting the interior nodes in b.bc.
func (net *Network) samplePath(b *brandes, u, v int32, rng *rand.Rand) {
	off, adj := net.off, net.adj
	dist, sigma := b.dist, b.sigma
	order := b.order[:0]
	dist[u] = 0
	sigma[u] = 1
	order = append(order, u)
	for i := 0; i < len(order); i++ {
		x := order[i]
		if dist[v] >= 0 && dist[x] >= dist[v] {
			break
		}
		dx := dist[x] + 1
		for _, w := range adj[off[x]:off[x+1]] {
			if dist[w] < 0 {
				dist[w] = dx
				order = append(order, w)
			}
			if dist[w] == dx {
				sigma[w] += sigma[x]
			}
		}
	}
	if dist[v] > 1 {
		w := v
		for dist[w] > 1 {
			pick := rng.Float64() * sigma[w]
			dw := dist[w] - 1
			var z int32 = -1
			for _, y := range adj[off[w]:off[w+1]] {
				if dist[y] == dw {
					z = y
					pick -= sigma[y]
					if pick < 0 {
						break
					}
				}
			}
			b.bc[z]++
			w = z
		}
	}
	for _, x := range order {
		dist[x] = -1
		sigma[x] = 0
	}
	b.order = order
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
