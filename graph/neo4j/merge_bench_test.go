package neo4j_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// BenchmarkMergeLarge merges a person with 5,000 ties and 20,000
// interactions into another who shares 1,000 of those contacts (so 1,000
// ties are combined), in one transaction; then undoes it. After each, a
// network follows the change feed (follow-s, follow-unmerge-s), as a
// server's does, and is checked against one loaded afresh (reload-s). Run it on a
// Neo4j of your own (scripts/neo4j/neo4j.sh start --mode test --dir ...):
//
//	NEXO_TEST_NEO4J_URI=... go test ./graph/neo4j -run '^$' -bench MergeLarge -benchtime 3x
//
// On a machine shared with other work, wall time says little; with
// NEXO_BENCH_NEO4J_PID set to the Neo4j server's process id (neo4j.sh
// status prints it) the benchmark also reports the CPU seconds the server
// spent on each merge and undo, and the client's own.
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
		net := loadNetwork(b, s, w.ID)
		b.StartTimer()
		start, server, client := time.Now(), serverCPU(b), clientCPU()
		m, err := s.MergePeople(ctx, w.ID, a.ID, bb.ID, graph.MergeOptions{By: owner.ID})
		if err != nil {
			b.Fatal(err)
		}
		merged, mergedServer, mergedClient := time.Since(start), serverCPU(b)-server, clientCPU()-client
		// A follower's network takes the merge from the feed (graph/live);
		// reloading would read the whole workspace instead.
		b.StopTimer()
		start = time.Now()
		net = catchUp(b, s, w.ID, net, 0)
		b.ReportMetric(time.Since(start).Seconds(), "follow-s")
		start = time.Now()
		fresh := loadNetwork(b, s, w.ID)
		b.ReportMetric(time.Since(start).Seconds(), "reload-s")
		if net.Len() != fresh.Len() || net.NumTies() != fresh.NumTies() {
			b.Fatalf("followed: %d people, %d ties; loaded: %d, %d", net.Len(), net.NumTies(), fresh.Len(), fresh.NumTies())
		}
		b.StartTimer()
		start, server, client = time.Now(), serverCPU(b), clientCPU()
		if _, err := s.UnmergePeople(ctx, w.ID, m.ID, graph.UnmergeOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		unmerged, unmergedServer, unmergedClient := time.Since(start), serverCPU(b)-server, clientCPU()-client
		b.ReportMetric(merged.Seconds(), "merge-s")
		b.ReportMetric(unmerged.Seconds(), "unmerge-s")
		if server >= 0 {
			b.ReportMetric(mergedServer, "merge-neo4j-cpu-s")
			b.ReportMetric(unmergedServer, "unmerge-neo4j-cpu-s")
		}
		b.ReportMetric(mergedClient, "merge-client-cpu-s")
		b.ReportMetric(unmergedClient, "unmerge-client-cpu-s")
		start = time.Now()
		net = catchUp(b, s, w.ID, net, 0)
		b.ReportMetric(time.Since(start).Seconds(), "follow-unmerge-s")
		if fresh := loadNetwork(b, s, w.ID); net.Len() != fresh.Len() || net.NumTies() != fresh.NumTies() {
			b.Fatalf("unmerge followed: %d people, %d ties; loaded: %d, %d", net.Len(), net.NumTies(), fresh.Len(), fresh.NumTies())
		}
		b.Logf("moved %+v; merge %v (Neo4j %.2f CPU-s)", m.Moved, merged, mergedServer)
		b.StartTimer()
	}
}

// serverCPU is the CPU time (user and system) the Neo4j server process
// named by NEXO_BENCH_NEO4J_PID has used, in seconds; -1 without it.
func serverCPU(tb testing.TB) float64 {
	pid := os.Getenv("NEXO_BENCH_NEO4J_PID")
	if pid == "" {
		return -1
	}
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		tb.Fatalf("NEXO_BENCH_NEO4J_PID: %v", err)
	}
	// The fields after the command's closing parenthesis: utime and
	// stime are the 12th and 13th, in clock ticks (100 a second on Linux).
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100
}

// clientCPU is the CPU time this process has used, in seconds.
func clientCPU() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
