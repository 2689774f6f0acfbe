package render

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/goccy/go-graphviz"
)

// A scene is a map laid out in Go (layout.go, labels.go) and drawn by
// Graphviz's nop engine at the positions given: people and circles as
// nodes, ties as straight edges, labels as text nodes, and the legend as the
// graph's label above it all.

// Sizes of a scene, in points (1/72 inch). The PNG is drawn at 96 dpi and at
// most pngMaxSide pixels, so a scene whose longest side, legend included,
// stays under 1,200 points keeps its 9-point type at 12 pixels.
const (
	sceneSide   = 950  // the longest side the clusters may take
	sceneMaxPt  = 1200 // the longest side of the whole picture
	personMaxR  = 9.0
	personMinR  = 3.5
	secondR     = 0.45 // the radius of a second-degree person, relative
	groupMaxR   = 58.0
	groupMinR   = 14.0
	maxSceneTie = 400 // above this many ties, ties are thin and translucent
)

// item is one node of a scene: a person, or a circle drawn as one node.
type item struct {
	person     int // position in network.nodes, or -1 for a group
	group      int // for a group: its community key (otherGroup for the rest)
	size       int // for a group: its people
	cluster    int // the layout group; -1 for no tie (placed at the edge)
	r          float64
	small      bool    // a second-degree person: a small point
	importance float64 // rank for a label
	classes    []string
}

// scene collects what one map draws.
type scene struct {
	kind, id string
	meta     Meta
	names    map[int]string
	format   Format
	nw       *network
	items    []item
	ties     []Edge      // ties between people drawn
	links    []groupLink // edges to or between groups
	st       styles
	rows     [][]legendItem // legend rows after the circles
	count    map[int]int    // people per circle, for the legend
	facts    map[string]string
	maxLabel int
	// circleNames are the clusters named on the map: cluster → community.
	circleNames map[int]int
}

// groupLink is an edge to or between groups: items a and b (indexes into
// scene.items), with the number of ties it stands for.
type groupLink struct {
	a, b     int
	ties     int
	strength float64 // sum
}

// itemName is the DOT name of an item: a person's id, or '#' and the
// group's SVG id ('#' cannot occur in a person's id).
func (s *scene) itemName(it item) string {
	if it.person >= 0 {
		return s.nw.nodes[it.person].ID
	}
	return groupNode(it.group)
}

// personRadius is the radius of a person on a map of n people, by brokerage.
func personRadius(n int, brokerage float64) float64 {
	base := max(personMinR, min(personMaxR, 120/math.Sqrt(float64(max(n, 1)))))
	return base * (0.75 + 0.85*brokerage)
}

// layout places the items and returns their discs, in items' order.
func (s *scene) layout() []body {
	bodies := make([]body, len(s.items))
	rank := map[string]int{} // styles in the legend's order, grey last
	for k, c := range palette {
		for j, sh := range shapes {
			rank[c+sh.shape] = j*len(palette) + k
		}
	}
	for k, it := range s.items {
		bodies[k] = body{r: it.r, group: it.cluster, key: maxStyles}
		if it.person >= 0 {
			st := s.st.of(s.nw.nodes[it.person].Community)
			if r, ok := rank[st.color+st.shape]; ok {
				bodies[k].key = r
			}
		}
	}
	idx := map[string]int{}
	for k, it := range s.items {
		idx[s.itemName(it)] = k
	}
	var springs []spring
	for _, e := range s.ties {
		a, okA := idx[e.A]
		b, okB := idx[e.B]
		if okA && okB {
			springs = append(springs, spring{a, b, 0.3 + 0.7*e.Strength})
		}
	}
	top := 1
	for _, l := range s.links {
		top = max(top, l.ties)
	}
	for _, l := range s.links {
		springs = append(springs, spring{l.a, l.b, 0.2 + 0.8*float64(l.ties)/float64(top)})
	}
	meanR := 0.0
	for _, b := range bodies {
		meanR += b.r
	}
	meanR /= float64(max(1, len(bodies)))
	clusterLayout(bodies, springs, 0.6*meanR+1.5, sceneSide)
	return bodies
}

