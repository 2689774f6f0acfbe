package render

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/goccy/go-graphviz"

	"github.com/nexohq/nexo/graph"
)

// Caps on what an ego map draws. Past MaxEgoNodes the people farthest from me
// and of least importance (tie strength, brokerage, dormant value) are left
// out; past MaxEgoEdges the weakest ties that no one needs to stay connected.
// Only MaxEgoLabels people are named on the map (me, dormant ties, then the
// most important); everyone has a tooltip and a link.
const (
	MaxEgoNodes  = 500
	MaxEgoEdges  = 2000
	MaxEgoLabels = 60
)

// EgoMap draws the ego network of the person marked Me with twopi: me in the
// centre, people at distance 1 and 2 on two rings, grouped by community around
// the rings, sized by brokerage; strong ties thick, weak ties thin and dashed,
// local bridges as double lines, dormant ties of high value in a double ring.
func (r *Renderer) EgoMap(ctx context.Context, in EgoInput, f Format) ([]byte, error) {
	j, err := egoJob(in, f)
	if err != nil {
		return nil, err
	}
	return r.render(ctx, j)
}

// egoPerson is a person of an ego map with what decides whether and where it
// is drawn.
type egoPerson struct {
	i          int     // position in network.nodes
	dist       int     // hops from me
	parent     int     // position of the first neighbour one hop closer to me, -1 for me
	importance float64 // strongest tie towards me + brokerage + 1 if dormant
}

func egoJob(in EgoInput, f Format) (job, error) {
	if err := checkFormat(f); err != nil {
		return job{}, err
	}
	if in.Radius != 1 && in.Radius != 2 {
		return job{}, graph.FieldErrorf("radius", "Radius must be 1 or 2.")
	}
	nw, err := prepare(in.Nodes, in.Edges)
	if err != nil {
		return job{}, err
	}
	me := -1
	for i, n := range nw.nodes {
		if n.Me {
			if me >= 0 {
				return job{}, graph.FieldErrorf("nodes", "More than one node is marked as me.")
			}
			me = i
		}
	}
	if me < 0 {
		return job{}, graph.FieldErrorf("nodes", "No node is marked as me.")
	}

	people := egoSelect(nw, me, in.Radius)
	drawn := make(map[string]int, len(people)) // id → drawing order
	for k, p := range people {
		drawn[nw.nodes[p.i].ID] = k
	}
	edges := egoEdges(nw, people, drawn)

	// Name the most important people: me, dormant ties, then the nearest and
	// most important.
	byRank := slices.Clone(people)
	slices.SortStableFunc(byRank, func(a, b egoPerson) int {
		na, nb := nw.nodes[a.i], nw.nodes[b.i]
		return cmp.Or(cmpBool(na.Me, nb.Me), cmpBool(na.Dormant, nb.Dormant), cmp.Compare(a.dist, b.dist), cmp.Compare(b.importance, a.importance))
	})
	labelled := map[int]bool{}
	for _, p := range byRank[:min(len(byRank), MaxEgoLabels)] {
		labelled[p.i] = true
	}

	// Two rings whose circumference holds their people side by side.
	var ring [3]float64
	for _, p := range people {
		ring[p.dist] += nodeWidth(nw.nodes[p.i].Brokerage) + 0.3
	}
	r1 := max(1.6, circleRadius(ring[1]))
	ranksep := num(r1)
	if in.Radius == 2 {
		ranksep += ":" + num(max(1.6, circleRadius(ring[2])-r1))
	}

	drawnNodes := make([]Node, len(people))
	for k, p := range people {
		drawnNodes[k] = nw.nodes[p.i]
	}
	desc := in.Meta
	if total := reachable(nw, me, in.Radius); len(people) < total {
		desc.Description = joinSentences(desc.Description, fmt.Sprintf("Showing the %d most important of %d people.", len(people), total))
	}
	rows := [][]legendItem{communityLegend(drawnNodes, in.CommunityNames), personMarks, tieMarks}
	w := newDOT(in.Meta.Title, []attr{
		kv("id", "ego-map"), kv("class", "ego-map"),
		kv("root", nw.nodes[me].ID), kv("ranksep", ranksep),
		kv("splines", "false"), kv("outputorder", "edgesfirst"), kv("forcelabels", "false"),
		kv("fontname", fontName), kv("labelloc", "t"), kv("labeljust", "l"), kv("pad", "0.3"),
		kvHTML("label", legend(desc, rows...)),
	}...)
	personDefaults(w)
	names := make([]string, 0, len(people))
	for _, p := range people {
		n := nw.nodes[p.i]
		names = append(names, n.ID)
		w.node(n.ID, personAttrs(n, labelled[p.i], "ring-"+strconv.Itoa(p.dist))...)
	}
	writeTies(w, nw, edges, drawn)
	return job{
		kind: "ego", dot: w.String(), layout: graphviz.TWOPI, format: f, meta: desc, noLabel: names,
		facts: map[string]string{
			"radius":       strconv.Itoa(in.Radius),
			"people_drawn": strconv.Itoa(len(people)),
			"ties_drawn":   strconv.Itoa(len(edges)),
			"layout":       "twopi",
		},
	}, nil
}

