package render

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nexohq/nexo/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func newRenderer(tb testing.TB) *Renderer {
	tb.Helper()
	r, err := New(context.Background())
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		if err := r.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return r
}

// Small hand-made inputs for the golden files.
var (
	smallEgo = EgoInput{
		Meta:   Meta{Title: "Ana's network", Description: "Radius 2, as of the last import.", Fields: map[string]string{"workspace": "w1"}},
		Radius: 2,
		Nodes: []Node{
			{ID: "ana", Label: "Ana Pérez", Subtitle: "CTO @ Acme", Community: 0, Brokerage: 0.9, Me: true, URL: "/people/ana"},
			{ID: "bo", Label: "Bo", Subtitle: "Designer @ Acme", Community: 0, Brokerage: 0.2, URL: "/people/bo"},
			{ID: "cy", Label: "Cy", Subtitle: "Investor @ Fund", Community: 1, Brokerage: 0.7, URL: "/people/cy"},
			{ID: "di", Label: "Di", Subtitle: "Founder @ Start", Community: 1, Dormant: true},
			{ID: "ed", Label: "Ed", Community: 2, Brokerage: 0.1},
			{ID: "fa", Label: "Fa", Community: 9},
			{ID: "far", Label: "Too far", Community: 2}, // three hops: not drawn
		},
		Edges: []Edge{
			{A: "ana", B: "bo", Strength: 0.9, Reason: "worked together at Acme 2019–2022"},
			{A: "ana", B: "cy", Strength: 0.2, Weak: true, LocalBridge: true, Reason: "met at a conference"},
			{A: "cy", B: "di", Strength: 0.6},
			{A: "bo", B: "ed", Strength: 0.4},
			{A: "ed", B: "bo", Strength: 0.5, Reason: "duplicate, merged"},
			{A: "ana", B: "fa", Strength: 0.3},
			{A: "ed", B: "far", Strength: 0.3},
		},
		CommunityNames: map[int]string{0: "Acme", 1: "Investors"},
	}
	smallOverview = OverviewInput{
		Meta: Meta{Title: "Whole network"},
		Nodes: []Node{
			{ID: "a", Label: "A", Community: 0, Me: true},
			{ID: "b", Label: "B", Community: 0, Brokerage: 0.8},
			{ID: "c", Label: "C", Community: 1},
			{ID: "d", Label: "D", Community: 1},
			{ID: "lonely", Label: "Lonely", Community: -1},
		},
		Edges: []Edge{
			{A: "a", B: "b", Strength: 0.8},
			{A: "b", B: "c", Strength: 0.5, LocalBridge: true},
			{A: "c", B: "d", Strength: 0.1, Weak: true},
		},
	}
	smallPaths = PathsInput{
		Meta: Meta{Title: "Who can introduce me to Zoe?"},
		Paths: []Path{
			{Score: 0.72, Nodes: []Node{{ID: "me", Label: "Me"}, {ID: "bo", Label: "Bo", Subtitle: "PM @ Acme", Community: 1}, {ID: "zoe", Label: "Zoe", Community: 2}},
				Edges: []Edge{{A: "me", B: "bo", Strength: 0.9, Reason: "worked together at Acme 2019–2022"}, {A: "zoe", B: "bo", Strength: 0.8, Reason: "co-founded Zeta"}}},
			{Score: 0.2, Nodes: []Node{{ID: "me", Label: "Me"}, {ID: "cy", Label: "Cy", Community: 3}, {ID: "bo", Label: "Bo"}, {ID: "zoe", Label: "Zoe"}},
				Edges: []Edge{{A: "me", B: "cy", Strength: 0.25, Weak: true, Reason: "met once"}, {A: "cy", B: "bo", Strength: 0.5, LocalBridge: true}, {A: "bo", B: "zoe", Strength: 0.8}}},
		},
	}
)

