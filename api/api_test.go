package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// client calls a test server with one member's token.
type client struct {
	tb     testing.TB
	url    string
	token  string
	ws     *graph.Workspace
	user   *graph.User
	server *api.Server
}

// metricsToken is the test servers' NEXO_METRICS_TOKEN.
const metricsToken = "test-metrics-token"

// newServer starts an API server on the test Neo4j with a fresh workspace
// and returns a client of its owner.
func newServer(tb testing.TB, opts ...func(*api.Options)) *client {
	tb.Helper()
	store := neo4jtest.Open(tb)
	w, owner := neo4jtest.Workspace(tb, store)
	opt := api.Options{Store: store, Version: "test", RateLimit: -1, MetricsToken: metricsToken}
	for _, o := range opts {
		o(&opt)
	}
	srv := api.New(opt)
	hs := httptest.NewServer(srv.Handler())
	tb.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return &client{tb: tb, url: hs.URL, token: tokenFor(tb, owner), ws: w, user: owner, server: srv}
}

// tokenFor creates a token for a user directly in the store.
func tokenFor(tb testing.TB, u *graph.User) string {
	tb.Helper()
	secret, shown, hash := graph.NewTokenSecret()
	if err := neo4jtest.Open(tb).CreateToken(context.Background(), &graph.Token{WorkspaceID: u.WorkspaceID,
		UserID: u.ID, Name: "test", Prefix: shown, Hash: hash}); err != nil {
		tb.Fatal(err)
	}
	return secret
}

// as returns a client of the same server with another member's token.
func (c *client) as(u *graph.User) *client {
	cp := *c
	cp.token, cp.user = tokenFor(c.tb, u), u
	return &cp
}

// do sends a request and decodes the JSON answer into out (when not nil).
func (c *client) do(method, path string, body any, out any) int {
	c.tb.Helper()
	var r io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			r = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
	}
	req, _ := http.NewRequest(method, c.url+path, r)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.tb.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode
}

type apiError struct {
	Error struct{ Code, Message, Field string }
}

func TestAuth(t *testing.T) {
	c := newServer(t)
	anon := *c
	anon.token = ""
	var e apiError
	if code := anon.do("GET", "/api/v1/people", nil, &e); code != 401 || e.Error.Code != graph.EUNAUTHORIZED {
		t.Fatalf("no token: got %d %+v, want 401", code, e)
	}
	anon.token = "nexo_" + strings.Repeat("x", 52)
	if code := anon.do("GET", "/api/v1/people", nil, &e); code != 401 {
		t.Fatalf("unknown token: got %d, want 401", code)
	}
	var h map[string]any
	if code := anon.do("GET", "/healthz", nil, &h); code != 200 || h["neo4j"] != "reachable" {
		t.Fatalf("healthz: got %d %v", code, h)
	}
	var me struct {
		User   struct{ ID string }
		Person struct{ ID string }
	}
	if code := c.do("GET", "/api/v1/me", nil, &me); code != 200 || me.User.ID != c.user.ID || me.Person.ID != c.user.PersonID {
		t.Fatalf("me: got %d %+v", code, me)
	}
	// A token created through the API works, shows its secret once, and stops working when revoked.
	var tok struct {
		ID, Secret string
	}
	if code := c.do("POST", "/api/v1/tokens", map[string]string{"name": "laptop"}, &tok); code != 201 || tok.Secret == "" {
		t.Fatalf("create token: got %d %+v", code, tok)
	}
	second := *c
	second.token = tok.Secret
	if code := second.do("GET", "/api/v1/me", nil, nil); code != 200 {
		t.Fatalf("new token: got %d", code)
	}
	var toks struct{ Items []map[string]any }
	c.do("GET", "/api/v1/tokens", nil, &toks)
	for _, it := range toks.Items {
		if _, leaked := it["secret"]; leaked || it["hash"] != nil {
			t.Fatalf("token list shows a secret or hash: %v", it)
		}
	}
	if code := c.do("DELETE", "/api/v1/tokens/"+tok.ID, nil, nil); code != 204 {
		t.Fatalf("revoke: got %d", code)
	}
	if code := second.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Fatalf("revoked token: got %d, want 401", code)
	}
}

func TestPeopleAndPaths(t *testing.T) {
	c := newServer(t)
	me := c.user.PersonID
	var ana, cleo graph.Person
	if code := c.do("POST", "/api/v1/people", map[string]any{"name": "Ana García", "skills": []string{"data analysis"}}, &ana); code != 201 {
		t.Fatalf("create: got %d", code)
	}
	if code := c.do("POST", "/api/v1/people", map[string]any{"name": "Cleo", "title": "CTO", "company": "Globex"}, &cleo); code != 201 || cleo.Company != "Globex" {
		t.Fatalf("create with company: got %d %+v", code, cleo)
	}
	for _, pair := range [][2]string{{me, ana.ID}, {ana.ID, cleo.ID}} {
		if code := c.do("POST", "/api/v1/ties", map[string]any{"person_a": pair[0], "person_b": pair[1]}, nil); code != 201 {
			t.Fatalf("tie: got %d", code)
		}
	}
	if code := c.do("POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{ana.ID},
		"at": "2026-11-20", "initiated_by": "me", "notes": "catch-up"}, nil); code != 201 {
		t.Fatalf("log interaction: got %d", code)
	}
	var res struct {
		Paths []struct {
			People []string
			Score  float64
		}
		Freshness struct{ People int }
	}
	if code := c.do("GET", "/api/v1/intro-paths?org=globex", nil, &res); code != 200 || len(res.Paths) == 0 {
		t.Fatalf("intro-paths: got %d %+v", code, res)
	}
	if p := res.Paths[0].People; len(p) != 3 || p[0] != me || p[1] != ana.ID || p[2] != cleo.ID {
		t.Fatalf("path: got %v, want me → Ana → Cleo", p)
	}
	var e apiError
	if code := c.do("GET", "/api/v1/intro-paths", nil, &e); code != 400 {
		t.Fatalf("no target: got %d, want 400", code)
	}
	if code := c.do("GET", "/api/v1/intro-paths?to="+graph.NewID(), nil, &e); code != 404 {
		t.Fatalf("unknown target: got %d, want 404", code)
	}
	if code := c.do("POST", "/api/v1/people", `{"name": 5}`, &e); code != 400 || e.Error.Field != "name" {
		t.Fatalf("bad type: got %d %+v", code, e)
	}
	if code := c.do("POST", "/api/v1/people", map[string]any{"name": ""}, &e); code != 422 {
		t.Fatalf("empty name: got %d, want 422", code)
	}
	if code := c.do("POST", "/api/v1/ties", map[string]any{"person_a": me, "person_b": ana.ID}, &e); code != 409 {
		t.Fatalf("duplicate tie: got %d, want 409", code)
	}
}
