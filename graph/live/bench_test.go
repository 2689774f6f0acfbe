package live_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/live"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

var (
	benchWorkspace = flag.String("bench.workspace", "", "live benchmarks: an existing demo workspace (default: a new demo of -bench.people)")
	benchPeople    = flag.Int("bench.people", 2000, "live benchmarks: size of the demo they load when -bench.workspace is not given")
)

// heapMiB returns the live heap after a collection.
func heapMiB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// BenchmarkColdStart measures a replica's cold start on a demo workspace:
// from a new service to the network ready to answer (snapshot, strengths,
// catching up with the feed), reading the graph through Cypher ("graph")
// or the workspace's checkpoint ("checkpoint", written first if missing).
// It reports the network's memory (the live heap it adds; communities and
// betweenness, recomputed later, add a few bytes per person) and that per
// million ties.
//
//	scripts/test.sh -run '^$' -bench ColdStart -benchtime 3x ./graph/live -args -bench.workspace ID
func BenchmarkColdStart(b *testing.B) {
	s := neo4jtest.Open(b)
	ws, _ := neo4jtest.Demo(b, s, *benchWorkspace, *benchPeople)
	start := func(b *testing.B, checkpoint time.Duration) {
		var net *analytics.Network
		var mem float64
		for b.Loop() {
			b.StopTimer()
			net = nil
			base := heapMiB()
			b.StartTimer()
			svc := live.New(live.Config{Store: s, Poll: time.Hour, Checkpoint: checkpoint})
			var err error
			if net, _, err = svc.Network(ctx, ws); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			svc.Close() // and whatever it started after the load
			mem = heapMiB() - base
			b.StartTimer()
		}
		b.ReportMetric(float64(net.Len()), "people")
		b.ReportMetric(float64(net.NumTies()), "ties")
		b.ReportMetric(float64(len(net.Snapshot().Events)), "events")
		b.ReportMetric(mem, "MiB-network")
		b.ReportMetric(mem/(float64(net.NumTies())/1e6), "MiB-per-Mties")
	}
	b.Run("graph", func(b *testing.B) { start(b, -1) })
	b.Run("checkpoint", func(b *testing.B) {
		if _, ok, err := s.CheckpointVersion(ctx, ws); err != nil {
			b.Fatal(err)
		} else if !ok {
			// As a replica does after its first load.
			snap, err := s.LoadSnapshot(ctx, ws, graph.SnapshotOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.WriteCheckpoint(ctx, ws, snap); err != nil {
				b.Fatal(err)
			}
		}
		start(b, time.Hour)
	})
}

// BenchmarkApply measures applying one batch of changes to the network of
// a demo workspace (loaded once), each to the network the one before made:
// a tie's strength and a new interaction between two tied people (Apply's
// fast path), a new person with a tie (every index after it moves: the full
// path), and a hundred of those mixed.
//
//	scripts/test.sh -run '^$' -bench Apply ./graph/live -args -bench.workspace ID
func BenchmarkApply(b *testing.B) {
	s := neo4jtest.Open(b)
	ws, owner := neo4jtest.Demo(b, s, *benchWorkspace, *benchPeople)
	snap, err := s.LoadSnapshot(ctx, ws, graph.SnapshotOptions{})
	if err != nil {
		b.Fatal(err)
	}
	net, err := analytics.NewNetwork(snap, time.Now(), nil)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	tieChange := func() graph.Change {
		t := snap.Ties[rng.IntN(len(snap.Ties))]
		w := 0.05 + 0.9*rng.Float64()
		return graph.TieSet(&graph.Tie{ID: graph.NewID(), PersonA: snap.People[t.A].ID, PersonB: snap.People[t.B].ID,
			Source: t.Source, Strength: &w})
	}
	interaction := func() graph.Change {
		t := snap.Ties[rng.IntN(len(snap.Ties))]
		return graph.InteractionSet(&graph.Interaction{ID: graph.NewID(), Kind: graph.KindCoffee, At: time.Now().Add(-time.Hour),
			ParticipantIDs: []string{snap.People[t.A].ID, snap.People[t.B].ID}})
	}
	person := func() []graph.Change {
		p := &graph.Person{ID: graph.NewID(), Name: "New person"}
		return []graph.Change{graph.PersonSet(p),
			graph.TieSet(&graph.Tie{ID: graph.NewID(), PersonA: owner.PersonID, PersonB: p.ID, Source: graph.TieManual})}
	}
	cases := []struct {
		name    string
		changes func() []graph.Change
	}{
		{"tie", func() []graph.Change { return []graph.Change{tieChange()} }},
		{"interaction", func() []graph.Change { return []graph.Change{interaction()} }},
		{"person", person},
		{"mixed100", func() []graph.Change {
			var l []graph.Change
			for i := range 100 {
				switch i % 10 {
				case 0:
					l = append(l, person()...)
				case 1, 2, 3, 4:
					l = append(l, interaction())
				default:
					l = append(l, tieChange())
				}
			}
			return l
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			cur := net // each applies to the one before, as a follower does
			for b.Loop() {
				b.StopTimer()
				changes := c.changes()
				b.StartTimer()
				if cur, err = cur.Apply(cur.Snapshot().Version+1, changes); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Logf("%s", fmt.Sprintf("network: %d people, %d ties, %d events", net.Len(), net.NumTies(), len(snap.Events)))
}