func TestGolden(t *testing.T) {
	r := newRenderer(t)
	ctx := context.Background()
	aggregated := syntheticNetwork(MaxOverviewPeople+100, 50, 3)
	community := CommunityInput{Meta: Meta{Title: "Community 1"}, Community: 1, Nodes: aggregated.Nodes, Edges: aggregated.Edges}
	for _, tc := range []struct {
		name   string
		render func() ([]byte, error)
	}{
		{"ego", func() ([]byte, error) { return r.EgoMap(ctx, smallEgo, SVG) }},
		{"overview", func() ([]byte, error) { return r.Overview(ctx, smallOverview, SVG) }},
		{"overview_aggregated", func() ([]byte, error) { return r.Overview(ctx, aggregated, SVG) }},
		{"community", func() ([]byte, error) { return r.CommunityMap(ctx, community, SVG) }},
		{"paths", func() ([]byte, error) { return r.IntroPaths(ctx, smallPaths, SVG) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg, err := tc.render()
			if err != nil {
				t.Fatal(err)
			}
			got := summarize(t, svg)
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("SVG structure differs from %s (go test -update rewrites it):\n%s", path, diff(string(want), got))
			}
		})
	}
}

// summarize lists the structure of an SVG: its title and metadata, the legend's
// texts, and every node and edge group with its id, classes, link, tooltip and
// texts. Coordinates are left out: the golden files pin structure, not pixels.
func summarize(tb testing.TB, svg []byte) string {
	tb.Helper()
	type group struct {
		id, class, href, tooltip string
		texts                    []string
	}
	var (
		out     strings.Builder
		stack   []*group // open <g> elements; nil for those not summarized
		current *group
		inText  bool
		inMeta  bool
		inTitle bool
		depth   int
	)
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
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
			depth++
			attr := func(name string) string {
				for _, a := range el.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch el.Name.Local {
			case "g":
				var g *group
				cls := attr("class")
				if current == nil && (strings.HasPrefix(cls, "node") || strings.HasPrefix(cls, "edge") || attr("id") == "a_legend") {
					g = &group{id: attr("id"), class: cls}
					current = g
				}
				stack = append(stack, g)
			case "a":
				if current != nil {
					current.href = attr("href")
					current.tooltip = attr("title")
				}
			case "text":
				inText = true
			case "metadata":
				inMeta = true
			case "title":
				inTitle = depth == 2 // the <title> we add as the first child of <svg>
			}
		case xml.EndElement:
			depth--
			switch el.Name.Local {
			case "g":
				g := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if g != nil {
					fmt.Fprintf(&out, "%s id=%q class=%q", strings.Fields(g.class + " legend")[0], g.id, g.class)
					if g.href != "" {
						fmt.Fprintf(&out, " href=%q", g.href)
					}
					if g.tooltip != "" {
						fmt.Fprintf(&out, " tooltip=%q", g.tooltip)
					}
					if len(g.texts) > 0 {
						fmt.Fprintf(&out, " text=%q", g.texts)
					}
					out.WriteString("\n")
					current = nil
				}
			case "text":
				inText = false
			case "metadata":
				inMeta = false
			case "title":
				inTitle = false
			}
		case xml.CharData:
			s := strings.TrimSpace(string(el))
			switch {
			case inText && current != nil && s != "":
				current.texts = append(current.texts, s)
			case inMeta:
				fmt.Fprintf(&out, "metadata %s\n", s)
			case inTitle:
				fmt.Fprintf(&out, "title %q\n", s)
			}
		}
	}
	return out.String()
}

// diff shows the first lines where want and got differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var lw, lg string
		if i < len(w) {
			lw = w[i]
		}
		if i < len(g) {
			lg = g[i]
		}
		if lw != lg {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, lw, lg)
			shown++
		}
	}
	return b.String()
}

func TestDeterministic(t *testing.T) {
	r := newRenderer(t)
	ctx := context.Background()
	for _, f := range []Format{SVG, PNG} {
		for _, tc := range []struct {
			name   string
			render func() ([]byte, error)
		}{
			{"ego", func() ([]byte, error) { return r.EgoMap(ctx, syntheticEgo(60, 5), f) }},
			{"overview", func() ([]byte, error) { return r.Overview(ctx, syntheticNetwork(200, 5, 5), f) }}, // sfdp
			{"paths", func() ([]byte, error) { return r.IntroPaths(ctx, syntheticPaths(3), f) }},
		} {
			t.Run(tc.name+"_"+string(f), func(t *testing.T) {
				first, err := tc.render()
				if err != nil {
					t.Fatal(err)
				}
				// Something else in between, so that no state left in the
				// WebAssembly module goes unnoticed.
				if _, err := r.EgoMap(ctx, smallEgo, f); err != nil {
					t.Fatal(err)
				}
				second, err := tc.render()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(first, second) {
					t.Errorf("two renderings of the same input differ (%d and %d bytes)", len(first), len(second))
				}
			})
		}
	}
}

