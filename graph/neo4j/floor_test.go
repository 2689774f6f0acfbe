package neo4j

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

type neo4jTx = neo4j.ManagedTransaction

var floorWorkspace = flag.String("floor.workspace", "", "BenchmarkBoltFloor: the demo workspace to read")

// BenchmarkBoltFloor measures how fast this Neo4j streams a workspace's
// graph over Bolt, whatever is done with it: the floor under LoadSnapshot.
// Each query's records are read and dropped.
//
//	scripts/test.sh -run '^$' -bench BoltFloor -benchtime 1x ./graph/neo4j -args -floor.workspace ID
func BenchmarkBoltFloor(b *testing.B) {
	if *floorWorkspace == "" {
		b.Skip("give -floor.workspace")
	}
	s := openFloorStore(b)
	queries := []struct{ name, q string }{
		{"count-ties", `MATCH (:Person {workspaceId: $ws})-[t:KNOWS]->() RETURN count(t)`},
		{"tie-rows", `MATCH (a:Person {workspaceId: $ws})-[t:KNOWS]->(b:Person) RETURN a.id, b.id`},
		{"tie-lists", `MATCH (a:Person {workspaceId: $ws}) RETURN a.id, [(a)-[t:KNOWS]->(b:Person) | b.id]`},
		{"tie-lists-props", `MATCH (a:Person {workspaceId: $ws}) RETURN a.id, [(a)-[t:KNOWS]->(b:Person) |
			[b.id, t.since.epochSeconds, t.source, t.strength, t.context]]`},
		{"people", `MATCH (p:Person {workspaceId: $ws}) RETURN p.id, p.name, p.title, p.location, p.tags, p.skills, p.needs`},
		{"interactions", `MATCH (i:Interaction {workspaceId: $ws})
			RETURN i.id, i.at.epochSeconds, i.kind, i.initiatorId, [(i)-[:WITH]->(p:Person) | p.id]`},
		{"interactions-no-participants", `MATCH (i:Interaction {workspaceId: $ws})
			RETURN i.id, i.at.epochSeconds, i.kind, i.initiatorId`},
		{"interactions-participants-by-person", `MATCH (p:Person {workspaceId: $ws})
			RETURN p.id, [(p)<-[:WITH]-(i:Interaction) | i.id]`},
		{"interactions-grouped", `MATCH (i:Interaction {workspaceId: $ws})
			WITH substring(i.id, 0, 2) AS k, [i.id, i.at.epochSeconds, i.kind, i.initiatorId, [(i)-[:WITH]->(p:Person) | p.id]] AS r
			RETURN k, collect(r)`},
		{"interactions-ids-grouped", `MATCH (i:Interaction {workspaceId: $ws})
			WITH substring(i.id, 0, 2) AS k, i.id AS r RETURN k, collect(r)`},
		{"tie-lists-grouped", `MATCH (a:Person {workspaceId: $ws})
			WITH substring(a.id, 0, 2) AS k, [a.id, [(a)-[t:KNOWS]->(b:Person) | [b.id, t.since.epochSeconds, t.source, t.strength, t.context]]] AS r
			RETURN k, collect(r)`},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				rows = 0
				err := s.stream(context.Background(), q.q, map[string]any{"ws": *floorWorkspace}, func([]any) error {
					rows++
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

func openFloorStoreT(b testing.TB) *Store { return openFloorStore(b) }

func openFloorStore(b testing.TB) *Store {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, Config{URI: os.Getenv("NEXO_TEST_NEO4J_URI"), User: os.Getenv("NEXO_TEST_NEO4J_USER"),
		Password: os.Getenv("NEXO_TEST_NEO4J_PASSWORD")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// BenchmarkBoltBytes measures reading 64 MiB of byte arrays over Bolt, the
// floor under a snapshot checkpoint.
func BenchmarkBoltBytes(b *testing.B) {
	s := openFloorStore(b)
	ctx := context.Background()
	chunk := make([]byte, 4<<20)
	for i := range chunk {
		chunk[i] = byte(i * 7)
	}
	ws := "floor-bytes"
	for part := range 16 {
		if _, err := write(ctx, s, func(tx neo4jTx) (any, error) {
			_, err := tx.Run(ctx, "CREATE (:FloorBytes {ws: $ws, part: $part, data: $data})",
				map[string]any{"ws": ws, "part": part, "data": chunk})
			return nil, err
		}); err != nil {
			b.Fatal(err)
		}
	}
	defer write(ctx, s, func(tx neo4jTx) (any, error) {
		_, err := tx.Run(ctx, "MATCH (n:FloorBytes {ws: $ws}) DELETE n", map[string]any{"ws": ws})
		return nil, err
	})
	for b.Loop() {
		n := 0
		if err := s.stream(ctx, "MATCH (n:FloorBytes {ws: $ws}) RETURN n.data ORDER BY n.part", map[string]any{"ws": ws},
			func(v []any) error {
				n += len(v[0].([]byte))
				return nil
			}); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(n))
	}
}
