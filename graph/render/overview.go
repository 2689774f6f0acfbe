package render

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/goccy/go-graphviz"

	"github.com/nexohq/nexo/graph"
)

// Caps on the overview. Up to MaxOverviewPeople people are drawn one by one
// (sfdp); above that, the MaxOverviewCommunities largest communities become one
// node each (the rest share an "other communities" node), with the
// MaxOverviewBrokers strongest brokers between them drawn one by one and at
// most MaxGroupEdges edges among groups and brokers (neato).
const (
	MaxOverviewPeople      = 300
	MaxOverviewCommunities = 40
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
	desc.Description = joinSentences(desc.Description, fmt.Sprintf("%d people in %d communities; the %d largest are drawn as circles, with %d brokers between them.",
		len(nw.nodes), countCommunities(size), len(kept), len(people)-btoi(me >= 0)))
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
		desc.Description = joinSentences(desc.Description, fmt.Sprintf("Showing the %d most connected of %d members.", len(members), total))
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

// peopleJob draws the given people with sfdp.
func peopleJob(nw *network, m peopleMap) job {
	drawn := make(map[string]int, len(m.people))
	order := slices.Clone(m.people)
	slices.SortFunc(order, func(a, b int) int {
		na, nb := nw.nodes[a], nw.nodes[b]
		return cmp.Or(cmp.Compare(na.Community, nb.Community), cmp.Compare(na.ID, nb.ID))
	})
	nodes := make([]Node, len(order))
	for k, i := range order {
		drawn[nw.nodes[i].ID] = k
		nodes[k] = nw.nodes[i]
	}
	edges := peopleEdges(nw, drawn)
	labelled := topLabelled(nodes)
	layout, layoutName, overlap := forceLayout(len(nodes))
	w := newDOT(m.meta.Title, []attr{
		kv("id", m.id), kv("class", m.id), kv("start", layoutSeed), kv("overlap", overlap), kv("sep", "+6"),
		kv("splines", "false"), kv("outputorder", "edgesfirst"), kv("forcelabels", "false"),
		kv("fontname", fontName), kv("labelloc", "t"), kv("labeljust", "l"), kv("pad", "0.3"),
		kvHTML("label", legend(m.meta, communityLegend(nodes, m.names), personMarks, tieMarks)),
	}...)
	personDefaults(w)
	names := make([]string, len(nodes))
	for k, n := range nodes {
		names[k] = n.ID
		w.node(n.ID, append(personAttrs(n, labelled[n.ID]), kvf("width", sfdpWidth(n, len(nodes))))...)
	}
	writeTies(w, nw, edges, drawn)
	hub := slices.MaxFunc(nodes, func(a, b Node) int {
		return cmp.Or(cmpBool(b.Me, a.Me), cmp.Compare(a.Brokerage, b.Brokerage), cmp.Compare(b.ID, a.ID))
	})
	writeConnectors(w, connectors(names, tieLinks(edges), hub.ID))
	return job{
		kind: m.kind, dot: w.String(), layout: layout, format: m.format, meta: m.meta, noLabel: names,
		facts: map[string]string{
			"people_drawn": strconv.Itoa(len(nodes)),
			"ties_drawn":   strconv.Itoa(len(edges)),
			"layout":       layoutName,
		},
	}
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

// topLabelled picks the people named on a map: me, dormant ties, then by
// brokerage.
func topLabelled(nodes []Node) map[string]bool {
	byRank := slices.Clone(nodes)
	slices.SortFunc(byRank, func(a, b Node) int {
		return cmp.Or(cmpBool(a.Me, b.Me), cmpBool(a.Dormant, b.Dormant), cmp.Compare(b.Brokerage, a.Brokerage), cmp.Compare(a.ID, b.ID))
	})
	out := make(map[string]bool, MaxMapLabels)
	for _, n := range byRank[:min(len(byRank), MaxMapLabels)] {
		out[n.ID] = true
	}
	return out
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

// groupJob draws groups and people with neato (overview) or sfdp (community
// drill-down, which may have hundreds of people).
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
	// Count ties between groups and between people and groups.
	type pair struct{ a, b int } // group keys, or -(position+10) for people
	ties := map[pair]int{}
	strength := map[pair]float64{}
	key := func(i int) int {
		if individual[i] {
			return -(i + 10)
		}
		return m.group[i]
	}
	for k, e := range nw.edges {
		a, b := nw.ends[k][0], nw.ends[k][1]
		if individual[a] && individual[b] || m.group[a] == noGroup && !individual[a] || m.group[b] == noGroup && !individual[b] {
			continue // ties between people are drawn as ties
		}
		ka, kb := key(a), key(b)
		if ka == kb {
			continue
		}
		p := pair{min(ka, kb), max(ka, kb)}
		ties[p]++
		strength[p] += e.Strength
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
		if p.a <= -10 && perPerson[p.a] < maxPersonGroups {
			perPerson[p.a]++
			first = append(first, p)
		} else {
			rest = append(rest, p)
		}
	}
	pairs = append(first, rest...)[:min(len(pairs), MaxGroupEdges)]
	slices.SortFunc(pairs, func(x, y pair) int {
		return cmp.Or(cmp.Compare(ties[y], ties[x]), cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b))
	})
	maxTies := 1
	for _, p := range pairs {
		maxTies = max(maxTies, ties[p])
	}
	// Groups with no edge drawn still show.
	groups := sortedKeys(size)
	maxSize := 1
	for _, g := range groups {
		if g != otherGroup { // the catch-all would shrink every community
			maxSize = max(maxSize, size[g])
		}
	}

	drawn := make(map[string]int, len(m.people))
	nodes := make([]Node, 0, len(m.people))
	for _, i := range m.people {
		drawn[nw.nodes[i].ID] = len(nodes)
		nodes = append(nodes, nw.nodes[i])
	}
	edges := peopleEdges(nw, drawn)

	var items []legendItem
	if m.kind == "community" {
		items = append(items, communityItem(m.names, m.focus, len(nodes)))
	}
	for k, g := range groups {
		if k == maxLegendCommunities {
			items = append(items, legendItem{text: fmt.Sprintf("+%d more", len(groups)-k)})
			break
		}
		if g == otherGroup {
			items = append(items, legendItem{swatch: noCommunityColor, text: fmt.Sprintf("other communities (%d)", size[g])})
		} else {
			items = append(items, communityItem(m.names, g, size[g]))
		}
	}
	groupMarks := []legendItem{
		{text: "large shape: a community (larger = more members)"},
		{glyph: "●", text: "small: a person between communities (larger = more of a broker)"},
		{glyph: "▬▬", text: "wider = more ties"},
	}
	// On sfdp maps groups shrink to small context nodes that overlap less.
	layout, layoutName, overlap := forceLayout(len(nodes) + len(groups))
	groupMin, groupRange := 0.8, 2.2
	if layout == graphviz.SFDP {
		groupMin, groupRange = 0.4, 0.8
	}
	w := newDOT(m.meta.Title, []attr{
		kv("id", m.id), kv("class", m.id), kv("start", layoutSeed), kv("overlap", overlap), kv("sep", "+6"),
		kv("splines", "false"), kv("outputorder", "edgesfirst"), kv("forcelabels", "false"),
		kv("fontname", fontName), kv("labelloc", "t"), kv("labeljust", "l"), kv("pad", "0.3"),
		kvHTML("label", legend(m.meta, items, groupMarks, tieMarks)),
	}...)
	personDefaults(w)
	var names []string
	for _, g := range groups {
		id := groupID(g)
		names = append(names, groupNode(g))
		name := communityName(m.names, g)
		color, cls := communityColor(g), communityClass(g)
		if g == otherGroup {
			name, color, cls = "Other communities", noCommunityColor, "community-other"
		}
		w.node(groupNode(g),
			kv("id", id), kv("class", classes("community", cls)),
			kv("shape", communityShape(g)), kv("fillcolor", color),
			kvf("width", groupMin+groupRange*math.Sqrt(min(1, float64(size[g])/float64(maxSize)))),
			kv("tooltip", nodeTip(fmt.Sprintf("%s: %d people", name, size[g]))),
			kvHTML("xlabel", fmt.Sprintf(`<B>%s</B><BR/><FONT POINT-SIZE="9" COLOR="#555555">%d people</FONT>`, htmlText(name), size[g])),
		)
	}
	labelled := topLabelled(nodes)
	for _, n := range nodes {
		names = append(names, n.ID)
		// People stay smaller than the smallest community.
		w.node(n.ID, append(personAttrs(n, labelled[n.ID]), kvf("width", sfdpWidth(n, len(nodes)+len(groups))))...)
	}
	// nodeName returns the DOT name, SVG id and name of a group or person.
	nodeName := func(k int) (string, string, string) {
		if k <= -10 {
			n := nw.nodes[-k-10]
			return n.ID, "p-" + n.ID, n.Label
		}
		if k == otherGroup {
			return groupNode(k), groupID(k), "other communities"
		}
		return groupNode(k), groupID(k), communityName(m.names, k)
	}
	links := tieLinks(edges)
	for _, p := range pairs {
		a, ida, la := nodeName(p.a)
		b, idb, lb := nodeName(p.b)
		links = append(links, [2]string{a, b})
		n := ties[p]
		w.edge(a, b,
			kv("id", "g-"+ida+"-"+idb), kv("class", "group-ties"),
			kv("color", edgeColor),
			kvf("penwidth", 1+6*math.Log1p(float64(n))/math.Log1p(float64(maxTies))),
			kv("tooltip", fmt.Sprintf("%s – %s: %d ties, mean strength %.2f", la, lb, n, strength[p]/float64(n))),
			kv("label", strconv.Itoa(n)),
		)
	}
	writeTies(w, nw, edges, drawn)
	// The largest group, or the first person, holds the map together.
	hub := names[0]
	if len(groups) > 0 {
		hub = groupNode(slices.MaxFunc(groups, func(a, b int) int { return cmp.Or(cmp.Compare(size[a], size[b]), cmp.Compare(b, a)) }))
	}
	writeConnectors(w, connectors(names, links, hub))
	return job{
		kind: m.kind, dot: w.String(), layout: layout, format: m.format, meta: m.meta, noLabel: names,
		facts: map[string]string{
			"groups_drawn": strconv.Itoa(len(groups)),
			"people_drawn": strconv.Itoa(len(nodes)),
			"ties_drawn":   strconv.Itoa(len(edges) + len(pairs)),
			"people_total": strconv.Itoa(len(nw.nodes)),
			"layout":       layoutName,
		},
	}
}

// groupNode is a group's DOT name; '#' cannot occur in a person's id.
func groupNode(g int) string { return "#" + groupID(g) }

// sfdpWidth is a person's diameter on maps of many people: sfdp places nodes
// as points (removing overlaps would take seconds), so the more people, the
// smaller they are drawn, down to half the size of an ego map's.
func sfdpWidth(n Node, people int) float64 {
	f := 1.0
	if people > maxNeatoNodes {
		f = max(0.5, math.Sqrt(float64(maxNeatoNodes)/float64(people)))
	}
	return f * (0.2 + 0.35*n.Brokerage)
}

// forceLayout picks the engine for a map of n nodes: neato with overlap
// removal, quick for the hundred-odd nodes of an aggregated overview, or, for
// more, sfdp without, whose overlap removal would take seconds.
func forceLayout(n int) (engine graphviz.Layout, name, overlap string) {
	if n <= maxNeatoNodes {
		return graphviz.NEATO, "neato", "false"
	}
	return graphviz.SFDP, "sfdp", "true"
}

// maxNeatoNodes is the most nodes a group map lays out with neato and overlap
// removal (about half a second); above it, sfdp without.
const maxNeatoNodes = 120

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
