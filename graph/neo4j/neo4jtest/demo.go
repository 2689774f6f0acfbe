package neo4jtest

import (
	"context"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/neo4j"
)

// Demo returns a demo workspace for benchmarks and its owner, whose own
// person is the demo's "me": the workspace id when one is given (a demo
// loaded before, with `nexo demo --people N`, on the Neo4j of
// NEXO_TEST_NEO4J_URI), otherwise a new one of the given size, deleted when
// tb ends.
func Demo(tb testing.TB, s *neo4j.Store, workspaceID string, people int) (string, *graph.User) {
	tb.Helper()
	ctx := context.Background()
	if workspaceID != "" {
		users, err := s.FindUsers(ctx, workspaceID)
		if err != nil {
			tb.Fatalf("demo workspace %s: %v", workspaceID, err)
		}
		for _, u := range users {
			if u.Role == graph.RoleOwner && u.PersonID != "" {
				return workspaceID, u
			}
		}
		tb.Fatalf("demo workspace %s has no owner with an own person", workspaceID)
	}
	w, owner := Workspace(tb, s)
	meID, err := demo.Generate(demo.Options{People: people, Seed: 1}, owner.ID, func(b *graph.Batch) error {
		return s.Upsert(ctx, w.ID, b, nil)
	})
	if err != nil {
		tb.Fatalf("generate demo: %v", err)
	}
	if owner, err = s.UpdateUser(ctx, w.ID, owner.ID, graph.UserUpdate{PersonID: &meID}); err != nil {
		tb.Fatal(err)
	}
	return w.ID, owner
}
