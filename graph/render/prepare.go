package render

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nexohq/nexo/graph"
)

// Limits on the input a rendering accepts at all; the API reduces a workspace
// before it gets here. Inputs past them fail with graph.ETOOLARGE. What is
// drawn is capped much lower (MaxEgoNodes and the like); these only bound the
// memory and time of reducing the input.
const (
	MaxInputNodes = 250_000
	MaxInputEdges = 2_500_000
)

// Lengths at which text is clipped, for readable labels and bounded output.
const (
	maxLabel    = 48
	maxSubtitle = 60
	maxReason   = 100
)

// network is a validated, normalized input: nodes in input order, each edge
// once with A < B, no self-loops.
type network struct {
	nodes []Node
	index map[string]int // id → position in nodes
	edges []Edge
	ends  [][2]int // positions in nodes of edges[k].A and edges[k].B
}

// prepare validates and normalizes nodes and edges: ids must be well formed,
// unique and known; URLs must be relative paths or http(s); numbers are clamped
// to [0, 1]; text is clipped; duplicate edges are merged (strongest wins) and
// self-loops dropped.
func prepare(nodes []Node, edges []Edge) (*network, error) {
	if len(nodes) > MaxInputNodes {
		return nil, graph.Errorf(graph.ETOOLARGE, "Too many people to render: %d (at most %d).", len(nodes), MaxInputNodes)
	}
	if len(edges) > MaxInputEdges {
		return nil, graph.Errorf(graph.ETOOLARGE, "Too many ties to render: %d (at most %d).", len(edges), MaxInputEdges)
	}
	nw := &network{nodes: make([]Node, len(nodes)), index: make(map[string]int, len(nodes))}
	for i, n := range nodes {
		field := fmt.Sprintf("nodes[%d]", i)
		if !svgSafeID(n.ID) {
			return nil, graph.FieldErrorf(field+".id", "Invalid node id %q.", clip(n.ID, 70))
		}
		if _, dup := nw.index[n.ID]; dup {
			return nil, graph.FieldErrorf(field+".id", "Duplicate node id %q.", n.ID)
		}
		if !validURL(n.URL) {
			return nil, graph.FieldErrorf(field+".url", "URL must be a path starting with / or an http(s) URL.")
		}
		n.Label = clip(n.Label, maxLabel)
		if n.Label == "" {
			n.Label = n.ID
		}
		n.Subtitle = clip(n.Subtitle, maxSubtitle)
		n.Brokerage = unit(n.Brokerage)
		if n.Community < 0 {
			n.Community = -1
		}
		nw.index[n.ID] = i
		nw.nodes[i] = n
	}
	seen := make(map[[2]int]int, len(edges))
	nw.edges = make([]Edge, 0, len(edges))
	nw.ends = make([][2]int, 0, len(edges))
	for i, e := range edges {
		a, okA := nw.index[e.A]
		b, okB := nw.index[e.B]
		if !okA {
			return nil, graph.FieldErrorf(fmt.Sprintf("edges[%d].a", i), "Unknown node id %q.", clip(e.A, 70))
		}
		if !okB {
			return nil, graph.FieldErrorf(fmt.Sprintf("edges[%d].b", i), "Unknown node id %q.", clip(e.B, 70))
		}
		if a == b {
			continue
		}
		if e.A > e.B {
			e.A, e.B = e.B, e.A
			a, b = b, a
		}
		e.Strength = unit(e.Strength)
		e.Reason = clip(e.Reason, maxReason)
		k := [2]int{a, b}
		if j, ok := seen[k]; ok {
			nw.edges[j] = mergeEdges(nw.edges[j], e)
			continue
		}
		seen[k] = len(nw.edges)
		nw.edges = append(nw.edges, e)
		nw.ends = append(nw.ends, k)
	}
	return nw, nil
}

func mergeEdges(a, b Edge) Edge {
	if b.Strength > a.Strength {
		a.Strength = b.Strength
		if b.Reason != "" {
			a.Reason = b.Reason
		}
	}
	if a.Reason == "" {
		a.Reason = b.Reason
	}
	a.Weak = a.Weak && b.Weak
	a.LocalBridge = a.LocalBridge || b.LocalBridge
	return a
}

func unit(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return min(v, 1)
}

// svgSafeID accepts ids that are safe, unescaped, as SVG ids and CSS selectors.
func svgSafeID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.:", r)
		if !ok {
			return false
		}
	}
	return true
}

// validURL keeps script URLs out of SVGs that the web page inlines.
func validURL(u string) bool {
	if u == "" {
		return true
	}
	if len(u) > 2048 || strings.ContainsAny(u, " \t\r\n\"<>\\") {
		return false
	}
	lower := strings.ToLower(u)
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") ||
		strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")
}

// sortEdges orders edges by the given node order, then by ids, so that the
// DOT text and thus the layout do not depend on input order.
func sortEdges(edges []Edge, order map[string]int) {
	slices.SortFunc(edges, func(x, y Edge) int {
		xa, xb := minmax(order[x.A], order[x.B])
		ya, yb := minmax(order[y.A], order[y.B])
		return cmp.Or(cmp.Compare(xa, ya), cmp.Compare(xb, yb), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
}

func minmax(a, b int) (int, int) {
	if a > b {
		return b, a
	}
	return a, b
}

// adjacency lists each node's neighbours by position in nw.nodes.
func (nw *network) adjacency() [][]int {
	deg := make([]int32, len(nw.nodes))
	for _, ab := range nw.ends {
		deg[ab[0]]++
		deg[ab[1]]++
	}
	// One backing array for all lists: a few allocations instead of one per node.
	all := make([]int, 2*len(nw.ends))
	adj := make([][]int, len(nw.nodes))
	off := 0
	for i, d := range deg {
		adj[i] = all[off : off : off+int(d)]
		off += int(d)
	}
	for _, ab := range nw.ends {
		a, b := ab[0], ab[1]
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	return adj
}
