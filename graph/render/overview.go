package render

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/nexohq/nexo/graph"
)

// Caps on the overview. Up to MaxOverviewPeople people are drawn one by one
// (sfdp); above that, the MaxOverviewCommunities largest communities become one
// node each (the rest share an "other communities" node), with the
// MaxOverviewBrokers strongest brokers between them drawn one by one and at
// most MaxGroupEdges edges among groups and brokers (neato).
const (
	MaxOverviewPeople      = 300
	MaxOverviewCommunities = 36 // as many as one picture tells apart (maxStyles)
	MaxOverviewBrokers     = 30
	MaxGroupEdges          = 300
	MaxPeopleEdges         = 1500 // ties drawn between people on overview and community maps
	MaxMapLabels           = 60   // people named on overview and community maps
)

// MaxCommunityNodes caps the members drawn by CommunityMap; past it, the
// members of least brokerage and degree are left out. At most
// MaxOverviewCommunities other communities are drawn as groups.
const MaxCommunityNodes = 400

// layoutSeed seeds sfdp and neato so that the same input gives the same map.
const layoutSeed = "7"

// Overview draws the whole network: people one by one, coloured by community,
// when there are at most MaxOverviewPeople of them; otherwise communities as
// nodes sized by members, joined by edges as wide as the ties between them,
// with the brokers between communities (and me) drawn one by one.
func (r *Renderer) Overview(ctx context.Context, in OverviewInput, f Format) ([]byte, error) {
	j, err := overviewJob(in, f)
	if err != nil {
		return nil, err
	}
	return r.render(ctx, j)
}

// CommunityMap draws one community: its members one by one (at most
// MaxCommunityNodes), the ties among them, and the other communities they
// have ties to as grouped nodes.
func (r *Renderer) CommunityMap(ctx context.Context, in CommunityInput, f Format) ([]byte, error) {
	j, err := communityJob(in, f)
	if err != nil {
		return nil, err
	}
	return r.render(ctx, j)
}

func overviewJob(in OverviewInput, f Format) (job, error) {
	if err := checkFormat(f); err != nil {
		return job{}, err
	}
	nw, err := prepare(in.Nodes, in.Edges)
	if err != nil {
		return job{}, err
	}
	if len(nw.nodes) == 0 {
		return job{}, graph.FieldErrorf("nodes", "No people to draw.")
	}
	if len(nw.nodes) <= MaxOverviewPeople {
		all := make([]int, len(nw.nodes))
		for i := range all {
			all[i] = i
		}
		return peopleJob(nw, peopleMap{
			kind: "overview", id: "overview", meta: in.Meta, names: in.CommunityNames,
			people: all, format: f,
		}), nil
	}

	// Communities, largest first; past the cap they share one group.
	size := map[int]int{}
	for _, n := range nw.nodes {
		size[n.Community]++
	}
	kept := largest(size, MaxOverviewCommunities)
	group := make([]int, len(nw.nodes))
	for i, n := range nw.nodes {
		group[i] = otherGroup
		if kept[n.Community] {
			group[i] = n.Community
		}
	}

	// Brokers: people with ties into at least two groups, by brokerage.
	adj := nw.adjacency()
	type broker struct {
		i     int
		spans int
	}
	var brokers []broker
	var spanned []int
	me := -1
	for i, n := range nw.nodes {
		if n.Me {
			me = i
		}
		if n.Me || len(adj[i]) == 0 {
			continue
		}
		spans := spanned[:0]
		for _, j := range adj[i] {
			if g := group[j]; g != group[i] && !slices.Contains(spans, g) {
				spans = append(spans, g)
			}
		}
		if len(spans) > 0 {
			brokers = append(brokers, broker{i, len(spans) + 1})
		}
		spanned = spans
	}
	slices.SortFunc(brokers, func(a, b broker) int {
		return cmp.Or(cmp.Compare(nw.nodes[b.i].Brokerage, nw.nodes[a.i].Brokerage), cmp.Compare(b.spans, a.spans), cmp.Compare(nw.nodes[a.i].ID, nw.nodes[b.i].ID))
	})
	var people []int
	if me >= 0 {
		people = append(people, me)
	}
	for _, b := range brokers[:min(len(brokers), MaxOverviewBrokers)] {
		people = append(people, b.i)
	}
	desc := in.Meta
	desc.Description = joinSentences(desc.Description, fmt.Sprintf(textOverview, len(kept), countCommunities(size), len(people)-btoi(me >= 0)))
	return groupJob(nw, groupMap{
		kind: "overview", id: "overview", meta: desc, names: in.CommunityNames, format: f,
		people: people, group: group, sizeAll: true,
	}), nil
}

