package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph/neo4j"
)

// TestServeListensAtOnce: serve answers from its first second, while Neo4j
// is still starting (here: never, a port nobody listens on), that it is
// starting and what it is doing; /readyz is 503 until it is ready.
func TestServeListensAtOnce(t *testing.T) {
	m := NewMain()
	m.Config.Addr = "127.0.0.1:" + strconv.Itoa(freePort(t))
	m.Config.DataDir = t.TempDir()
	m.Config.Neo4j = neo4j.Config{URI: "bolt://127.0.0.1:" + strconv.Itoa(freePort(t)), User: "neo4j", Password: "x"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()

	var health struct{ Status, Phase string }
	var ready struct {
		Error struct{ Code, Message string }
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + m.Config.Addr + "/healthz")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer on %s within 10 s while Neo4j starts: %v", m.Config.Addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if health.Status != "starting" || health.Phase != "starting Neo4j" {
		t.Errorf("healthz while starting: %+v", health)
	}
	resp, err := http.Get("http://" + m.Config.Addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&ready)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || ready.Error.Code != "unavailable" ||
		!strings.Contains(ready.Error.Message, "starting Neo4j") {
		t.Errorf("readyz while starting: %d %+v", resp.StatusCode, ready)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if _, err := http.Get("http://" + m.Config.Addr + "/healthz"); err == nil {
		t.Error("still listening after Run returned")
	}
}
