package neo4j

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// TestUnmergeLegacyUndo: a merge recorded before undo records were gzipped
// (a plain JSON string, undo) is still undone.
func TestUnmergeLegacyUndo(t *testing.T) {
	uri := os.Getenv("NEXO_TEST_NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("NEXO_TEST_NEO4J_URI is not set and CI=true")
		}
		t.Skip("no test Neo4j (NEXO_TEST_NEO4J_URI unset); run scripts/test.sh")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, Config{URI: uri, User: os.Getenv("NEXO_TEST_NEO4J_USER"), Password: os.Getenv("NEXO_TEST_NEO4J_PASSWORD")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	w := &graph.Workspace{Name: t.Name()}
	if err := s.CreateWorkspace(ctx, w); err != nil {
		t.Fatal(err)
	}
	defer s.DeleteWorkspace(context.Background(), w.ID)
	a := &graph.Person{WorkspaceID: w.ID, Name: "Ana García", Emails: []string{"ana@umbrella.example"}}
	b := &graph.Person{WorkspaceID: w.ID, Name: "Ana Garcia", LinkedInURL: "https://www.linkedin.com/in/ana-garcia-1"}
	x := &graph.Person{WorkspaceID: w.ID, Name: "Xavi"}
	for _, p := range []*graph.Person{a, b, x} {
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateTie(ctx, &graph.Tie{WorkspaceID: w.ID, PersonA: b.ID, PersonB: x.ID}); err != nil {
		t.Fatal(err)
	}
	m, err := s.MergePeople(ctx, w.ID, a.ID, b.ID, graph.MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		_, u, err := findMerge(ctx, tx, w.ID, m.ID)
		if err != nil {
			return nil, err
		}
		legacy, _ := json.Marshal(u)
		_, err = tx.Run(ctx, "MATCH (m:Merge {id: $id}) SET m.undo = $undo REMOVE m.undoGz", map[string]any{"id": m.ID, "undo": string(legacy)})
		return nil, err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UnmergePeople(ctx, w.ID, m.ID, graph.UnmergeOptions{}); err != nil {
		t.Fatalf("unmerge of a legacy record: %v", err)
	}
	back, err := s.FindPerson(ctx, w.ID, b.ID)
	if err != nil || back.LinkedInURL != b.LinkedInURL {
		t.Fatalf("absorbed person after unmerge: %+v %v", back, err)
	}
	ties, _, err := s.FindTies(ctx, w.ID, graph.TieFilter{PersonID: b.ID, Limit: 10})
	if err != nil || len(ties) != 1 || ties[0].Other(b.ID) != x.ID {
		t.Errorf("absorbed person's ties %+v %v, want the one to Xavi", ties, err)
	}
}
