package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// nexo runs the CLI with args and returns what it wrote to stdout.
func nexo(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// TestRestoreWorkedExample runs the README's restore beside the original:
// nexo export, nexo token create --workspace NEW, nexo import of the backup
// into the new workspace (the same graph, the backup's owner merged into
// the new owner), again (nothing changes); a member's token is refused.
func TestRestoreWorkedExample(t *testing.T) {
	cfg := neo4jtest.Config(t)
	t.Setenv("NEO4J_URI", cfg.URI)
	t.Setenv("NEO4J_USER", cfg.User)
	t.Setenv("NEO4J_PASSWORD", cfg.Password)
	t.Setenv("NEXO_DATA_DIR", t.TempDir())
	t.Setenv("NEXO_URL", "")
	t.Setenv("NEXO_TOKEN", "")
	s := neo4jtest.Open(t)
	ctx := context.Background()
	w, owner := neo4jtest.Workspace(t, s)
	csv, err := os.ReadFile("../../graph/importer/testdata/linkedin_en.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(ctx, s, w.ID, owner, bytes.NewReader(csv), importer.FormatLinkedIn, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	token := func(u *graph.User) string {
		secret, shown, hash := graph.NewTokenSecret()
		if err := s.CreateToken(ctx, &graph.Token{WorkspaceID: w.ID, UserID: u.ID, Name: "t", Prefix: shown, Hash: hash}); err != nil {
			t.Fatal(err)
		}
		return secret
	}
	backup := filepath.Join(t.TempDir(), "backup.jsonl")
	if _, err := nexo(t, "export", "-o", backup, "--token", token(owner)); err != nil {
		t.Fatal(err)
	}

	name := "Restored " + graph.NewID()
	out, err := nexo(t, "token", "create", "--workspace", name, "--me", "Rita Restorer")
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.FindWorkspaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var restored *graph.Workspace
	for _, x := range all {
		if x.Name == name {
			restored = x
		}
	}
	if restored == nil {
		t.Fatalf("token create made no workspace %q", name)
	}
	t.Cleanup(func() { _ = s.DeleteWorkspace(context.Background(), restored.ID) })
	secret := strings.TrimSpace(out)

	out, err = nexo(t, "import", "--token", secret, backup)
	if err != nil || !strings.Contains(out, "merged into yours") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	_, before, _ := s.FindPeople(ctx, w.ID, graph.PersonFilter{Limit: 1})
	_, after, _ := s.FindPeople(ctx, restored.ID, graph.PersonFilter{Limit: 1})
	if before != after {
		t.Errorf("%d people in the original, %d in the copy", before, after)
	}
	out, err = nexo(t, "import", "--token", secret, backup)
	if err != nil || !strings.Contains(out, " 0 created, 0 updated") {
		t.Errorf("second restore: %v\n%s", err, out)
	}

	member := &graph.User{WorkspaceID: w.ID, Name: "Mo", Role: graph.RoleMember}
	if err := s.CreateUser(ctx, member); err != nil {
		t.Fatal(err)
	}
	if _, err := nexo(t, "import", "--token", token(member), backup); graph.ErrorCode(err) != graph.EFORBIDDEN {
		t.Errorf("a member's restore: got %v, want forbidden", err)
	}
}
