package render

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Run with
//
//	go test ./graph/render -run '^$' -bench . -benchtime 3x
//
// Every rendering of the 100k-person demo workspace must take under 3 s; the
// slowest cases here are the PNGs of the largest maps.

var workspace100k = sync.OnceValue(func() OverviewInput { return syntheticNetwork(100_000, 300, 1) })

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		r, err := New(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

func BenchmarkEgoMap(b *testing.B) {
	r := newRenderer(b)
	for _, n := range []int{50, 200, 500, 5000} { // 5000 is cut to MaxEgoNodes
		in := syntheticEgo(n, 1)
		for _, f := range []Format{SVG, PNG} {
			b.Run(fmt.Sprintf("%d/%s", n, f), func(b *testing.B) {
				benchRender(b, func() ([]byte, error) { return r.EgoMap(context.Background(), in, f) })
			})
		}
	}
}

func BenchmarkOverview(b *testing.B) {
	r := newRenderer(b)
	for _, tc := range []struct {
		name string
		in   func() OverviewInput
	}{
		{"300", func() OverviewInput { return syntheticNetwork(MaxOverviewPeople, 8, 1) }},
		{"100k", workspace100k},
	} {
		in := tc.in()
		for _, f := range []Format{SVG, PNG} {
			b.Run(tc.name+"/"+string(f), func(b *testing.B) {
				benchRender(b, func() ([]byte, error) { return r.Overview(context.Background(), in, f) })
			})
		}
	}
}

// BenchmarkCommunityMap drills into the largest community of the 100k
// workspace (about 5,800 members, cut to MaxCommunityNodes), given the whole
// workspace: the API will pass less.
func BenchmarkCommunityMap(b *testing.B) {
	r := newRenderer(b)
	w := workspace100k()
	in := CommunityInput{Meta: Meta{Title: "Community 0"}, Community: 0, Nodes: w.Nodes, Edges: w.Edges}
	for _, f := range []Format{SVG, PNG} {
		b.Run(string(f), func(b *testing.B) {
			benchRender(b, func() ([]byte, error) { return r.CommunityMap(context.Background(), in, f) })
		})
	}
}

func BenchmarkIntroPaths(b *testing.B) {
	r := newRenderer(b)
	in := syntheticPaths(MaxPaths)
	for _, f := range []Format{SVG, PNG} {
		b.Run(string(f), func(b *testing.B) {
			benchRender(b, func() ([]byte, error) { return r.IntroPaths(context.Background(), in, f) })
		})
	}
}

func benchRender(b *testing.B, render func() ([]byte, error)) {
	b.Helper()
	var size int
	for b.Loop() {
		out, err := render()
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/op")
}