// job lays the scene out and writes it as DOT for the nop engine.
func (s *scene) job() job {
	bodies := s.layout()
	// Graphviz's y axis points up; ours down.
	pos := func(x, y float64) attr { return kv("pos", num(x)+","+num(-y)+"!") }

	p := newPlacer(24)
	for k, b := range bodies {
		// A square's corners reach past its inscribed circle.
		r := b.r
		if s.itemShape(s.items[k]) == "square" {
			r *= math.Sqrt2
		}
		p.addDisc(disc{b.x, b.y, r})
	}
	// Names: circles first, then people by importance.
	var cands []labelCand
	cands = append(cands, s.circleLabels(bodies)...)
	order := make([]int, 0, len(s.items))
	for k := range s.items {
		order = append(order, k)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(s.items[b].importance, s.items[a].importance), cmp.Compare(s.itemName(s.items[a]), s.itemName(s.items[b])))
	})
	for _, k := range order {
		it := s.items[k]
		b := bodies[k]
		c := labelCand{disc: k, x: b.x, y: b.y, r: b.r, size: nameFontPt}
		if it.person >= 0 {
			n := s.nw.nodes[it.person]
			c.id, c.text, c.class = "l-"+n.ID, n.Label, "person-label"
			if n.Me {
				c.bold = true
			}
		} else {
			c.id, c.class, c.bold = "l-"+groupID(it.group), classes("circle-label", communityClass(it.group)), true
			c.text = fmt.Sprintf("%s (%d)", s.groupName(it.group), it.size)
		}
		cands = append(cands, c)
	}
	labels := placeLabels(p, cands, s.maxLabel+len(s.circleNames))

	// The legend wraps at the drawing's width.
	x0, y0, x1, y1 := extent(bodies, allIndexes(len(bodies)))
	for _, l := range labels {
		if l.level == 1 {
			x0, y0, x1, y1 = min(x0, l.box.x0), min(y0, l.box.y0), max(x1, l.box.x1), max(y1, l.box.y1)
		}
	}
	rows := append([][]legendItem{circleLegend(s.count, s.st, s.names)}, s.rows...)
	w := newDOT(s.meta.Title, []attr{
		kv("id", s.id), kv("class", s.id),
		kv("splines", "false"), kv("outputorder", "edgesfirst"),
		kv("fontname", fontName), kv("labelloc", "t"), kv("labeljust", "l"), kv("pad", "0.2"),
		kvHTML("label", legend(s.meta, min(x1-x0, sceneMaxPt-60), rows...)),
	}...)
	w.defaults("node", kv("style", "filled"), kv("fixedsize", "true"), kv("color", "#333333"), kvf("penwidth", 0.6),
		kv("fontname", fontName), kvf("fontsize", nameFontPt), kv("fontcolor", labelColor), kv("label", ""))
	w.defaults("edge", kv("fontname", fontName), kvf("fontsize", minFontPt))

	names := make([]string, len(s.items))
	for k, it := range s.items {
		names[k] = s.itemName(it)
		b := bodies[k]
		if it.person >= 0 {
			n := s.nw.nodes[it.person]
			w.node(names[k], append(s.personAttrs(n, it, b.r), pos(b.x, b.y))...)
			continue
		}
		st := s.st.of(it.group)
		name, cls := s.groupName(it.group), communityClass(it.group)
		if it.group == otherGroup {
			cls = "community-other"
		}
		w.node(names[k], kv("id", groupID(it.group)), kv("class", classes("community", cls)),
			kv("shape", st.shape), kv("fillcolor", st.color), kvf("width", 2*b.r/72), kvf("height", 2*b.r/72), kvf("penwidth", 1),
			kv("tooltip", nodeTip(fmt.Sprintf(textCircleTip, name, it.size))), pos(b.x, b.y))
	}
	many := len(s.ties)+len(s.links) > maxSceneTie
	k := map[string]int{}
	for i, n := range names {
		k[n] = i
	}
	for _, l := range s.links {
		a, b := s.items[l.a], s.items[l.b]
		ida, idb := s.svgID(a), s.svgID(b)
		top := 1
		for _, m := range s.links {
			top = max(top, m.ties)
		}
		alpha := "70"
		if many {
			alpha = "48"
		}
		w.edge(names[l.a], names[l.b], kv("id", "g-"+ida+"-"+idb), kv("class", "group-ties"),
			kv("color", "#555555"+alpha),
			kvf("penwidth", 0.6+4*math.Log1p(float64(l.ties))/math.Log1p(float64(top))),
			kv("tooltip", plainText(fmt.Sprintf(textGroupTip, s.itemLabel(a), s.itemLabel(b), l.ties, l.strength/float64(l.ties)))))
	}
	for _, e := range s.ties {
		ia, ib := k[e.A], k[e.B]
		if ib < ia {
			ia, ib = ib, ia
		}
		na, nb := s.nw.nodes[s.items[ia].person], s.nw.nodes[s.items[ib].person]
		w.edge(names[ia], names[ib], append([]attr{
			kv("id", "t-"+e.A+"-"+e.B),
			kv("class", edgeClass(e)),
			kv("tooltip", plainText(edgeTooltip(na, nb, e))),
		}, s.tieStyle(e, na, nb, many)...)...)
	}
	for _, l := range labels {
		font := fontName
		if l.bold {
			font = boldFontName
		}
		cx, cy := (l.box.x0+l.box.x1)/2, (l.box.y0+l.box.y1)/2
		w.node("l:"+l.id, kv("id", l.id), kv("class", classes("label", levelClass(l.level), l.class)),
			kv("shape", "plaintext"), kv("style", ""), kv("label", plainText(l.text)), kvf("fontsize", l.size/l.level),
			kv("fontname", font), kvf("width", (l.box.x1-l.box.x0)/72), kvf("height", (l.box.y1-l.box.y0)/72),
			kvf("margin", 0), pos(cx, cy))
	}
	facts := map[string]string{
		"layout":       "nop",
		"labels_drawn": strconv.Itoa(countLevel(labels, 1)),
	}
	for key, v := range s.facts {
		facts[key] = v
	}
	return job{kind: s.kind, dot: w.String(), layout: graphviz.NOP, format: s.format, meta: s.meta, noLabel: names, facts: facts}
}