func communityJob(in CommunityInput, f Format) (job, error) {
	if err := checkFormat(f); err != nil {
		return job{}, err
	}
	if in.Community < 0 {
		return job{}, graph.FieldErrorf("community", "Community must be 0 or more.")
	}
	nw, err := prepare(in.Nodes, in.Edges)
	if err != nil {
		return job{}, err
	}
	adj := nw.adjacency()
	var members []int
	outside := map[int]int{} // community → ties from members
	for i, n := range nw.nodes {
		if n.Community == in.Community {
			members = append(members, i)
		}
	}
	if len(members) == 0 {
		return job{}, graph.FieldErrorf("nodes", "No node belongs to community %d.", in.Community)
	}
	total := len(members)
	if len(members) > MaxCommunityNodes {
		maxDeg := 1
		for _, i := range members {
			maxDeg = max(maxDeg, len(adj[i]))
		}
		imp := func(i int) float64 {
			n := nw.nodes[i]
			v := n.Brokerage + float64(len(adj[i]))/float64(maxDeg)
			if n.Me {
				v += 10
			}
			return v
		}
		slices.SortFunc(members, func(a, b int) int {
			return cmp.Or(cmp.Compare(imp(b), imp(a)), cmp.Compare(nw.nodes[a].ID, nw.nodes[b].ID))
		})
		members = members[:MaxCommunityNodes]
	}
	isMember := make([]bool, len(nw.nodes))
	for _, i := range members {
		isMember[i] = true
	}
	for i, n := range nw.nodes {
		if n.Community != in.Community {
			for _, j := range adj[i] {
				if isMember[j] {
					outside[n.Community]++
				}
			}
		}
	}
	kept := largest(outside, MaxOverviewCommunities)
	group := make([]int, len(nw.nodes))
	for i, n := range nw.nodes {
		switch {
		case n.Community == in.Community:
			group[i] = noGroup // members left out are not drawn at all
		case kept[n.Community]:
			group[i] = n.Community
		default:
			group[i] = otherGroup
		}
	}
	desc := in.Meta
	if len(members) < total {
		desc.Description = joinSentences(desc.Description, fmt.Sprintf(textShowingMost, len(members), total))
	}
	slices.Sort(members)
	return groupJob(nw, groupMap{
		kind: "community", id: "community-map", meta: desc, names: in.CommunityNames, format: f,
		people: members, group: group, focus: in.Community,
	}), nil
}

// largest returns the n communities (indexes 0 and up) with the largest
// counts, ties going to the lower index.
func largest(count map[int]int, n int) map[int]bool {
	cs := sortedKeys(count)
	cs = slices.DeleteFunc(cs, func(c int) bool { return c < 0 })
	slices.SortStableFunc(cs, func(a, b int) int { return cmp.Compare(count[b], count[a]) })
	kept := make(map[int]bool, n)
	for _, c := range cs[:min(len(cs), n)] {
		kept[c] = true
	}
	return kept
}