// TestInputOrder checks that shuffling nodes and edges changes nothing.
func TestInputOrder(t *testing.T) {
	r := newRenderer(t)
	ctx := context.Background()
	in := syntheticEgo(40, 9)
	want, err := r.EgoMap(ctx, in, SVG)
	if err != nil {
		t.Fatal(err)
	}
	rev := in
	rev.Nodes = reversed(in.Nodes)
	rev.Edges = reversed(in.Edges)
	for i := range rev.Edges {
		rev.Edges[i].A, rev.Edges[i].B = rev.Edges[i].B, rev.Edges[i].A
	}
	got, err := r.EgoMap(ctx, rev, SVG)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("reversing the input changed the rendering")
	}
}

func reversed[T any](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func TestPNG(t *testing.T) {
	r := newRenderer(t)
	in := EgoInput{
		Meta:   Meta{Title: "Three people", Description: "A strong tie between my two contacts."},
		Radius: 1,
		Nodes:  []Node{{ID: "a", Label: "A", Me: true, Community: 0}, {ID: "b", Label: "B", Community: 1}, {ID: "c", Label: "C", Community: 2}},
		Edges:  []Edge{{A: "a", B: "b", Strength: 1}, {A: "a", B: "c", Strength: 1}, {A: "b", B: "c", Strength: 1}},
	}
	p, err := r.EgoMap(context.Background(), in, PNG)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(p, pngMagic) {
		t.Fatalf("got % x, want the PNG signature", p[:min(8, len(p))])
	}
	for _, want := range []string{"iTXtTitle\x00\x00\x00\x00\x00Three people", "iTXtSoftware\x00\x00\x00\x00\x00Nexo", `iTXtnexo:metadata`} {
		if !bytes.Contains(p, []byte(want)) {
			t.Errorf("PNG lacks the text chunk %q", want)
		}
	}
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		t.Fatalf("PNG does not decode (are the chunk CRCs right?): %v", err)
	}
	// The tie between B and C, across circles, is the only translucent grey
	// (#555555 at half opacity on white) drawn (go-graphviz's own PNG
	// renderer dropped edges).
	grey := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == g>>8 && g>>8 == bl>>8 && r>>8 >= 0xA4 && r>>8 <= 0xAE {
				grey++
			}
		}
	}
	if grey < 50 {
		t.Errorf("got %d pixels of the tie's grey, want the tie drawn (at least 50)", grey)
	}
}

func TestSVGMetadata(t *testing.T) {
	r := newRenderer(t)
	svg, err := r.EgoMap(context.Background(), smallEgo, SVG)
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(svg, []byte(`<metadata id="nexo-metadata">`))
	end := bytes.Index(svg, []byte(`</metadata>`))
	if start < 0 || end < start {
		t.Fatal("no <metadata id=\"nexo-metadata\"> element")
	}
	var md map[string]string
	if err := json.Unmarshal(svg[start+len(`<metadata id="nexo-metadata">`):end], &md); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"kind": "ego", "title": "Ana's network", "workspace": "w1", "radius": "2", "people_drawn": "5", "ties_drawn": "2",
		"layout": "nop", "center": "ana"}
	for k, v := range want {
		if md[k] != v {
			t.Errorf("metadata %s: got %q, want %q", k, md[k], v)
		}
	}
	if !bytes.Contains(svg, []byte("<desc>Radius 2, as of the last import.</desc>")) {
		t.Error("no <desc> with the description")
	}
}

func TestEscaping(t *testing.T) {
	r := newRenderer(t)
	nasty := `Zoë "Q" O'Neil \N <b>&amp;</b>`
	in := EgoInput{
		Meta:   Meta{Title: `Title with "quotes" and \N`},
		Radius: 1,
		Nodes: []Node{
			{ID: "me", Label: "Me", Me: true},
			{ID: "a", Label: nasty, Subtitle: "x\ny\tz"},
			{ID: "b", Label: `"]; evil -- x [label="`, Subtitle: "¿Quién me puede presentar a…?"},
		},
		Edges: []Edge{{A: "a", B: "b", Strength: 0.5, Reason: `a\b "c" <d>`}, {A: "me", B: "a"}, {A: "me", B: "b"}},
	}
	svg, err := r.EgoMap(context.Background(), in, SVG)
	if err != nil {
		t.Fatal(err)
	}
	got := summarize(t, svg)
	for _, want := range []string{
		`title "Title with \"quotes\" and \\N"`,
		`"Zoë \"Q\" O'Neil \\N <b>&amp;</b>"`,
		`x y z`,
		`"\"]; evil -- x [label=\""`,
		`¿Quién me puede presentar a…?`,
		`a\\b \"c\" <d>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rendering lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"x"`) || strings.Count(got, "\nnode id=\"p-") != 2 {
		t.Errorf("a label broke out of its string:\n%s", got)
	}
}

