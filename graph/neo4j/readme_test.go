package neo4j_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// TestReadmeCypher runs the README's example queries, so that they keep
// working as written against Nexo's model.
func TestReadmeCypher(t *testing.T) {
	s := neo4jtest.Open(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```cypher\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 3 {
		t.Fatalf("got %d cypher examples in the README, want at least 3", len(blocks))
	}
	for _, b := range blocks {
		if err := s.RunReadOnly(ctx, b[1]); err != nil {
			t.Errorf("README query fails:\n%s\n%v", b[1], err)
		}
	}
}