func mean(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t / float64(len(v))
}

func allIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func countLevel(labels []placedLabel, z float64) int {
	n := 0
	for _, l := range labels {
		if l.level == z {
			n++
		}
	}
	return n
}

// itemShape is the shape an item is drawn in.
func (s *scene) itemShape(it item) string {
	if it.person >= 0 {
		return s.st.of(s.nw.nodes[it.person].Community).shape
	}
	return s.st.of(it.group).shape
}

func (s *scene) groupName(g int) string {
	if g == otherGroup {
		return textOther
	}
	return communityName(s.names, g)
}

func (s *scene) svgID(it item) string {
	if it.person >= 0 {
		return "p-" + s.nw.nodes[it.person].ID
	}
	return groupID(it.group)
}

func (s *scene) itemLabel(it item) string {
	if it.person >= 0 {
		return s.nw.nodes[it.person].Label
	}
	return s.groupName(it.group)
}

// circleLabels are the names of the clusters, at their top, as large as a
// name may be: each cluster named is the circle most of its people are in.
func (s *scene) circleLabels(bodies []body) []labelCand {
	var out []labelCand
	for _, cl := range sortedKeys(s.circleNames) {
		c := s.circleNames[cl]
		// The cluster's core: the centre of its people (second-degree
		// points aside) and the radius holding half of them.
		var xs, ys []float64
		var rs []float64
		for k, it := range s.items {
			if it.cluster == cl && it.person >= 0 && !it.small {
				xs, ys, rs = append(xs, bodies[k].x), append(ys, bodies[k].y), append(rs, bodies[k].r)
			}
		}
		if len(xs) == 0 {
			continue
		}
		cx, cy := mean(xs), mean(ys)
		ds := make([]float64, len(xs))
		for k := range xs {
			ds[k] = math.Hypot(xs[k]-cx, ys[k]-cy) + rs[k]
		}
		slices.Sort(ds)
		out = append(out, labelCand{id: "n-" + strconv.Itoa(c), text: communityName(s.names, c),
			class: classes("circle-name", communityClass(c)), disc: -1,
			x: cx, y: cy, r: ds[len(ds)/2], size: circleFontPt, bold: true, circle: true})
	}
	return out
}

