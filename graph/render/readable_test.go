package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

// The maps must read at their default size: the PNG that the API answers
// (96 dpi, at most pngMaxSide pixels) and the SVG as a browser shows it on
// its own (the labels of zoom levels hidden). These tests read the SVG.

// svgText is one <text> of an SVG.
type svgText struct {
	x, y, size float64
	anchor     string
	bold       bool
	text       string
	hidden     bool // inside a group shown only when zoomed in
	group      string
}

// svgShape is the first shape of a node group: a person or a circle.
type svgShape struct {
	id, class    string
	kind, fill   string // kind: circle, square, diamond, triangle
	x, y, radius float64
}

// svgPicture is what the tests read from an SVG.
type svgPicture struct {
	width, height float64 // points
	texts         []svgText
	shapes        []svgShape
}

// pngScale is the pixels per SVG unit of the default PNG.
func (p svgPicture) pngScale() float64 {
	return min(pngDPI/72.0, pngMaxSide/max(p.width, p.height))
}

func readPicture(tb testing.TB, svg []byte) svgPicture {
	tb.Helper()
	var p svgPicture
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	type g struct {
		id, class string
		hidden    bool
		shaped    bool
	}
	var stack []*g
	var text *svgText
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("SVG does not parse: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			a := attrs(el)
			var top *g
			if len(stack) > 0 {
				top = stack[len(stack)-1]
			}
			switch el.Name.Local {
			case "svg":
				p.width = num64(strings.TrimSuffix(a["width"], "pt"))
				p.height = num64(strings.TrimSuffix(a["height"], "pt"))
			case "g":
				ng := &g{id: a["id"], class: a["class"], hidden: zoomOnly(a["class"]) || top != nil && top.hidden}
				if top != nil && ng.class == "" { // the <g> of a link inside a node
					ng.id, ng.class = top.id, top.class
				}
				stack = append(stack, ng)
			case "text":
				text = &svgText{x: num64(a["x"]), y: num64(a["y"]), size: num64(a["font-size"]), anchor: a["text-anchor"],
					bold: a["font-weight"] == "bold", hidden: top != nil && top.hidden}
				if top != nil {
					text.group = top.id
				}
			case "ellipse", "polygon":
				if top == nil || top.shaped || !strings.Contains(" "+top.class+" ", " node ") || top.class == "graph" {
					break
				}
				if !strings.Contains(top.class, "person") && !strings.Contains(top.class, "community") {
					break
				}
				top.shaped = true
				s := svgShape{id: top.id, class: top.class, fill: strings.ToLower(a["fill"])}
				if el.Name.Local == "ellipse" {
					s.kind, s.x, s.y, s.radius = "circle", num64(a["cx"]), num64(a["cy"]), num64(a["rx"])
				} else {
					s.kind, s.x, s.y, s.radius = polygonKind(a["points"])
				}
				p.shapes = append(p.shapes, s)
			}
		case xml.CharData:
			if text != nil {
				text.text += string(el)
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "g":
				stack = stack[:len(stack)-1]
			case "text":
				if text != nil && strings.TrimSpace(text.text) != "" {
					text.text = strings.TrimSpace(text.text)
					p.texts = append(p.texts, *text)
				}
				text = nil
			}
		}
	}
	return p
}

