package analytics

import (
	gonumgraph "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// Gonum returns a view of the network as a gonum weighted undirected graph:
// node ids are person indexes and edge weights tie strengths. It shares the
// network's memory, so building it is free; use it with gonum's algorithms
// (community, path, topo, network).
func (net *Network) Gonum() GonumGraph { return gonumView{net} }

// GonumGraph is a gonum undirected graph with tie strengths as weights.
type GonumGraph interface {
	gonumgraph.Undirected
	gonumgraph.WeightedUndirected
}

type gonumView struct{ net *Network }

var _ GonumGraph = gonumView{}

func (g gonumView) valid(id int64) bool { return id >= 0 && id < int64(g.net.Len()) }

func (g gonumView) Node(id int64) gonumgraph.Node {
	if !g.valid(id) {
		return nil
	}
	return simple.Node(id)
}

func (g gonumView) Nodes() gonumgraph.Nodes {
	if g.net.Len() == 0 {
		return gonumgraph.Empty
	}
	return iterator.NewImplicitNodes(0, g.net.Len(), func(id int) gonumgraph.Node { return simple.Node(id) })
}

func (g gonumView) From(id int64) gonumgraph.Nodes {
	if !g.valid(id) || g.net.Degree(int32(id)) == 0 {
		return gonumgraph.Empty
	}
	return &adjIter{nbrs: g.net.Neighbors(int32(id)), i: -1}
}

func (g gonumView) HasEdgeBetween(x, y int64) bool { return g.weightIndex(x, y) >= 0 }

func (g gonumView) weightIndex(x, y int64) int {
	if !g.valid(x) || !g.valid(y) {
		return -1
	}
	return g.net.TieBetween(int32(x), int32(y))
}

func (g gonumView) Edge(x, y int64) gonumgraph.Edge { return g.WeightedEdge(x, y) }

func (g gonumView) EdgeBetween(x, y int64) gonumgraph.Edge { return g.WeightedEdge(x, y) }

func (g gonumView) WeightedEdge(x, y int64) gonumgraph.WeightedEdge {
	e := g.weightIndex(x, y)
	if e < 0 {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(x), T: simple.Node(y), W: g.net.strength[e]}
}

func (g gonumView) WeightedEdgeBetween(x, y int64) gonumgraph.WeightedEdge {
	return g.WeightedEdge(x, y)
}

// Weight returns the tie strength; (0, true) for x == y, as gonum's simple
// graphs do without self-loops.
func (g gonumView) Weight(x, y int64) (float64, bool) {
	if x == y && g.valid(x) {
		return 0, true
	}
	e := g.weightIndex(x, y)
	if e < 0 {
		return 0, false
	}
	return g.net.strength[e], true
}

// adjIter iterates over a CSR neighbour list without allocating nodes.
type adjIter struct {
	nbrs []int32
	i    int
}

func (it *adjIter) Next() bool {
	if it.i+1 >= len(it.nbrs) {
		it.i = len(it.nbrs)
		return false
	}
	it.i++
	return true
}

func (it *adjIter) Len() int {
	return max(len(it.nbrs)-it.i-1, 0)
}

func (it *adjIter) Reset() { it.i = -1 }

func (it *adjIter) Node() gonumgraph.Node {
	if it.i < 0 || it.i >= len(it.nbrs) {
		return nil
	}
	return simple.Node(it.nbrs[it.i])
}
