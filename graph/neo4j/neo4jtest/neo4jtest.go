// Package neo4jtest connects tests to the real Neo4j that scripts/test.sh
// starts, and gives each test a fresh workspace of its own.
//
// scripts/test.sh exports NEXO_TEST_NEO4J_URI, NEXO_TEST_NEO4J_USER and
// NEXO_TEST_NEO4J_PASSWORD. Without them a test skips, unless CI=true: there a
// missing Neo4j fails the run, so a broken database can never pass as green.
package neo4jtest

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
)

var (
	once    sync.Once
	shared  *neo4j.Store
	openErr error
)

// Config returns the test Neo4j's connection settings, skipping or failing tb
// when there are none.
func Config(tb testing.TB) neo4j.Config {
	tb.Helper()
	uri := os.Getenv("NEXO_TEST_NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("NEXO_TEST_NEO4J_URI is not set and CI=true: run the tests with scripts/test.sh, which starts Neo4j")
		}
		tb.Skip("no test Neo4j (NEXO_TEST_NEO4J_URI unset); run scripts/test.sh")
	}
	return neo4j.Config{URI: uri, User: os.Getenv("NEXO_TEST_NEO4J_USER"), Password: os.Getenv("NEXO_TEST_NEO4J_PASSWORD")}
}

// Open returns a store on the test Neo4j, shared by the tests of a package.
func Open(tb testing.TB) *neo4j.Store {
	tb.Helper()
	cfg := Config(tb)
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared, openErr = neo4j.Open(ctx, cfg)
	})
	if openErr != nil {
		tb.Fatalf("open test neo4j: %v", openErr)
	}
	return shared
}

// Workspace creates a new workspace with an owner whose own person is "me",
// and deletes it when the test ends.
func Workspace(tb testing.TB, s *neo4j.Store) (*graph.Workspace, *graph.User) {
	tb.Helper()
	ctx := context.Background()
	w := &graph.Workspace{Name: tb.Name()}
	if err := s.CreateWorkspace(ctx, w); err != nil {
		tb.Fatalf("create workspace: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.DeleteWorkspace(context.Background(), w.ID); err != nil {
			tb.Errorf("delete workspace: %v", err)
		}
	})
	me := &graph.Person{WorkspaceID: w.ID, Name: "Me Myself"}
	if err := s.CreatePerson(ctx, me); err != nil {
		tb.Fatalf("create me: %v", err)
	}
	u := &graph.User{WorkspaceID: w.ID, Name: "Owner", Role: graph.RoleOwner, PersonID: me.ID}
	if err := s.CreateUser(ctx, u); err != nil {
		tb.Fatalf("create user: %v", err)
	}
	return w, u
}