// polygonKind tells Graphviz's node polygons apart by their corners: a
// triangle has three, a square's first side is horizontal or vertical, a
// diamond's is not.
func polygonKind(points string) (kind string, x, y, radius float64) {
	var xs, ys []float64
	for _, p := range strings.Fields(points) {
		a, b, _ := strings.Cut(p, ",")
		xs, ys = append(xs, num64(a)), append(ys, num64(b))
	}
	if n := len(xs); n > 1 && xs[0] == xs[n-1] && ys[0] == ys[n-1] {
		xs, ys = xs[:n-1], ys[:n-1]
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range xs {
		x0, y0, x1, y1 = min(x0, xs[i]), min(y0, ys[i]), max(x1, xs[i]), max(y1, ys[i])
	}
	x, y, radius = (x0+x1)/2, (y0+y1)/2, max(x1-x0, y1-y0)/2
	switch {
	case len(xs) == 3:
		kind = "triangle"
	case len(xs) == 4 && (math.Abs(xs[0]-xs[1]) < 0.01 || math.Abs(ys[0]-ys[1]) < 0.01):
		kind = "square"
	case len(xs) == 4:
		kind = "diamond"
	default:
		kind = fmt.Sprintf("polygon-%d", len(xs))
	}
	return
}

// box is the ink of a text as the PNG draws it: its measured width, and
// from cap height to descender.
func (t svgText) box() rect {
	w := textWidth(t.text, t.size, t.bold)
	x0 := t.x
	switch t.anchor {
	case "middle":
		x0 -= w / 2
	case "end":
		x0 -= w
	}
	return rect{x0, t.y - 0.72*t.size, x0 + w, t.y + 0.2*t.size}
}

// checkReadable fails when a text shown at the default size is under
// minPixels in the default PNG, or when two such texts overlap.
func checkReadable(t *testing.T, name string, svg []byte) {
	t.Helper()
	const minPixels = 11
	p := readPicture(t, svg)
	scale := p.pngScale()
	var shown []svgText
	for _, x := range p.texts {
		if x.hidden {
			continue
		}
		shown = append(shown, x)
		if px := x.size * scale; px < minPixels-0.01 {
			t.Errorf("%s: %q is %.1f px high in the default PNG (%.0f×%.0f pt at %.2f px/pt), want at least %d",
				name, x.text, px, p.width, p.height, scale, minPixels)
		}
	}
	overlaps := 0
	for i := range shown {
		a := shown[i].box()
		for j := i + 1; j < len(shown); j++ {
			b := shown[j].box()
			// A hair of tolerance: boxes that touch are fine.
			if a.x0+0.3 < b.x1 && b.x0+0.3 < a.x1 && a.y0+0.3 < b.y1 && b.y0+0.3 < a.y1 {
				if overlaps < 5 {
					t.Errorf("%s: %q (%s) and %q (%s) overlap", name, shown[i].text, shown[i].group, shown[j].text, shown[j].group)
				}
				overlaps++
			}
		}
	}
	if overlaps > 5 {
		t.Errorf("%s: %d overlapping texts in all", name, overlaps)
	}
	if len(shown) < 3 {
		t.Errorf("%s: %d texts shown, want a title, a legend and names", name, len(shown))
	}
}

// reportEgo is a small ego map like the report's: a few people in circles
// with long names, whose legend entries fill a row.
var reportEgo = func() EgoInput {
	in := EgoInput{Meta: Meta{Title: "Your network this week"}, Radius: 1, CommunityNames: map[int]string{
		0: "Universidad de Sevilla", 1: "東京大学 の 同窓生", 2: "python / machine learning", 3: "جامعة القاهرة",
		4: "Wonka Industries", 5: "Marta López's circle"}}
	in.Nodes = append(in.Nodes, Node{ID: "me", Label: "Alex Rivera", Me: true})
	for i := range 12 {
		id := fmt.Sprintf("p%d", i)
		in.Nodes = append(in.Nodes, Node{ID: id, Label: fmt.Sprintf("Persona Número %d", i), Community: i % 6, Dormant: i%5 == 0})
		in.Edges = append(in.Edges, Edge{A: "me", B: id, Strength: 0.8})
		if i > 0 {
			in.Edges = append(in.Edges, Edge{A: fmt.Sprintf("p%d", i-1), B: id, Strength: 0.5, Weak: i%2 == 0})
		}
	}
	return in
}()

// readableMaps are maps of every kind and size, from the report's few
// people to the caps.
func readableMaps(r *Renderer) []struct {
	name   string
	render func(Format) ([]byte, error)
} {
	ctx := context.Background()
	big := syntheticNetwork(2000, 4, 21) // community 0 has about 1,000 members
	return []struct {
		name   string
		render func(Format) ([]byte, error)
	}{
		{"ego-small", func(f Format) ([]byte, error) { return r.EgoMap(ctx, smallEgo, f) }},
		{"ego-report", func(f Format) ([]byte, error) { return r.EgoMap(ctx, reportEgo, f) }},
		{"ego-60", func(f Format) ([]byte, error) { return r.EgoMap(ctx, syntheticEgo(60, 5), f) }},
		{"ego-500", func(f Format) ([]byte, error) { return r.EgoMap(ctx, syntheticEgo(MaxEgoNodes, 6), f) }},
		{"overview-people", func(f Format) ([]byte, error) { return r.Overview(ctx, syntheticNetwork(MaxOverviewPeople, 40, 7), f) }},
		{"overview-aggregated", func(f Format) ([]byte, error) { return r.Overview(ctx, syntheticNetwork(5000, 200, 8), f) }},
		{"community-1000", func(f Format) ([]byte, error) {
			return r.CommunityMap(ctx, CommunityInput{Meta: Meta{Title: "A circle of 1,000"}, Community: 0, Nodes: big.Nodes, Edges: big.Edges}, f)
		}},
		{"paths", func(f Format) ([]byte, error) { return r.IntroPaths(ctx, smallPaths, f) }},
	}
}

// TestLabelsReadable: no two texts overlap and none is under 11 px in the
// default PNG, on maps of every kind. The legend's words used to overlap
// on small maps (Graphviz sized them narrower than the PNG's fonts draw
// them), and large maps drew 5-pixel names.
func TestLabelsReadable(t *testing.T) {
	r := newRenderer(t)
	for _, m := range readableMaps(r) {
		t.Run(m.name, func(t *testing.T) {
			svg, err := m.render(SVG)
			if err != nil {
				t.Fatal(err)
			}
			checkReadable(t, m.name, svg)
		})
	}
}

// TestCircleStyles: no two circles drawn in one picture share a colour and a
// shape, even with more circles than the palette has colours.
func TestCircleStyles(t *testing.T) {
	r := newRenderer(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		in   OverviewInput
	}{
		{"people-40-circles", syntheticNetwork(MaxOverviewPeople, 40, 9)},
		{"aggregated-200-circles", syntheticNetwork(5000, 200, 10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg, err := r.Overview(ctx, tc.in, SVG)
			if err != nil {
				t.Fatal(err)
			}
			p := readPicture(t, svg)
			styleOf := map[string]string{} // community class → colour and shape
			owner := map[string]string{}   // colour and shape → community class
			for _, s := range p.shapes {
				c := ""
				for _, cls := range strings.Fields(s.class) {
					if strings.HasPrefix(cls, "community-") {
						c = cls
					}
				}
				if c == "" || s.fill == strings.ToLower(otherColor) || c == "community-other" {
					continue // grey: no circle told apart
				}
				style := s.fill + " " + s.kind
				if prev, ok := styleOf[c]; ok && prev != style {
					t.Errorf("%s is drawn as %s and as %s", c, prev, style)
				}
				styleOf[c] = style
				if o, ok := owner[style]; ok && o != c {
					t.Errorf("%s and %s are both drawn as %s", o, c, style)
				}
				owner[style] = c
			}
			if len(styleOf) < len(palette)+1 {
				t.Errorf("got %d circles told apart, want more than the palette's %d", len(styleOf), len(palette))
			}
		})
	}
}

// TestDrillDownLegible drills into a circle of about 1,000 people: it used to
// come out as a pile of people drawn over each other in a corner of the
// picture. No two people may overlap, each must be at least 4 pixels wide
// in the default PNG, and together they must fill the picture.
func TestDrillDownLegible(t *testing.T) {
	r := newRenderer(t)
	in := syntheticNetwork(2000, 4, 21)
	members := 0
	for _, n := range in.Nodes {
		if n.Community == 0 {
			members++
		}
	}
	if members < 900 {
		t.Fatalf("the synthetic circle has %d members, want about 1,000", members)
	}
	svg, err := r.CommunityMap(context.Background(), CommunityInput{Meta: Meta{Title: "A big circle"}, Community: 0, Nodes: in.Nodes, Edges: in.Edges}, SVG)
	if err != nil {
		t.Fatal(err)
	}
	p := readPicture(t, svg)
	scale := p.pngScale()
	var people []svgShape
	for _, s := range p.shapes {
		if strings.Contains(s.class, "person") {
			people = append(people, s)
		}
	}
	if len(people) != MaxCommunityNodes {
		t.Fatalf("got %d people drawn, want %d", len(people), MaxCommunityNodes)
	}
	worst := math.Inf(1)
	var pair [2]string
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, a := range people {
		if px := 2 * a.radius * scale; px < 4 {
			t.Errorf("%s is %.1f px wide in the default PNG, want at least 4", a.id, px)
		}
		x0, y0, x1, y1 = min(x0, a.x), min(y0, a.y), max(x1, a.x), max(y1, a.y)
		for _, b := range people[i+1:] {
			if gap := math.Hypot(a.x-b.x, a.y-b.y) - a.radius - b.radius; gap < worst {
				worst, pair = gap, [2]string{a.id, b.id}
			}
		}
	}
	if worst < 0 {
		t.Errorf("%s and %s overlap by %.1f pt", pair[0], pair[1], -worst)
	}
	if w, h := x1-x0, y1-y0; w < 0.3*p.width || h < 0.2*p.height {
		t.Errorf("the members take %.0f×%.0f pt of a %.0f×%.0f pt picture, want them spread over it", w, h, p.width, p.height)
	}
}
