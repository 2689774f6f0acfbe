package neo4j_test

import (
	"context"
	"flag"
	"fmt"
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

// BenchmarkRecordChanges measures what the change feed adds to a 30k-row
// LinkedIn import: its 30k people, positions and ties and 5k organisations
// listed as changes and written in one transaction, as Upsert does. Compare
// with BenchmarkImportConnections30k (graph/importer), which includes it.
func BenchmarkRecordChanges(b *testing.B) {
	s := neo4jtest.Open(b)
	w, owner := neo4jtest.Workspace(b, s)
	var changes []graph.Change
	for i := range 30000 {
		p := &graph.Person{ID: graph.NewID(), Name: fmt.Sprintf("Contact %d", i), Title: "Senior data engineer",
			Location: "Madrid, Spain", Tags: []string{"linkedin"}}
		org := &graph.Organization{ID: graph.NewID(), Name: fmt.Sprintf("Company %d", i%5000)}
		if i < 5000 {
			changes = append(changes, graph.OrganizationSet(org))
		}
		changes = append(changes, graph.PersonSet(p),
			graph.EmploymentSet(&graph.Employment{ID: graph.NewID(), PersonID: p.ID, OrganizationID: org.ID,
				Title: p.Title, Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}),
			graph.TieSet(&graph.Tie{ID: graph.NewID(), PersonA: owner.PersonID, PersonB: p.ID, Source: graph.TieImported,
				Since: time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)}))
	}
	for b.Loop() {
		if err := s.RecordChanges(context.Background(), w.ID, changes); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(changes)), "changes")
}
