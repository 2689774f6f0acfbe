package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// TestNeo4jUnreachable takes a Neo4j of the test's own away from under a
// running server (issue 12 item 9), first hung (SIGSTOP), then killed
// (SIGKILL): calls must fail within seconds with 503 and Retry-After, then
// at once; /healthz must answer 200 within about a second, saying Neo4j is
// unreachable; and once Neo4j answers again, so must the server, without a
// restart.
func TestNeo4jUnreachable(t *testing.T) {
	own := neo4jtest.StartOwn(t)
	store := own.Open()
	ctx := context.Background()
	w := &graph.Workspace{Name: "unreachable"}
	if err := store.CreateWorkspace(ctx, w); err != nil {
		t.Fatal(err)
	}
	u := &graph.User{WorkspaceID: w.ID, Name: "Owner", Role: graph.RoleOwner}
	if err := store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	secret, shown, hash := graph.NewTokenSecret()
	if err := store.CreateToken(ctx, &graph.Token{WorkspaceID: w.ID, UserID: u.ID, Name: "t", Prefix: shown, Hash: hash}); err != nil {
		t.Fatal(err)
	}
	srv := api.New(api.Options{Store: store, RateLimit: -1})
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	defer srv.Close()
	// Not the package's validating client: 503 is the point here.
	client := &http.Client{Timeout: 2 * time.Minute}
	call := func(method, path, body string) (int, http.Header, string, time.Duration) {
		t.Helper()
		req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b), time.Since(start)
	}
	// away checks the server while Neo4j does not answer; the first call
	// may take firstLimit to find out.
	away := func(how string, firstLimit time.Duration) {
		t.Helper()
		for i, limit := range []time.Duration{firstLimit, 500 * time.Millisecond, 500 * time.Millisecond} {
			code, h, body, took := call("POST", "/api/v1/people", `{"name": "During"}`)
			t.Logf("%s: write %d: %d after %v", how, i+1, code, took)
			if code != 503 || h.Get("Retry-After") == "" || took > limit {
				t.Fatalf("%s: write %d: %d (Retry-After %q) after %v, want 503 with Retry-After within %v: %s",
					how, i+1, code, h.Get("Retry-After"), took, limit, body)
			}
		}
		if code, h, _, took := call("GET", "/api/v1/people", ""); code != 503 || h.Get("Retry-After") == "" || took > 500*time.Millisecond {
			t.Fatalf("%s: read: %d after %v, want 503 with Retry-After at once", how, code, took)
		}
		code, _, body, took := call("GET", "/healthz", "")
		var health struct{ Status, Neo4j string }
		_ = json.Unmarshal([]byte(body), &health)
		t.Logf("%s: healthz: %d %s after %v", how, code, health.Neo4j, took)
		if code != 200 || health.Neo4j != "unreachable" || took > 1500*time.Millisecond {
			t.Fatalf("%s: healthz: %d %s after %v, want 200 neo4j unreachable within about a second", how, code, body, took)
		}
		if code, _, _, _ := call("GET", "/readyz", ""); code != 503 {
			t.Fatalf("%s: readyz: %d, want 503", how, code)
		}
	}
	if code, _, body, _ := call("POST", "/api/v1/people", `{"name": "Before"}`); code != 201 {
		t.Fatalf("before: got %d %s", code, body)
	}

	own.Pause()
	// Liveness first, before any call has found Neo4j away.
	code, _, body, took := call("GET", "/healthz", "")
	t.Logf("hung: first healthz: %d %s after %v", code, body, took)
	if code != 200 || !strings.Contains(body, `"unreachable"`) || took > 1500*time.Millisecond {
		t.Fatalf("hung: first healthz: %d %s after %v, want 200 neo4j unreachable within about a second", code, body, took)
	}
	away("hung", 5*time.Second)
	own.Resume()
	began := time.Now()
	for {
		code, _, body, _ := call("POST", "/api/v1/people", `{"name": "After"}`)
		if code == 201 {
			break
		}
		if time.Since(began) > 15*time.Second {
			t.Fatalf("15 s after Neo4j came back: %d %s, want 201", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("writes work again %v after Neo4j is back", time.Since(began))
	if code, _, body, _ := call("GET", "/healthz", ""); code != 200 || !strings.Contains(body, `"reachable"`) {
		t.Fatalf("healthz after: %d %s", code, body)
	}

	own.Kill()
	away("killed", 3*time.Second)
}
