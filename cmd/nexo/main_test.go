package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
//
// The data folder's lock (issue 12 item 7): while the first serve runs, a
// second one on the folder fails at once, saying which process runs, and
// touches nothing. Before the second run Neo4j is started by hand (as nexo
// neo4j start does): serve uses it and, not having started it, leaves it
// running on exit.
func TestServeLocalNeo4jKeepsData(t *testing.T) {
	neo4jtest.Config(t) // skip, or fail in CI, like every test that needs Neo4j
	t.Setenv("NEO4J_URI", "")
	t.Setenv("NEXO_NEO4J_PORT", strconv.Itoa(freePort(t)))
	t.Setenv("NEXO_NEO4J_HEAP", "1g") // a 60-person demo; the machine runs other Neo4js
	dataDir := t.TempDir()
	t.Cleanup(func() { // if a test step failed midway, do not leave the server behind
		l := &localNeo4j{script: "../../scripts/neo4j/neo4j.sh", dir: filepath.Join(dataDir, "neo4j")}
		if t.Failed() {
			for _, f := range []string{"logs/launcher.log", "home/logs/neo4j.log"} {
				b, _ := os.ReadFile(filepath.Join(l.dir, f))
				t.Logf("%s:\n%s", f, b[max(0, len(b)-3000):])
			}
		}
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
		second := NewMain()
		second.Config.DataDir, second.Config.Addr = dataDir, m.Addr()
		second.StopLocalNeo4j = true
		err := second.Run(context.Background())
		if want := "already running (pid " + strconv.Itoa(os.Getpid()) + ")"; err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("a second serve on the folder: %v, want %q", err, want)
		}
		if err := second.Close(); err != nil {
			t.Fatalf("closing the second serve: %v", err)
		}
		if code := getJSON(t, "http://"+m.Addr()+"/healthz", &health); code != 200 || health.Neo4j != "reachable" {
			t.Fatalf("healthz after a second serve tried: %d %+v, want Neo4j still reachable", code, health)
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
	local := &localNeo4j{script: "../../scripts/neo4j/neo4j.sh", dir: filepath.Join(dataDir, "neo4j")}
	if _, err := local.run(context.Background(), "start", "--mode", "dev"); err != nil {
		t.Fatal(err)
	}
	w2, p2 := serve()
	if w2 != w1 || p2 != p1 {
		t.Fatalf("second run: got %d workspaces and %d people, want %d and %d", w2, p2, w1, p1)
	}
	if _, err := local.run(context.Background(), "status", "--mode", "dev"); err != nil {
		t.Fatalf("serve stopped a Neo4j it did not start (status: %v)", err)
	}
	if err := local.Stop(); err != nil {
		t.Fatal(err)
	}
}