// personAttrs are the attributes of a person drawn on a scene.
func (s *scene) personAttrs(n Node, it item, r float64) []attr {
	st := s.st.of(n.Community)
	broker, me, dormant := "", "", ""
	if n.Brokerage >= BrokerThreshold {
		broker = "broker"
	}
	if n.Me {
		me = "me"
	}
	if n.Dormant {
		dormant = "dormant"
	}
	a := []attr{
		kv("id", "p-"+n.ID),
		kv("class", classes(append([]string{"person", communityClass(n.Community), broker, me, dormant}, it.classes...)...)),
		kv("shape", st.shape), kv("fillcolor", st.color), kvf("width", 2*r/72), kvf("height", 2*r/72),
		kv("tooltip", nodeTip(nodeTooltip(n))),
	}
	switch {
	case n.Me:
		a = append(a, kvf("penwidth", 3), kv("color", "#000000"))
	case n.Dormant:
		a = append(a, kv("peripheries", "2"), kvf("penwidth", 1.2), kv("color", "#000000"))
	case it.small:
		a = append(a, kvf("penwidth", 0.3))
	}
	if n.URL != "" {
		a = append(a, kv("URL", n.URL))
	}
	return a
}

// tieStyle draws a tie: in its circle's colour when both people are in the
// same circle, grey across; wider when stronger; translucent, so that
// thousands of ties show where they run thick rather than ink the map over.
func (s *scene) tieStyle(e Edge, a, b Node, many bool) []attr {
	color, alpha := "#555555", "80"
	if a.Community == b.Community && a.Community >= 0 {
		if st, ok := s.st[a.Community]; ok {
			color, alpha = st.color, "B0"
		}
	}
	width := 0.6 + 2.4*e.Strength
	if many {
		alpha = map[string]string{"80": "38", "B0": "60"}[alpha]
		width = 0.4 + 1.4*e.Strength
	}
	out := []attr{kv("color", color+alpha), kvf("penwidth", width)}
	switch {
	case e.LocalBridge && !many:
		out = []attr{kv("color", bridgeColor), kvf("penwidth", 1+e.Strength)}
	case e.Weak && !many:
		out = append(out, kv("style", "dashed"))
	}
	return out
}

// clusterOf assigns the people of a map to layout clusters: a circle with at
// least minCluster people drawn is a cluster; someone whose circle is
// smaller joins the cluster they have most ties to; someone tied to no one
// drawn is -1. circle gives each person's circle, adj their ties among the
// drawn (by position in people).
func clusterOf(circle []int, adj [][]int, minCluster int) []int {
	const loose = math.MinInt
	count := map[int]int{}
	for _, c := range circle {
		count[c]++
	}
	big := func(c int) bool { return c >= 0 && count[c] >= minCluster }
	key := make([]int, len(circle))
	for i, c := range circle {
		switch {
		case len(adj[i]) == 0:
			key[i] = loose
		case big(c):
			key[i] = c
		default:
			votes := map[int]int{}
			best, bestN := c, 0
			for _, j := range adj[i] {
				if cj := circle[j]; big(cj) {
					votes[cj]++
					if votes[cj] > bestN || votes[cj] == bestN && cj < best {
						best, bestN = cj, votes[cj]
					}
				}
			}
			key[i] = best
		}
	}
	// Number the clusters 0, 1, ... largest first.
	size := map[int]int{}
	for _, c := range key {
		if c != loose {
			size[c]++
		}
	}
	keys := sortedKeys(size)
	slices.SortStableFunc(keys, func(a, b int) int { return cmp.Compare(size[b], size[a]) })
	num := make(map[int]int, len(keys))
	for k, c := range keys {
		num[c] = k
	}
	out := make([]int, len(circle))
	for i, c := range key {
		out[i] = -1
		if c != loose {
			out[i] = num[c]
		}
	}
	return out
}