func countCommunities(size map[int]int) int {
	n := 0
	for c := range size {
		if c >= 0 {
			n++
		}
	}
	return n
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Group keys besides community indexes.
const (
	otherGroup = -2 // the communities past the cap, and people in none
	noGroup    = -3 // not drawn
)

// peopleMap describes a map of people drawn one by one.
type peopleMap struct {
	kind, id string
	meta     Meta
	names    map[int]string
	people   []int // positions in network.nodes
	format   Format
}

// peopleJob draws the given people one by one, clustered by circle.
func peopleJob(nw *network, m peopleMap) job {
	drawn := make(map[string]int, len(m.people))
	order := slices.Clone(m.people)
	slices.Sort(order)
	for k, i := range order {
		drawn[nw.nodes[i].ID] = k
	}
	edges := peopleEdges(nw, drawn)
	adj := tieAdjacency(edges, drawn)
	circle := make([]int, len(order))
	count := map[int]int{}
	for k, i := range order {
		circle[k] = nw.nodes[i].Community
		count[circle[k]]++
	}
	cluster := clusterOf(circle, adj, 2)
	s := &scene{kind: m.kind, id: m.id, meta: m.meta, names: m.names, format: m.format, nw: nw,
		st: assignStyles(count), count: count, ties: edges, maxLabel: MaxMapLabels, circleNames: namedClusters(cluster, circle, 3)}
	maxDeg := 1
	for _, a := range adj {
		maxDeg = max(maxDeg, len(a))
	}
	for k, i := range order {
		n := nw.nodes[i]
		s.items = append(s.items, item{person: i, cluster: cluster[k], r: personRadius(len(order), n.Brokerage),
			importance: 10*btof(n.Me) + btof(n.Dormant) + n.Brokerage + float64(len(adj[k]))/float64(maxDeg)})
	}
	s.rows = [][]legendItem{personMarks, tieMarks}
	s.facts = map[string]string{
		"people_drawn": strconv.Itoa(len(order)),
		"ties_drawn":   strconv.Itoa(len(edges)),
	}
	return s.job()
}

// tieAdjacency lists each drawn person's ties, by drawing order.
func tieAdjacency(edges []Edge, drawn map[string]int) [][]int {
	adj := make([][]int, len(drawn))
	for _, e := range edges {
		a, b := drawn[e.A], drawn[e.B]
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	return adj
}

// namedClusters names each cluster for the circle most of its people are
// in, when at least least of them are.
func namedClusters(cluster, circle []int, least int) map[int]int {
	votes := map[[2]int]int{}
	for k := range cluster {
		if cluster[k] >= 0 && circle[k] >= 0 {
			votes[[2]int{cluster[k], circle[k]}]++
		}
	}
	best := map[int][2]int{}
	for _, v := range sortedPairs(votes) {
		if b, ok := best[v[0]]; !ok || votes[v] > b[1] {
			best[v[0]] = [2]int{v[1], votes[v]}
		}
	}
	out := map[int]int{}
	for cl, b := range best {
		if b[1] >= least {
			out[cl] = b[0]
		}
	}
	return out
}

// peopleEdges returns the ties among the drawn people, at most MaxPeopleEdges:
// local bridges and ties to me first, then the strongest.
func peopleEdges(nw *network, drawn map[string]int) []Edge {
	var edges []Edge
	for _, e := range nw.edges {
		if _, ok := drawn[e.A]; !ok {
			continue
		}
		if _, ok := drawn[e.B]; ok {
			edges = append(edges, e)
		}
	}
	if len(edges) > MaxPeopleEdges {
		rank := func(e Edge) int {
			switch {
			case nw.nodes[nw.index[e.A]].Me || nw.nodes[nw.index[e.B]].Me:
				return 0
			case e.LocalBridge:
				return 1
			}
			return 2
		}
		slices.SortFunc(edges, func(a, b Edge) int {
			return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.Strength, a.Strength), cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B))
		})
		edges = edges[:MaxPeopleEdges]
	}
	sortEdges(edges, drawn)
	return edges
}

// groupMap describes a map of groups (communities drawn as one node each) and
// people drawn one by one.
type groupMap struct {
	kind, id string
	meta     Meta
	names    map[int]string
	format   Format
	people   []int // drawn one by one
	group    []int // every node's group key: a community, otherGroup or noGroup
	sizeAll  bool  // group sizes count the people drawn one by one too
	focus    int   // the community drilled into, for the legend
}

