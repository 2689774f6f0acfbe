package render

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/nexohq/nexo/graph"
)

// Caps on what an ego map draws. Past MaxEgoNodes the people farthest from me
// and of least importance (tie strength, brokerage, dormant value) are left
// out; past MaxEgoEdges the weakest ties. At most MaxEgoLabels people are
// named at the default size (the most important that fit); more names
// appear as the page zooms in. Everyone has a tooltip and a link.
const (
	MaxEgoNodes  = 500
	MaxEgoEdges  = 2000
	MaxEgoLabels = 60
)

// EgoMap draws the ego network of the person marked Me as LinkedIn's InMaps
// did: me left out (named in the legend), my contacts placed by their ties
// to each other, so that my circles form named clusters with the people who
// bridge them in between; contacts tied to no one else in rows at the
// bottom. At radius 2 the people my contacts know are small points around
// the clusters that reach them. People are coloured and shaped by circle,
// sized by brokerage; dormant ties of high value have a double ring; ties
// are coloured within a circle, grey across, and translucent on large maps.
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
	desc := in.Meta
	if total := reachable(nw, me, in.Radius); len(people) < total {
		desc.Description = joinSentences(desc.Description, fmt.Sprintf(textShowing, len(people), total))
	}
	people = people[1:] // me, first, is not drawn
	drawn := make(map[string]int, len(people))
	for k, p := range people {
		drawn[nw.nodes[p.i].ID] = k
	}
	edges := egoEdges(nw, people, drawn)

	// Clusters: the circles of my contacts; people at distance 2 join the
	// cluster of the contact who reaches them.
	adj := tieAdjacency(edges, drawn)
	circle := make([]int, len(people))
	count := map[int]int{}
	for k, p := range people {
		c := nw.nodes[p.i].Community
		circle[k] = c
		count[c]++
	}
	var first []int // positions in people of my contacts
	for k, p := range people {
		if p.dist == 1 {
			first = append(first, k)
		}
	}
	firstAdj := make([][]int, len(first))
	pos := make(map[int]int, len(first))
	for k, i := range first {
		pos[i] = k
	}
	for k, i := range first {
		for _, j := range adj[i] {
			if _, ok := pos[j]; ok {
				firstAdj[k] = append(firstAdj[k], pos[j])
			} else {
				firstAdj[k] = append(firstAdj[k], -1-j) // a tie to distance 2 keeps a contact off the edge
			}
		}
	}
	firstCircle := make([]int, len(first))
	for k, i := range first {
		firstCircle[k] = circle[i]
	}
	firstCluster := clusterOf(firstCircle, onlyDrawn(firstAdj), 2)
	for k := range first {
		if firstCluster[k] < 0 && len(firstAdj[k]) > 0 {
			firstCluster[k] = maxInt(firstCluster) + 1 // tied only to people farther out: a cluster of its own
		}
	}
	cluster := make([]int, len(people))
	for k, i := range first {
		cluster[i] = firstCluster[k]
	}
	byID := make(map[int]int, len(people))
	for k, p := range people {
		byID[p.i] = k
	}
	for k, p := range people {
		if p.dist == 2 {
			cluster[k] = cluster[byID[p.parent]]
		}
	}
	st := assignStyles(count)
	s := &scene{kind: "ego", id: "ego-map", meta: desc, names: in.CommunityNames, format: f, nw: nw, st: st,
		count: count, ties: edges, maxLabel: MaxEgoLabels}
	maxDeg := 1
	for _, a := range adj {
		maxDeg = max(maxDeg, len(a))
	}
	loose := 0
	for k, p := range people {
		n := nw.nodes[p.i]
		it := item{person: p.i, cluster: cluster[k], r: personRadius(len(people), n.Brokerage),
			classes: []string{"ring-" + strconv.Itoa(p.dist)}}
		it.importance = n.Brokerage + float64(len(adj[k]))/float64(maxDeg) + btof(n.Dormant) + 2*btof(p.dist == 1)
		if p.dist == 2 {
			it.small = true
			it.r = max(2, it.r*secondR)
		}
		if it.cluster < 0 {
			loose++
		}
		s.items = append(s.items, it)
	}
	// A cluster is named for the circle most of its contacts are in, when
	// it has three of them.
	contactCluster := slices.Clone(cluster)
	for k, p := range people {
		if p.dist != 1 {
			contactCluster[k] = -1
		}
	}
	s.circleNames = namedClusters(contactCluster, circle, 3)
	center := nw.nodes[me]
	contacts := len(first)
	you := textYou(center.Label, contacts)
	if in.OfOther {
		you = textTheir(center.Label, contacts)
	}
	marks := []legendItem{{glyph: "◌", text: you}}
	if in.Radius == 2 {
		marks = append(marks, secondDegreeMark)
	}
	if loose > 0 {
		marks = append(marks, legendItem{glyph: "⋯", text: textLoose})
	}
	s.rows = [][]legendItem{marks, egoMarks, tieMarks}
	s.facts = map[string]string{
		"radius":        strconv.Itoa(in.Radius),
		"people_drawn":  strconv.Itoa(len(people)),
		"ties_drawn":    strconv.Itoa(len(edges)),
		"center":        center.ID,
		"circles_drawn": strconv.Itoa(len(count)),
	}
	return s.job(), nil
}

// onlyDrawn drops the ties to people outside the list (negative entries).
func onlyDrawn(adj [][]int) [][]int {
	out := make([][]int, len(adj))
	for i, a := range adj {
		for _, j := range a {
			if j >= 0 {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

func maxInt(s []int) int {
	m := -1
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

func btof(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// sortedPairs returns a map's keys in order.
func sortedPairs[V any](m map[[2]int]V) [][2]int {
	out := make([][2]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return out
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

// egoEdges returns the ties among the drawn people (me left out), at most
// MaxEgoEdges: each second-degree person's tie to the contact who reaches
// them first, so that they sit by that contact, then local bridges, then the
// strongest.
func egoEdges(nw *network, people []egoPerson, drawn map[string]int) []Edge {
	type ranked struct {
		e    Edge
		rank int
	}
	parent := map[[2]string]bool{}
	for _, p := range people {
		if p.dist == 2 {
			a, b := nw.nodes[p.i].ID, nw.nodes[p.parent].ID
			parent[[2]string{min(a, b), max(a, b)}] = true
		}
	}
	var rs []ranked
	for _, e := range nw.edges {
		_, okA := drawn[e.A]
		_, okB := drawn[e.B]
		if !okA || !okB {
			continue
		}
		rank := 2
		switch {
		case parent[[2]string{e.A, e.B}]:
			rank = 0
		case e.LocalBridge:
			rank = 1
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

func joinSentences(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
