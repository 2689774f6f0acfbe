package neo4j_test

import (
	"context"
	"flag"
	"runtime"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

var (
	benchPeople    = flag.Int("bench.people", 2000, "size of the demo workspace the store benchmarks load")
	benchWorkspace = flag.String("bench.workspace", "", "BenchmarkLoadSnapshot: an existing workspace to read instead of loading a new demo")
)

// BenchmarkLoadDemo measures writing the demo workspace with Upsert, batch by batch.
func BenchmarkLoadDemo(b *testing.B) {
	s := neo4jtest.Open(b)
	for i := 0; i < b.N; i++ {
		w, owner := neo4jtest.Workspace(b, s)
		kinds := map[string]time.Duration{}
		_, err := demo.Generate(demo.Options{People: *benchPeople, Seed: 1}, owner.ID, func(batch *graph.Batch) error {
			start := time.Now()
			err := s.Upsert(context.Background(), w.ID, batch, nil)
			switch {
			case len(batch.People) > 0:
				kinds["people"] += time.Since(start)
			case len(batch.Ties) > 0:
				kinds["ties"] += time.Since(start)
			case len(batch.Interactions) > 0:
				kinds["interactions"] += time.Since(start)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		for k, d := range kinds {
			b.Logf("%s: %v", k, d)
		}
	}
}

// BenchmarkLoadSnapshot measures LoadSnapshot on a demo workspace of
// -bench.people people (the figure uses -bench.people 100000).
func BenchmarkLoadSnapshot(b *testing.B) {
	s := neo4jtest.Open(b)
	ctx := context.Background()
	wsID := benchDemoWorkspace(b, s)
	b.ResetTimer()
	var snap *graph.Snapshot
	for i := 0; i < b.N; i++ {
		var err error
		if snap, err = s.LoadSnapshot(ctx, wsID, graph.SnapshotOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(len(snap.People)), "people")
	b.ReportMetric(float64(len(snap.Ties)), "ties")
	b.ReportMetric(float64(len(snap.Events)), "events")
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "MiB-heap-live")
}

// benchDemoWorkspace returns -bench.workspace, or a new demo workspace of
// -bench.people people (deleted when the benchmark ends).
func benchDemoWorkspace(b *testing.B, s *neo4j.Store) string {
	b.Helper()
	if *benchWorkspace != "" {
		return *benchWorkspace
	}
	w, owner := neo4jtest.Workspace(b, s)
	if _, err := demo.Generate(demo.Options{People: *benchPeople, Seed: 1}, owner.ID, func(batch *graph.Batch) error {
		return s.Upsert(context.Background(), w.ID, batch, nil)
	}); err != nil {
		b.Fatal(err)
	}
	return w.ID
}
