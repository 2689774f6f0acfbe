package neo4j_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// BenchmarkMergeLarge merges a person with 5,000 ties and 20,000
// interactions into another who shares 1,000 of those contacts (so 1,000
// ties are combined), in one transaction; then undoes it. Run it on a
// Neo4j of your own (scripts/neo4j/neo4j.sh start --mode test --dir ...):
//
//	NEXO_TEST_NEO4J_URI=... go test ./graph/neo4j -run '^$' -bench MergeLarge -benchtime 1x
func BenchmarkMergeLarge(b *testing.B) {
	s := neo4jtest.Open(b)
	ctx := context.Background()
	const ties, interactions, shared = 5000, 20000, 1000
	for b.Loop() {
		b.StopTimer()
		w, owner := neo4jtest.Workspace(b, s)
		batch := &graph.Batch{}
		person := func(name string) *graph.Person {
			p := &graph.Person{ID: graph.NewID(), Name: name, Source: "bench"}
			batch.People = append(batch.People, p)
			return p
		}
		a, bb := person("Survivor"), person("Absorbed")
		others := make([]*graph.Person, ties)
		for i := range others {
			others[i] = person(fmt.Sprintf("Contact %d", i))
			batch.Ties = append(batch.Ties, &graph.Tie{ID: graph.NewID(), PersonA: bb.ID, PersonB: others[i].ID, Source: graph.TieImported})
			if i < shared {
				batch.Ties = append(batch.Ties, &graph.Tie{ID: graph.NewID(), PersonA: a.ID, PersonB: others[i].ID, Source: graph.TieManual})
			}
		}
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range interactions {
			batch.Interactions = append(batch.Interactions, &graph.Interaction{ID: graph.NewID(), Kind: graph.KindEmail,
				At: at.Add(time.Duration(i) * time.Minute), ParticipantIDs: []string{bb.ID, others[i%ties].ID}, InitiatorID: bb.ID})
		}
		if err := s.Upsert(ctx, w.ID, batch, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		m, err := s.MergePeople(ctx, w.ID, a.ID, bb.ID, graph.MergeOptions{By: owner.ID})
		if err != nil {
			b.Fatal(err)
		}
		merged := time.Since(start)
		start = time.Now()
		if _, err := s.UnmergePeople(ctx, w.ID, m.ID, graph.UnmergeOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(merged.Seconds(), "merge-s")
		b.ReportMetric(time.Since(start).Seconds(), "unmerge-s")
		b.Logf("moved %+v; merge %v", m.Moved, merged)
		b.StartTimer()
	}
}
