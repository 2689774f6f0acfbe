package netmap_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/analytics/synth"
	"github.com/nexohq/nexo/graph/netmap"
	"github.com/nexohq/nexo/graph/render"
)

func synthNetwork(tb testing.TB, p synth.Params) *analytics.Network {
	tb.Helper()
	net, err := analytics.NewNetwork(synth.Snapshot(p), time.Unix(1_800_000_000, 0), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return net
}

func newRenderer(tb testing.TB) *render.Renderer {
	tb.Helper()
	r, err := render.New(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// hub is the person with the most ties.
func hub(net *analytics.Network) int32 {
	best := int32(0)
	for p := range int32(net.Len()) {
		if net.Degree(p) > net.Degree(best) {
			best = p
		}
	}
	return best
}

// edgesAmong returns every tie among people, explained as View.Edge does.
func edgesAmong(v *netmap.View, net *analytics.Network, people []int32, reasons bool) []render.Edge {
	in := map[int32]bool{}
	for _, p := range people {
		in[p] = true
	}
	var out []render.Edge
	for e := range net.NumTies() {
		if a, b, _ := net.Tie(e); in[a] && in[b] {
			out = append(out, v.Edge(e, reasons))
		}
	}
	return out
}

// The mappers pass the renderer less than the whole network; what it draws
// must be the same as from the whole network.
func TestReducedInputDrawsTheSame(t *testing.T) {
	net := synthNetwork(t, synth.Params{N: 1500, AvgDegree: 25, Mixing: 0.6, Seed: 1})
	me := hub(net)
	v := netmap.NewView(net, netmap.Options{Me: me, Dormant: []int32{net.Neighbors(me)[0]},
		PersonURL: func(id string) string { return "/app/people/" + id }})
	r := newRenderer(t)
	ctx := context.Background()

	t.Run("Ego", func(t *testing.T) {
		meta := render.Meta{Title: "Ego", Description: "Radius 2."}
		cut := v.Ego(me, 2, meta)
		// The whole radius-2 neighbourhood, for the renderer to cut.
		full := render.EgoInput{Meta: meta, Radius: 2, CommunityNames: cut.CommunityNames}
		var people []int32
		for p := range int32(net.Len()) {
			if p == me || slices.Contains(net.Neighbors(me), p) || slices.ContainsFunc(net.Neighbors(p), func(q int32) bool {
				return slices.Contains(net.Neighbors(me), q)
			}) {
				people = append(people, p)
				n := v.Node(p)
				n.Me = p == me
				full.Nodes = append(full.Nodes, n)
			}
		}
		if len(cut.Nodes) != render.MaxEgoNodes || len(people) <= render.MaxEgoNodes {
			t.Fatalf("got %d of %d people, want a cut to %d", len(cut.Nodes), len(people), render.MaxEgoNodes)
		}
		full.Edges = edgesAmong(v, net, people, cut.Edges[0].Reason != "")
		a, err := r.EgoMap(ctx, cut, render.SVG)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.EgoMap(ctx, full, render.SVG)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Error("the ego map of the cut neighbourhood differs from the renderer's own cut")
		}
	})

	t.Run("Overview", func(t *testing.T) {
		reduced := v.Overview(render.Meta{Title: "Overview"})
		if len(reduced.Nodes) != net.Len() || len(reduced.Edges) >= net.NumTies() {
			t.Fatalf("got %d people and %d of %d ties, want everyone and fewer ties", len(reduced.Nodes), len(reduced.Edges), net.NumTies())
		}
		all := make([]int32, net.Len())
		for i := range all {
			all[i] = int32(i)
		}
		full := reduced
		full.Edges = edgesAmong(v, net, all, reduced.Edges[0].Reason != "")
		a, err := r.Overview(ctx, reduced, render.SVG)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.Overview(ctx, full, render.SVG)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Error("the overview of the reduced network differs from that of the whole")
		}
	})
}

func TestView(t *testing.T) {
	// 0 knows 1 and 2, who know each other; 2 knows 3, who knows 4.
	net, err := analytics.NetworkFromEdges([]string{"a", "b", "c", "d", "e"}, []analytics.Edge{
		{Source: "a", Target: "b", Weight: 0.9}, {Source: "a", Target: "c", Weight: 0.5}, {Source: "b", Target: "c", Weight: 0.2},
		{Source: "c", Target: "d", Weight: 0.7}, {Source: "d", Target: "e", Weight: 0.1},
	})
	if err != nil {
		t.Fatal(err)
	}
	v := netmap.NewView(net, netmap.Options{Me: 0, Dormant: []int32{2}, PersonURL: func(id string) string { return "/p/" + id }})
	n := v.Node(net.Index("c"))
	if n.ID != "c" || n.Me || !n.Dormant || n.URL != "/p/c" || n.Brokerage != 1 {
		t.Errorf("node c: got %+v, want dormant, linked, the top broker", n)
	}
	if n := v.Node(net.Index("e")); n.Brokerage != 0 || !v.Node(0).Me {
		t.Errorf("node e: got %+v, want no brokerage; me marked", n)
	}
	for _, tc := range []struct {
		a, b         string
		weak, bridge bool
	}{
		{"a", "b", false, false}, // share c
		{"b", "c", true, false},
		{"c", "d", false, true},
		{"d", "e", true, true},
	} {
		e := v.Edge(net.TieBetween(net.Index(tc.a), net.Index(tc.b)), true)
		if e.Weak != tc.weak || e.LocalBridge != tc.bridge || e.Reason == "" {
			t.Errorf("tie %s–%s: got %+v, want weak %v, local bridge %v, a reason", tc.a, tc.b, e, tc.weak, tc.bridge)
		}
	}
	ego := v.Ego(net.Index("d"), 1, render.Meta{})
	var ids []string
	for _, n := range ego.Nodes {
		if n.Me {
			ids = append(ids, "*"+n.ID)
		} else {
			ids = append(ids, n.ID)
		}
	}
	if !slices.Equal(ids, []string{"*d", "c", "e"}) || len(ego.Edges) != 2 {
		t.Errorf("ego of d: got %v with %d ties, want *d c e and 2 ties", ids, len(ego.Edges))
	}
	comm := v.Community(0, render.Meta{})
	if len(comm.Nodes) == 0 || comm.Community != 0 {
		t.Errorf("community 0: got %+v", comm)
	}
}
