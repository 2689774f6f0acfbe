package render

// connectors returns invisible edges that join every connected component of a
// drawing to its hub. sfdp and neato lay out and pack each component on its
// own, which for the hundreds of isolated people a capped map can have takes
// seconds; joined, the isolated people settle around the hub. names and links
// are DOT names, in drawing order.
func connectors(names []string, links [][2]string, hub string) [][2]string {
	idx := make(map[string]int, len(names))
	for i, n := range names {
		idx[n] = i
	}
	parent := make([]int, len(names))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, l := range links {
		a, okA := idx[l[0]]
		b, okB := idx[l[1]]
		if okA && okB {
			parent[find(a)] = find(b)
		}
	}
	h, ok := idx[hub]
	if !ok {
		return nil
	}
	joined := map[int]bool{find(h): true}
	var out [][2]string
	for i, n := range names {
		if r := find(i); !joined[r] {
			joined[r] = true
			out = append(out, [2]string{hub, n})
		}
	}
	return out
}

// writeConnectors writes the connectors as invisible edges, which Graphviz
// lays out but does not draw.
func writeConnectors(w *dotWriter, cs [][2]string) {
	for _, c := range cs {
		w.edge(c[0], c[1], kv("style", "invis"), kvf("weight", 0.1))
	}
}

func tieLinks(edges []Edge) [][2]string {
	out := make([][2]string, len(edges))
	for k, e := range edges {
		out[k] = [2]string{e.A, e.B}
	}
	return out
}