// egoSelect returns the people within radius of me in drawing order (by ring,
// then around each ring by parent and community), at most MaxEgoNodes of them.
func egoSelect(nw *network, me, radius int) []egoPerson {
	adj := nw.adjacency()
	dist := distances(adj, me, radius)
	best := make([]float64, len(nw.nodes)) // strongest tie to someone one hop closer
	for k, e := range nw.edges {
		a, b := nw.ends[k][0], nw.ends[k][1]
		if dist[a] >= 0 && dist[b] == dist[a]+1 {
			best[b] = max(best[b], e.Strength)
		} else if dist[b] >= 0 && dist[a] == dist[b]+1 {
			best[a] = max(best[a], e.Strength)
		}
	}
	var cand []egoPerson
	for i, d := range dist {
		if d >= 0 {
			n := nw.nodes[i]
			imp := best[i] + n.Brokerage
			if n.Dormant {
				imp++
			}
			cand = append(cand, egoPerson{i: i, dist: d, importance: imp})
		}
	}
	if len(cand) > MaxEgoNodes {
		slices.SortFunc(cand, func(a, b egoPerson) int {
			return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(b.importance, a.importance), cmp.Compare(nw.nodes[a.i].ID, nw.nodes[b.i].ID))
		})
		cand = cand[:MaxEgoNodes]
		// People whose way to me was cut off go too.
		keep := make([]bool, len(nw.nodes))
		for _, p := range cand {
			keep[p.i] = true
		}
		sub := make([][]int, len(adj))
		for i, ns := range adj {
			if keep[i] {
				for _, j := range ns {
					if keep[j] {
						sub[i] = append(sub[i], j)
					}
				}
			}
		}
		dist = distances(sub, me, radius)
		cand = slices.DeleteFunc(cand, func(p egoPerson) bool { return dist[p.i] < 0 })
	}

	// Order: me, ring 1 by community, ring 2 by the order of its parent, so
	// that twopi's breadth-first placement groups communities into sectors.
	slices.SortFunc(cand, func(a, b egoPerson) int {
		na, nb := nw.nodes[a.i], nw.nodes[b.i]
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(na.Community, nb.Community), cmp.Compare(b.importance, a.importance), cmp.Compare(na.ID, nb.ID))
	})
	order := make([]int, len(nw.nodes))
	for k, p := range cand {
		order[p.i] = k
	}
	for k := range cand {
		p := &cand[k]
		p.parent = -1
		for _, j := range adj[p.i] {
			if dist[j] == p.dist-1 && (p.parent < 0 || order[j] < order[p.parent]) {
				p.parent = j
			}
		}
	}
	slices.SortStableFunc(cand, func(a, b egoPerson) int {
		if a.dist != b.dist || a.dist < 2 {
			return cmp.Compare(a.dist, b.dist)
		}
		return cmp.Compare(order[a.parent], order[b.parent])
	})
	return cand
}

// egoEdges returns the ties among the drawn people, at most MaxEgoEdges: each
// person's tie to their parent first, so that no one is cut off, then ties to
// me, local bridges, and the strongest.
func egoEdges(nw *network, people []egoPerson, drawn map[string]int) []Edge {
	type ranked struct {
		e    Edge
		rank int
	}
	parent := map[[2]string]bool{}
	for _, p := range people {
		if p.parent >= 0 {
			a, b := nw.nodes[p.i].ID, nw.nodes[p.parent].ID
			parent[[2]string{min(a, b), max(a, b)}] = true
		}
	}
	var rs []ranked
	for _, e := range nw.edges {
		da, okA := drawn[e.A]
		db, okB := drawn[e.B]
		if !okA || !okB {
			continue
		}
		rank := 3
		switch {
		case parent[[2]string{e.A, e.B}]:
			rank = 0
		case da == 0 || db == 0: // me is first in drawing order
			rank = 1
		case e.LocalBridge:
			rank = 2
		}
		rs = append(rs, ranked{e, rank})
	}
	if len(rs) > MaxEgoEdges {
		slices.SortFunc(rs, func(a, b ranked) int {
			return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(b.e.Strength, a.e.Strength), cmp.Compare(a.e.A, b.e.A), cmp.Compare(a.e.B, b.e.B))
		})
		rs = rs[:MaxEgoEdges]
	}
	edges := make([]Edge, len(rs))
	for k, r := range rs {
		edges[k] = r.e
	}
	sortEdges(edges, drawn)
	return edges
}

// distances returns the hop count from src to every node, -1 past limit or
// unreachable.
func distances(adj [][]int, src, limit int) []int {
	dist := make([]int, len(adj))
	for i := range dist {
		dist[i] = -1
	}
	dist[src] = 0
	queue := []int{src}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if dist[u] == limit {
			continue
		}
		for _, v := range adj[u] {
			if dist[v] < 0 {
				dist[v] = dist[u] + 1
				queue = append(queue, v)
			}
		}
	}
	return dist
}

func reachable(nw *network, me, radius int) int {
	n := 0
	for _, d := range distances(nw.adjacency(), me, radius) {
		if d >= 0 {
			n++
		}
	}
	return n
}

// personDefaults sets the node and edge defaults of maps of people.
func personDefaults(w *dotWriter) {
	w.defaults("node", kv("style", "filled"), kv("fixedsize", "true"), kv("color", "#444444"), kvf("penwidth", 0.75),
		kv("fontname", fontName), kvf("fontsize", 10), kv("fontcolor", textColor))
	w.defaults("edge", kv("fontname", fontName), kvf("fontsize", 8), kv("fontcolor", textColor))
}

// writeTies writes edges between people, tail first in drawing order.
func writeTies(w *dotWriter, nw *network, edges []Edge, order map[string]int) {
	for _, e := range edges {
		a, b := e.A, e.B
		if order[b] < order[a] {
			a, b = b, a
		}
		na, nb := nw.nodes[nw.index[e.A]], nw.nodes[nw.index[e.B]]
		w.edge(a, b, append([]attr{
			kv("id", "t-"+e.A+"-"+e.B),
			kv("class", edgeClass(e)),
			kv("tooltip", edgeTooltip(na, nb, e)),
		}, edgeStyle(e)...)...)
	}
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

func joinSentences(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
