package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// TestDuplicatesMergeUnmerge lists a duplicate, previews and merges it,
// and undoes the merge, through the CLI (in-process API on the store).
func TestDuplicatesMergeUnmerge(t *testing.T) {
	ws, _, _, token := reportWorkspace(t)
	s := neo4jtest.Open(t)
	ctx := context.Background()
	a := &graph.Person{WorkspaceID: ws.ID, Name: "Rosa Vidal Sáez", Emails: []string{"rosa@umbrella.example"}, Source: "google"}
	b := &graph.Person{WorkspaceID: ws.ID, Name: "rosa@umbrella.example", Emails: []string{"Rosa+cal@umbrella.example"}, Source: "calendar"}
	for _, p := range []*graph.Person{a, b} {
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runCLI(t, "duplicates", "--token", token)
	if err != nil || !strings.Contains(out, a.ID) || !strings.Contains(out, "both have rosa@umbrella.example") {
		t.Fatalf("duplicates: %v\n%s", err, out)
	}
	out, err = runCLI(t, "merge", a.ID, b.ID, "--token", token)
	if err != nil || !strings.Contains(out, "Run again with --yes") || !strings.Contains(out, "rosa+cal@umbrella.example") {
		t.Fatalf("preview: %v\n%s", err, out)
	}
	if _, err := s.FindPerson(ctx, ws.ID, b.ID); err != nil {
		t.Fatalf("a preview merged: %v", err)
	}
	out, err = runCLI(t, "merge", a.ID, b.ID, "--yes", "--token", token, "--format", "json")
	var m graph.Merge
	if err != nil || json.Unmarshal([]byte(out), &m) != nil || m.SurvivorID != a.ID {
		t.Fatalf("merge: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "unmerge", m.ID, "--new-to", "nobody", "--token", token); err == nil {
		t.Errorf("--new-to nobody accepted")
	}
	out, err = runCLI(t, "unmerge", m.ID, "--token", token)
	if err != nil || !strings.Contains(out, "is back beside") {
		t.Fatalf("unmerge: %v\n%s", err, out)
	}
	if _, err := s.FindPerson(ctx, ws.ID, b.ID); err != nil {
		t.Errorf("absorbed not back: %v", err)
	}
	if _, err := runCLI(t, "unmerge", m.ID, "--token", token); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("second unmerge: %v, want a conflict", err)
	}
}
