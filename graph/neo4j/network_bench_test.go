package neo4j_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// BenchmarkNetworkMemory measures what one workspace's analytics cost a
// replica: it loads the snapshot of a demo workspace of -bench.people people
// (or -bench.workspace), builds its network and computes communities and
// betweenness, as a replica does before it answers, and reports the heap
// that stays live (the network keeps its snapshot), per tie, and the
// seconds of each step. The README's page on outgrowing one machine quotes
// it for -bench.people 100000 on a Neo4j of its own:
//
//	scripts/neo4j/neo4j.sh start --mode test --dir /tmp/nexo-bench-neo4j
//	NEXO_TEST_NEO4J_URI=... go test ./graph/neo4j -run '^$' -bench NetworkMemory -benchtime 1x -args -bench.people 100000
func BenchmarkNetworkMemory(b *testing.B) {
	s := neo4jtest.Open(b)
	ctx := context.Background()
	wsID := benchDemoWorkspace(b, s)
	live := func() float64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc)
	}
	for b.Loop() {
		base := live()
		start := time.Now()
		snap, err := s.LoadSnapshot(ctx, wsID, graph.SnapshotOptions{})
		if err != nil {
			b.Fatal(err)
		}
		loaded := time.Now()
		net, err := analytics.NewNetwork(snap, time.Now(), nil)
		if err != nil {
			b.Fatal(err)
		}
		built := time.Now()
		net.Communities()
		net.Betweenness()
		warmed := time.Now()
		kept := live() - base
		ties := float64(net.NumTies())
		b.ReportMetric(ties, "ties")
		b.ReportMetric(float64(len(snap.Events)), "events")
		b.ReportMetric(kept/(1<<20), "MiB-kept")
		b.ReportMetric(kept/ties, "B/tie")
		b.ReportMetric(loaded.Sub(start).Seconds(), "s-snapshot")
		b.ReportMetric(built.Sub(loaded).Seconds(), "s-network")
		b.ReportMetric(warmed.Sub(built).Seconds(), "s-communities+betweenness")
		runtime.KeepAlive(net)
	}
}
