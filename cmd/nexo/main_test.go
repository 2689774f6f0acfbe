package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// runMain starts m.Run in the background and returns a function that stops
// it and waits for Run to return.
func runMain(tb testing.TB, m *Main) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	select {
	case <-m.Listening:
	case err := <-done:
		cancel()
		tb.Fatalf("run: %v", err)
	case <-time.After(5 * time.Minute):
		tb.Fatal("server did not start")
	}
	return func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("run: %v", err)
		}
	}
}

func getJSON(tb testing.TB, url string, v any) int {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("decode %s: %v", url, err)
	}
	return resp.StatusCode
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestServeLocalNeo4jKeepsData runs the README's run command the way a new
// user does: no NEO4J_URI, so serve starts the local Neo4j, loads the demo
// workspace, answers /healthz, and stops Neo4j on exit. A second run finds
// the same data and loads no second demo.
func TestServeLocalNeo4jKeepsData(t *testing.T) {
	neo4jtest.Config(t) // skip, or fail in CI, like every test that needs Neo4j
	t.Setenv("NEO4J_URI", "")
	t.Setenv("NEXO_NEO4J_PORT", strconv.Itoa(freePort(t)))
	dataDir := t.TempDir()
	t.Cleanup(func() { // if a test step failed midway, do not leave the server behind
		l := &localNeo4j{script: "../../scripts/neo4j/neo4j.sh", dir: filepath.Join(dataDir, "neo4j")}
		_ = l.Stop()
	})

	serve := func() (workspaces, people int) {
		m := NewMain()
		m.Config.DataDir, m.Config.Addr = dataDir, "127.0.0.1:0"
		m.StopLocalNeo4j, m.DemoPeople = true, 60
		stop := runMain(t, m)
		var health struct{ Status, Neo4j string }
		if code := getJSON(t, "http://"+m.Addr()+"/healthz", &health); code != 200 || health.Neo4j != "reachable" {
			t.Fatalf("healthz: %d %+v", code, health)
		}
		ws, err := m.Store.FindWorkspaces(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			_, n, err := m.Store.FindPeople(context.Background(), w.ID, graph.PersonFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			people += n
		}
		stop()
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		return len(ws), people
	}
	w1, p1 := serve()
	if w1 != 1 || p1 != 61 {
		t.Fatalf("first run: got %d workspaces and %d people, want 1 and 61", w1, p1)
	}
	token, err := os.ReadFile(filepath.Join(dataDir, "demo-token"))
	if err != nil || len(token) < 20 {
		t.Fatalf("demo token: %q, %v", token, err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "neo4j", "neo4j.pid")); !os.IsNotExist(err) {
		t.Fatalf("Neo4j still running after serve stopped (pid file: %v)", err)
	}
	w2, p2 := serve()
	if w2 != w1 || p2 != p1 {
		t.Fatalf("second run: got %d workspaces and %d people, want %d and %d", w2, p2, w1, p1)
	}
}
