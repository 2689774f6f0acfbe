package netmap_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/netmap"
	"github.com/nexohq/nexo/graph/render"
)

// Run with
//
//	go test ./graph/netmap -run '^$' -bench . -benchtime 3x
//
// Every map of the 100,000-person demo workspace, from its analytics network
// to the bytes the API answers (mapping and rendering), must take under
// 1.2 s. cpu-ms/op is the CPU time the process spent per map, which other
// work on a shared machine inflates less than the wall time of ns/op.
// The network is built in memory from the demo generator, as Neo4j would
// load it, so the benchmark needs no database.

var demo100k = sync.OnceValues(func() (*analytics.Network, error) { return demoNetwork(100_000) })

// demoNetwork generates a demo workspace and builds its analytics network
// the way graph/neo4j's LoadSnapshot reads it.
func demoNetwork(people int) (*analytics.Network, error) {
	asOf := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	sb := graph.NewSnapshotBuilder("bench")
	meID, err := demo.Generate(demo.Options{People: people, AsOf: asOf}, "owner", func(b *graph.Batch) error {
		sb.Add(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sb.AddMember("owner", meID)
	snap := sb.Snapshot()
	net, err := analytics.NewNetwork(snap, asOf.Add(12*time.Hour), nil)
	if err != nil {
		return nil, err
	}
	net.Communities()
	net.Betweenness()
	return net, nil
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkMaps100k(b *testing.B) {
	net, err := demo100k()
	if err != nil {
		b.Fatal(err)
	}
	me := net.Snapshot().Members[0].Person
	r := newRenderer(b)
	ctx := context.Background()
	view := func() *netmap.View {
		var dormant []int32
		for _, d := range net.DormantTies(me, analytics.DormantOptions{}) {
			dormant = append(dormant, d.Person)
		}
		return netmap.NewView(net, netmap.Options{Me: me, Dormant: dormant, PersonURL: func(id string) string { return "/app/people/" + id }})
	}
	circles := net.Communities().Circles
	largest := slices.IndexFunc(circles, func(c analytics.Circle) bool { return !slices.Contains(c.Members, me) })
	jonas := net.Match(analytics.PersonQuery{Text: "Jonas Weber"})
	b.Logf("demo: %d people, %d ties, %d circles (the largest without me: %d members), my ties: %d",
		net.Len(), net.NumTies(), len(circles), circles[largest].Size, net.Degree(me))
	maps := []struct {
		name string
		draw func(v *netmap.View, f render.Format) ([]byte, error)
	}{
		{"ego1", func(v *netmap.View, f render.Format) ([]byte, error) {
			return r.EgoMap(ctx, v.Ego(me, 1, render.Meta{Title: "Ego"}), f)
		}},
		{"ego2", func(v *netmap.View, f render.Format) ([]byte, error) {
			return r.EgoMap(ctx, v.Ego(me, 2, render.Meta{Title: "Ego"}), f)
		}},
		{"overview", func(v *netmap.View, f render.Format) ([]byte, error) {
			return r.Overview(ctx, v.Overview(render.Meta{Title: "Overview"}), f)
		}},
		{"community", func(v *netmap.View, f render.Format) ([]byte, error) {
			return r.CommunityMap(ctx, v.Community(largest, render.Meta{Title: "Circle"}), f)
		}},
		{"paths", func(v *netmap.View, f render.Format) ([]byte, error) {
			best := net.IntroPathsToAny([]int32{me}, jonas, analytics.PathOptions{})
			if len(best) == 0 {
				return nil, fmt.Errorf("no path to Jonas Weber")
			}
			p := best[0].Nodes
			paths := net.IntroPaths([]int32{me}, p[len(p)-1], analytics.PathOptions{K: 5})
			return r.IntroPaths(ctx, v.Paths(paths, render.Meta{Title: "Paths"}), f)
		}},
	}
	for _, m := range maps {
		for _, f := range []render.Format{render.SVG, render.PNG} {
			b.Run(m.name+"/"+string(f), func(b *testing.B) {
				var size int
				cpu0 := cpuTime()
				for b.Loop() {
					out, err := m.draw(view(), f)
					if err != nil {
						b.Fatal(err)
					}
					size = len(out)
				}
				b.ReportMetric(float64(size), "bytes/op")
				// CPU time of the process, which the other work on a shared
				// machine does not inflate as it does wall time.
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
			})
		}
	}
}