func TestCaps(t *testing.T) {
	r := newRenderer(t)
	ctx := context.Background()

	t.Run("EgoNodes", func(t *testing.T) {
		in := syntheticEgo(MaxEgoNodes+200, 11)
		svg, err := r.EgoMap(ctx, in, SVG)
		if err != nil {
			t.Fatal(err)
		}
		got := summarize(t, svg)
		if n := strings.Count(got, "\nnode id=\"p-"); n != MaxEgoNodes-1 {
			t.Errorf("got %d people drawn, want %d (me is not drawn)", n, MaxEgoNodes-1)
		}
		if !strings.Contains(got, fmt.Sprintf("Showing the %d most important of %d people.", MaxEgoNodes, MaxEgoNodes+200)) {
			t.Error("the legend does not say people were left out")
		}
		if strings.Contains(got, `id="p-p0000"`) || !strings.Contains(got, `"center":"p0000"`) {
			t.Error("me is drawn, or not named as the centre")
		}
	})
	t.Run("EgoEdges", func(t *testing.T) {
		in := syntheticEgo(120, 12)
		for i := 1; i < len(in.Nodes); i++ { // a clique: 7,140 ties
			for j := i + 1; j < len(in.Nodes); j++ {
				in.Edges = append(in.Edges, Edge{A: in.Nodes[i].ID, B: in.Nodes[j].ID, Strength: 0.1})
			}
		}
		j, err := egoJob(in, SVG)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(j.dot, " -- "); n != MaxEgoEdges {
			t.Errorf("got %d ties, want %d", n, MaxEgoEdges)
		}
		if n := strings.Count(j.dot, `class="person`); n != 119 {
			t.Errorf("got %d people, want all 119 contacts (each keeps the tie that reaches them)", n)
		}
	})
	t.Run("OverviewAggregates", func(t *testing.T) {
		j, err := overviewJob(syntheticNetwork(5000, 200, 13), SVG)
		if err != nil {
			t.Fatal(err)
		}
		groups := strings.Count(j.dot, `class="community `)
		people := strings.Count(j.dot, `class="person `)
		if groups != MaxOverviewCommunities+1 || people != MaxOverviewBrokers+1 {
			t.Errorf("got %d groups and %d people, want %d and %d", groups, people, MaxOverviewCommunities+1, MaxOverviewBrokers+1)
		}
		if n := strings.Count(j.dot, `class="group-ties"`); n > MaxGroupEdges {
			t.Errorf("got %d group edges, want at most %d", n, MaxGroupEdges)
		}
	})
	t.Run("OverviewPeople", func(t *testing.T) {
		j, err := overviewJob(syntheticNetwork(MaxOverviewPeople, 5, 14), SVG)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(j.dot, `class="person `); n != MaxOverviewPeople {
			t.Errorf("got %d people, want %d drawn one by one", n, MaxOverviewPeople)
		}
	})
	t.Run("CommunityMembers", func(t *testing.T) {
		net := syntheticNetwork(20000, 4, 15)
		j, err := communityJob(CommunityInput{Community: 0, Nodes: net.Nodes, Edges: net.Edges}, SVG)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(j.dot, `class="person community-0`); n != MaxCommunityNodes {
			t.Errorf("got %d members, want %d", n, MaxCommunityNodes)
		}
		if strings.Contains(j.dot, `class="community community-0"`) {
			t.Error("the community drilled into is also drawn as a group")
		}
	})
	t.Run("Paths", func(t *testing.T) {
		j, err := pathsJob(syntheticPaths(MaxPaths+3), SVG)
		if err != nil {
			t.Fatal(err)
		}
		if j.facts["paths_drawn"] != fmt.Sprint(MaxPaths) {
			t.Errorf("got %s paths drawn, want %d", j.facts["paths_drawn"], MaxPaths)
		}
	})
	t.Run("PathTooLong", func(t *testing.T) {
		in := syntheticPaths(1)
		p := &in.Paths[0]
		for i := 0; i < MaxPathHops; i++ {
			last := p.Nodes[len(p.Nodes)-1]
			n := Node{ID: fmt.Sprintf("x%d", i), Label: "X"}
			p.Nodes = append(p.Nodes[:len(p.Nodes)-1], n, last)
			p.Edges = append(p.Edges, Edge{A: n.ID, B: last.ID})
			p.Edges[len(p.Edges)-2].B = n.ID
		}
		_, err := pathsJob(in, SVG)
		if code := graph.ErrorCode(err); code != graph.ETOOLARGE {
			t.Errorf("got %v, want code %s", err, graph.ETOOLARGE)
		}
	})
	t.Run("Input", func(t *testing.T) {
		_, err := prepare(make([]Node, MaxInputNodes+1), nil)
		if code := graph.ErrorCode(err); code != graph.ETOOLARGE {
			t.Errorf("got %v, want code %s", err, graph.ETOOLARGE)
		}
	})
}

