package neo4j_test

import (
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// TestRoutingURI opens the store with a neo4j:// URI (the driver asks the
// server for its routing table, as with a cluster or Aura) against the
// single test server, and writes and reads through it.
func TestRoutingURI(t *testing.T) {
	cfg := neo4jtest.Config(t)
	if !strings.HasPrefix(cfg.URI, "bolt://") {
		t.Skipf("test URI %s is not bolt://", cfg.URI)
	}
	cfg.URI = "neo4j://" + strings.TrimPrefix(cfg.URI, "bolt://")
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.URI, err)
	}
	t.Cleanup(func() { s.Close(ctx) }) // after the workspace's own cleanup
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	w, _ := neo4jtest.Workspace(t, s)
	p := &graph.Person{WorkspaceID: w.ID, Name: "Routed"}
	if err := s.CreatePerson(ctx, p); err != nil {
		t.Fatalf("write through %s: %v", cfg.URI, err)
	}
	got, err := s.FindPerson(ctx, w.ID, p.ID)
	if err != nil || got.Name != "Routed" {
		t.Fatalf("read through %s: got %+v, %v", cfg.URI, got, err)
	}
}