// groupJob draws groups (circles as one node each) and people: on the
// overview every group and person is a cluster of its own, placed by its
// ties; on a drill-down the members are one cluster among their groups.
func groupJob(nw *network, m groupMap) job {
	individual := make([]bool, len(nw.nodes))
	for _, i := range m.people {
		individual[i] = true
	}
	size := map[int]int{}
	for i, g := range m.group {
		if g != noGroup && (m.sizeAll || !individual[i]) {
			size[g]++
		}
	}
	groups := sortedKeys(size)
	maxSize := 1
	for _, g := range groups {
		if g != otherGroup { // the catch-all would shrink every circle
			maxSize = max(maxSize, size[g])
		}
	}
	drawn := make(map[string]int, len(m.people))
	for k, i := range m.people {
		drawn[nw.nodes[i].ID] = k
	}
	edges := peopleEdges(nw, drawn)

	// Items: the groups, then the people.
	var items []item
	itemOf := map[int]int{} // group key or -(position+10) → item
	scale := 1.0
	if m.kind == "community" {
		scale = 0.4 // the circles around a drill-down are context
	}
	for _, g := range groups {
		itemOf[g] = len(items)
		r := scale * (groupMinR + (groupMaxR-groupMinR)*math.Sqrt(min(1, float64(size[g])/float64(maxSize))))
		items = append(items, item{person: -1, group: g, size: size[g], cluster: len(items), r: r,
			importance: 100 + float64(size[g])/float64(maxSize)})
	}
	hasTie := make([]bool, len(m.people))
	for _, e := range edges {
		hasTie[drawn[e.A]] = true
		hasTie[drawn[e.B]] = true
	}
	// Count ties between groups and between people and groups.
	type pair struct{ a, b int } // items
	ties := map[pair]int{}
	strength := map[pair]float64{}
	// key is a node's group, or -(position+10) for a person drawn.
	key := func(i int) (int, bool) {
		if individual[i] {
			return -(i + 10), true
		}
		g := m.group[i]
		return g, g != noGroup
	}
	members := m.kind == "community"
	for _, i := range m.people {
		n := nw.nodes[i]
		cl := len(items)
		if members {
			cl = len(groups)
		}
		itemOf[-(i + 10)] = len(items)
		items = append(items, item{person: i, cluster: cl, r: personRadius(len(m.people)+len(groups), n.Brokerage),
			importance: 10*btof(n.Me) + btof(n.Dormant) + n.Brokerage})
	}
	for k, e := range nw.edges {
		a, b := nw.ends[k][0], nw.ends[k][1]
		if individual[a] && individual[b] {
			continue
		}
		ka, okA := key(a)
		kb, okB := key(b)
		if !okA || !okB || ka == kb {
			continue
		}
		ia, ib := itemOf[ka], itemOf[kb]
		p := pair{min(ia, ib), max(ia, ib)}
		ties[p]++
		strength[p] += e.Strength
		if ka <= -10 {
			hasTie[drawn[nw.nodes[a].ID]] = true
		}
		if kb <= -10 {
			hasTie[drawn[nw.nodes[b].ID]] = true
		}
	}
	// A member tied to no one drawn goes to the edge.
	for k := range m.people {
		if members && !hasTie[k] {
			items[len(groups)+k].cluster = -1
		}
	}
	// Most ties first, but every person keeps their maxPersonGroups busiest
	// groups, so no broker floats unconnected.
	pairs := make([]pair, 0, len(ties))
	for p := range ties {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		return cmp.Or(cmp.Compare(ties[y], ties[x]), cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b))
	})
	perPerson := map[int]int{}
	var first, rest []pair
	for _, p := range pairs {
		if p.b >= len(groups) && perPerson[p.b] < maxPersonGroups {
			perPerson[p.b]++
			first = append(first, p)
		} else {
			rest = append(rest, p)
		}
	}
	pairs = append(first, rest...)[:min(len(pairs), MaxGroupEdges)]
	slices.SortFunc(pairs, func(x, y pair) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	var links []groupLink
	for _, p := range pairs {
		links = append(links, groupLink{a: p.a, b: p.b, ties: ties[p], strength: strength[p]})
	}

	count := map[int]int{}
	for _, g := range groups {
		if g != otherGroup {
			count[g] = size[g]
		}
	}
	for _, i := range m.people {
		if !m.sizeAll {
			count[nw.nodes[i].Community]++
		}
	}
	s := &scene{kind: m.kind, id: m.id, meta: m.meta, names: m.names, format: m.format, nw: nw,
		st: assignStyles(count), count: count, ties: edges, links: links, items: items, maxLabel: MaxMapLabels,
		circleNames: map[int]int{}}
	if members {
		s.circleNames[len(groups)] = m.focus
	}
	s.rows = [][]legendItem{groupMarks, tieMarks}
	if size[otherGroup] > 0 {
		s.rows = append([][]legendItem{{{swatch: otherColor, text: fmt.Sprintf("%s (%d)", textOther, size[otherGroup])}}}, s.rows...)
	}
	s.facts = map[string]string{
		"groups_drawn": strconv.Itoa(len(groups)),
		"people_drawn": strconv.Itoa(len(m.people)),
		"ties_drawn":   strconv.Itoa(len(edges) + len(links)),
		"people_total": strconv.Itoa(len(nw.nodes)),
	}
	return s.job()
}

// groupNode is a group's DOT name; '#' cannot occur in a person's id.
func groupNode(g int) string { return "#" + groupID(g) }

// maxPersonGroups is how many ties to groups each person drawn on a group
// map keeps whatever the cap on group edges.
const maxPersonGroups = 4

// groupID is a group's SVG id.
func groupID(g int) string {
	if g == otherGroup {
		return "c-other"
	}
	return "c-" + strconv.Itoa(g)
}