func TestInvalid(t *testing.T) {
	r := newRenderer(t)
	ctx := context.Background()
	withNodes := func(mod func(*EgoInput)) EgoInput {
		in := smallEgo
		in.Nodes = append([]Node(nil), smallEgo.Nodes...)
		in.Edges = append([]Edge(nil), smallEgo.Edges...)
		mod(&in)
		return in
	}
	for _, tc := range []struct {
		name  string
		in    EgoInput
		f     Format
		field string
	}{
		{"Format", smallEgo, "gif", "format"},
		{"Radius", withNodes(func(in *EgoInput) { in.Radius = 3 }), SVG, "radius"},
		{"NoMe", withNodes(func(in *EgoInput) { in.Nodes[0].Me = false }), SVG, "nodes"},
		{"TwoMes", withNodes(func(in *EgoInput) { in.Nodes[1].Me = true }), SVG, "nodes"},
		{"BadID", withNodes(func(in *EgoInput) { in.Nodes[1].ID = "a b" }), SVG, "nodes[1].id"},
		{"DuplicateID", withNodes(func(in *EgoInput) { in.Nodes[1].ID = "ana" }), SVG, "nodes[1].id"},
		{"ScriptURL", withNodes(func(in *EgoInput) { in.Nodes[2].URL = "javascript:alert(1)" }), SVG, "nodes[2].url"},
		{"ProtocolRelativeURL", withNodes(func(in *EgoInput) { in.Nodes[2].URL = "//evil.example" }), SVG, "nodes[2].url"},
		{"UnknownEnd", withNodes(func(in *EgoInput) { in.Edges[1].B = "nobody" }), SVG, "edges[1].b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.EgoMap(ctx, tc.in, tc.f)
			if graph.ErrorCode(err) != graph.EINVALID || graph.ErrorField(err) != tc.field {
				t.Errorf("got %v, want EINVALID on field %s", err, tc.field)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	r := newRenderer(t)
	ctx := context.Background()
	if _, err := r.Overview(ctx, OverviewInput{}, SVG); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("Overview: got %v, want EINVALID", err)
	}
	if _, err := r.IntroPaths(ctx, PathsInput{}, SVG); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("IntroPaths: got %v, want EINVALID", err)
	}
	if _, err := r.CommunityMap(ctx, CommunityInput{Community: 7, Nodes: smallOverview.Nodes}, SVG); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("CommunityMap of an empty community: got %v, want EINVALID", err)
	}
}

func TestCancelledContext(t *testing.T) {
	r := newRenderer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.EgoMap(ctx, smallEgo, SVG); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	// The cancellation must not have reached Graphviz.
	if _, err := r.EgoMap(context.Background(), smallEgo, SVG); err != nil {
		t.Errorf("rendering after a cancelled one: %v", err)
	}
}

func TestClosed(t *testing.T) {
	r, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.EgoMap(context.Background(), smallEgo, SVG); !errors.Is(err, ErrClosed) {
		t.Errorf("got %v, want ErrClosed", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestConcurrent renders from many goroutines and two Renderers, which share
// go-graphviz's one WebAssembly module.
func TestConcurrent(t *testing.T) {
	rs := []*Renderer{newRenderer(t), newRenderer(t)}
	ctx := context.Background()
	want, err := rs[0].IntroPaths(ctx, smallPaths, SVG)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			got, err := rs[i%2].IntroPaths(ctx, smallPaths, SVG)
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("concurrent rendering differs")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
