package neo4jtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
)

// Dump returns everything a workspace holds — its members and every entity
// Walk yields, with ids and timestamps — one JSON line each, so that a test
// can tell that a workspace was left exactly as it was.
func Dump(tb testing.TB, s graph.Store, ws string) string {
	tb.Helper()
	ctx := context.Background()
	var b strings.Builder
	put := func(v any) error {
		line, err := json.Marshal(v)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%T %s\n", v, line)
		return nil
	}
	users, err := s.FindUsers(ctx, ws)
	if err != nil {
		tb.Fatalf("dump %s: %v", ws, err)
	}
	for _, u := range users {
		if err := put(u); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.Walk(ctx, ws, graph.AllKinds, put); err != nil {
		tb.Fatalf("dump %s: %v", ws, err)
	}
	return b.String()
}
