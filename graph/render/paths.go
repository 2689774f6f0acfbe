package render

import (
	"context"
	"fmt"
	"strconv"

	"github.com/goccy/go-graphviz"

	"github.com/nexohq/nexo/graph"
)

// Caps on the intro-path diagram: the first MaxPaths paths are drawn; a path
// of more than MaxPathHops ties is an error (no one asks for an introduction
// through nine people). Together they keep dot, slow on large graphs, to a few
// dozen nodes.
const (
	MaxPaths    = 10
	MaxPathHops = 8
)

// IntroPaths draws the paths from me to a target as a left-to-right dot
// diagram: people as boxes edged in their community's colour, each tie
// labelled with its strength and reason, the best path in black and the
// others in grey. People on several paths are drawn once.
func (r *Renderer) IntroPaths(ctx context.Context, in PathsInput, f Format) ([]byte, error) {
	j, err := pathsJob(in, f)
	if err != nil {
		return nil, err
	}
	return r.render(ctx, j)
}

func pathsJob(in PathsInput, f Format) (job, error) {
	if err := checkFormat(f); err != nil {
		return job{}, err
	}
	if len(in.Paths) == 0 {
		return job{}, graph.FieldErrorf("paths", "No path to draw.")
	}
	paths := in.Paths[:min(len(in.Paths), MaxPaths)]
	var nodes []Node
	var edges []Edge
	seen := map[string]bool{}
	var me, target string
	for k, p := range paths {
		field := fmt.Sprintf("paths[%d]", k)
		if len(p.Nodes) < 2 || len(p.Edges) != len(p.Nodes)-1 {
			return job{}, graph.FieldErrorf(field, "A path needs at least two nodes and one edge between each pair.")
		}
		if len(p.Edges) > MaxPathHops {
			return job{}, graph.Errorf(graph.ETOOLARGE, "Path %d has %d ties (at most %d).", k+1, len(p.Edges), MaxPathHops)
		}
		first, last := p.Nodes[0].ID, p.Nodes[len(p.Nodes)-1].ID
		if k == 0 {
			me, target = first, last
		}
		if first != me || last != target {
			return job{}, graph.FieldErrorf(field, "Every path must run from the same person to the same target.")
		}
		for i, n := range p.Nodes {
			if i == 0 {
				n.Me = true
			}
			if !seen[n.ID] {
				seen[n.ID] = true
				nodes = append(nodes, n)
			}
		}
		for i, e := range p.Edges {
			a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
			if !(e.A == a && e.B == b || e.A == b && e.B == a) {
				return job{}, graph.FieldErrorf(fmt.Sprintf("%s.edges[%d]", field, i), "Edge must join %q and %q.", a, b)
			}
			edges = append(edges, e)
		}
	}
	nw, err := prepare(nodes, edges)
	if err != nil {
		return job{}, err
	}

	// Which paths use each tie, and in which direction they walk it.
	type hop struct{ from, to string }
	onPaths := map[[2]string][]int{}
	dir := map[[2]string]hop{}
	var order [][2]string
	for k, p := range paths {
		for i := range p.Edges {
			a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
			key := [2]string{min(a, b), max(a, b)}
			if _, ok := onPaths[key]; !ok {
				order = append(order, key)
				dir[key] = hop{a, b}
			}
			onPaths[key] = append(onPaths[key], k+1)
		}
	}
	edgeOf := map[[2]string]Edge{}
	for _, e := range nw.edges {
		edgeOf[[2]string{e.A, e.B}] = e
	}

	var items []legendItem
	for k, p := range paths {
		items = append(items, legendItem{glyph: "▬▬", text: fmt.Sprintf("path %d: %d ties, score %.2f", k+1, len(p.Edges), p.Score)})
	}
	w := newDOT(in.Meta.Title, []attr{
		kv("id", "intro-paths"), kv("class", "intro-paths"), kv("rankdir", "LR"), kv("nodesep", "0.3"), kv("ranksep", "0.9"),
		kv("fontname", fontName), kv("labelloc", "t"), kv("labeljust", "l"), kv("pad", "0.3"),
		kvHTML("label", legend(in.Meta, 600, items, []legendItem{
			{swatch: "#000000", text: "best path"}, {swatch: edgeColor, text: "other paths"},
			{glyph: "– – –", text: "weak tie"}, {glyph: "══", text: "local bridge"},
		})),
	}...)
	w.defaults("node", kv("shape", "box"), kv("style", "rounded,filled"), kv("fillcolor", "#FFFFFF"),
		kvf("penwidth", 3), kv("fontname", fontName), kvf("fontsize", 11), kv("fontcolor", textColor), kvf("margin", 0.12))
	w.defaults("edge", kv("fontname", fontName), kvf("fontsize", 9), kv("fontcolor", textColor))
	count := map[int]int{}
	for _, n := range nw.nodes {
		count[n.Community]++
	}
	st := assignStyles(count)
	for _, n := range nw.nodes {
		role := ""
		switch n.ID {
		case me:
			role = "me"
		case target:
			role = "target"
		}
		a := []attr{
			kv("id", "p-"+n.ID),
			kv("class", classes("person", communityClass(n.Community), role)),
			kv("color", st.of(n.Community).color),
			kv("tooltip", nodeTip(nodeTooltip(n))),
			kvHTML("label", personLabel(n, true)),
		}
		switch role {
		case "me":
			a = append(a, kv("color", "#000000"))
		case "target":
			a = append(a, kv("peripheries", "2"))
		}
		if n.URL != "" {
			a = append(a, kv("URL", n.URL))
		}
		w.node(n.ID, a...)
	}
	for _, key := range order {
		e, h, ks := edgeOf[key], dir[key], onPaths[key]
		cls := []string{edgeClass(e)}
		for _, k := range ks {
			cls = append(cls, "path-"+strconv.Itoa(k))
		}
		label := fmt.Sprintf("%.2f", e.Strength)
		if e.Reason != "" {
			label += " · " + e.Reason
		}
		a := []attr{
			kv("id", "h-"+e.A+"-"+e.B),
			kv("class", classes(cls...)),
			kv("label", clip(label, 60)),
			kv("tooltip", edgeTooltip(nw.nodes[nw.index[e.A]], nw.nodes[nw.index[e.B]], e)),
			kvf("penwidth", 1+3*e.Strength),
		}
		switch {
		case e.LocalBridge && ks[0] == 1:
			a = append(a, kv("color", bridgeColor))
		case e.LocalBridge:
			a = append(a, kv("color", "#7F7F7F:#FFFFFF:#7F7F7F"))
		case ks[0] == 1:
			a = append(a, kv("color", "#000000"))
		default:
			a = append(a, kv("color", edgeColor))
		}
		if e.Weak {
			a = append(a, kv("style", "dashed"))
		}
		w.edge(h.from, h.to, a...)
	}
	return job{
		kind: "paths", dot: w.String(), layout: graphviz.DOT, format: f, meta: in.Meta,
		facts: map[string]string{
			"paths_drawn":  strconv.Itoa(len(paths)),
			"people_drawn": strconv.Itoa(len(nw.nodes)),
			"ties_drawn":   strconv.Itoa(len(order)),
			"layout":       "dot",
		},
	}, nil
}
