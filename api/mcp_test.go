package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	gomcp "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// bearerTransport adds a token to every request, as an assistant
// configured with Nexo's URL and token does, and sends it through the
// contract's checks (http.DefaultClient's transport, contract_test.go).
type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultClient.Transport.RoundTrip(r)
}

// mcpSession connects the SDK's own client to the server's /mcp with the
// client's token.
func (c *client) mcpSession(tb testing.TB) *gomcp.ClientSession {
	tb.Helper()
	t := &gomcp.StreamableClientTransport{Endpoint: c.url + "/mcp", MaxRetries: -1,
		HTTPClient: &http.Client{Transport: bearerTransport{c.token}, Timeout: time.Minute}}
	s, err := gomcp.NewClient(&gomcp.Implementation{Name: "test", Version: "1"}, nil).Connect(context.Background(), t, nil)
	if err != nil {
		tb.Fatalf("connect to /mcp: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// callTool calls a tool and decodes its structured answer into out; it
// returns the result, whose IsError says whether the tool refused.
func callTool(tb testing.TB, s *gomcp.ClientSession, name string, args map[string]any, out any) *gomcp.CallToolResult {
	tb.Helper()
	res, err := s.CallTool(context.Background(), &gomcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if out != nil && !res.IsError {
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatalf("%s: decode %s: %v", name, b, err)
		}
	}
	return res
}

// toolText is the readable text of a result.
func toolText(res *gomcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(*gomcp.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// demoWorkspace fills the client's workspace with a small demo network and
// makes the owner its "me".
func demoWorkspace(tb testing.TB, c *client, people int) string {
	tb.Helper()
	store := neo4jtest.Open(tb)
	meID, err := demo.Generate(demo.Options{People: people, AsOf: time.Now().UTC().Truncate(24 * time.Hour)}, c.user.ID,
		func(b *graph.Batch) error { return store.Upsert(context.Background(), c.ws.ID, b, nil) })
	if err != nil {
		tb.Fatal(err)
	}
	c.must(200, "PATCH", "/api/v1/members/"+c.user.ID, map[string]any{"person_id": meID}, nil)
	return meID
}

// same reports whether two answers hold the same JSON at a key.
func same(tb testing.TB, what string, a, b any) {
	tb.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		tb.Errorf("%s: MCP and HTTP answers differ:\n MCP  %.600s\n HTTP %.600s", what, ja, jb)
	}
}

// TestMCP calls every tool through the SDK's client over streamable HTTP and
// checks each answer against the HTTP API's answer to the same question.
func TestMCP(t *testing.T) {
	c := newServer(t, quietLogs)
	meID := demoWorkspace(t, c, 60)
	s := c.mcpSession(t)
	ctx := context.Background()

	tools, err := s.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
		if tool.Description == "" || tool.InputSchema == nil {
			t.Errorf("%s: no description or input schema", tool.Name)
		}
		if writes := tool.Name == "log_interaction" || tool.Name == "record_introduction"; tool.Annotations == nil ||
			tool.Annotations.ReadOnlyHint == writes {
			t.Errorf("%s: annotations %+v; writes=%v", tool.Name, tool.Annotations, writes)
		}
	}
	slices.Sort(names)
	want := []string{"broker_opportunities", "dormant_ties", "job_search", "log_interaction", "network_map", "person",
		"record_introduction", "search_people", "who_can_introduce"}
	if !slices.Equal(names, want) {
		t.Fatalf("tools: got %v, want %v", names, want)
	}

	var orgs struct{ Items []graph.Organization }
	c.must(200, "GET", "/api/v1/organizations?limit=1", nil, &orgs)
	org := orgs.Items[0].Name

	type paths struct{ Paths any }
	var viaMCP, viaHTTP paths
	res := callTool(t, s, "who_can_introduce", map[string]any{"organization": org, "k": 3}, &viaMCP)
	c.must(200, "GET", "/api/v1/intro-paths?k=3&org="+url.QueryEscape(org), nil, &viaHTTP)
	same(t, "who_can_introduce", viaMCP, viaHTTP)
	if !strings.Contains(toolText(res), "someone at "+org) {
		t.Errorf("who_can_introduce text: %q", toolText(res))
	}

	var elena struct{ Items []graph.Person }
	c.must(200, "GET", "/api/v1/people?q="+url.QueryEscape("Elena Torres"), nil, &elena)
	viaMCP, viaHTTP = paths{}, paths{}
	res = callTool(t, s, "who_can_introduce", map[string]any{"person": "Elena Torres"}, &viaMCP)
	c.must(200, "GET", "/api/v1/intro-paths?to="+elena.Items[0].ID, nil, &viaHTTP)
	same(t, "who_can_introduce by name", viaMCP, viaHTTP)
	if text := toolText(res); !strings.Contains(text, "Elena Torres") || !strings.Contains(text, "strength") {
		t.Errorf("paths text: %q", text)
	}

	var foundMCP struct{ People []graph.Person }
	var foundHTTP struct{ Items []graph.Person }
	callTool(t, s, "search_people", map[string]any{"query": "García"}, &foundMCP)
	c.must(200, "GET", "/api/v1/people?limit=20&q="+url.QueryEscape("García"), nil, &foundHTTP)
	same(t, "search_people", foundMCP.People, foundHTTP.Items)

	var personMCP struct {
		Person    graph.Person
		Strengths struct{ Ties any }
	}
	var strengthsHTTP struct{ Ties any }
	callTool(t, s, "person", map[string]any{"person": elena.Items[0].ID}, &personMCP)
	c.must(200, "GET", "/api/v1/people/"+elena.Items[0].ID+"/strengths", nil, &strengthsHTTP)
	same(t, "person", personMCP.Strengths.Ties, strengthsHTTP.Ties)

	// The report is built as of its own now, and a tie's strength decays by
	// the second: the same people, steps and drafts, not the same decimals.
	type dormantEntry struct {
		PersonID    string `json:"person_id"`
		DaysDormant int    `json:"days_dormant"`
		NextStep    any    `json:"next_step"`
	}
	var dormantMCP, previewHTTP struct{ Dormant []dormantEntry }
	res = callTool(t, s, "dormant_ties", nil, &dormantMCP)
	c.must(200, "GET", "/api/v1/reports/preview?format=json", nil, &previewHTTP)
	same(t, "dormant_ties", dormantMCP.Dormant, previewHTTP.Dormant)
	if len(dormantMCP.Dormant) == 0 {
		t.Error("dormant_ties: none in the demo")
	}
	if !strings.Contains(toolText(res), "Draft: ") {
		t.Errorf("dormant_ties text has no draft: %q", toolText(res))
	}

	var oppMCP, oppHTTP struct{ Opportunities any }
	callTool(t, s, "broker_opportunities", map[string]any{"limit": 5}, &oppMCP)
	c.must(200, "GET", "/api/v1/broker-opportunities?limit=5", nil, &oppHTTP)
	same(t, "broker_opportunities", oppMCP.Opportunities, oppHTTP.Opportunities)

	var jobsMCP, jobsHTTP struct{ Leads any }
	callTool(t, s, "job_search", map[string]any{"organization": org}, &jobsMCP)
	c.must(200, "GET", "/api/v1/job-search?org="+url.QueryEscape(org), nil, &jobsHTTP)
	same(t, "job_search", jobsMCP.Leads, jobsHTTP.Leads)

	var logged graph.Interaction
	res = callTool(t, s, "log_interaction", map[string]any{"kind": "coffee", "with": []string{"Elena Torres"},
		"at": "2026-11-30", "initiated_by": "me", "notes": "mentoring"}, &logged)
	if res.IsError || !slices.Equal(logged.ParticipantIDs, []string{meID, elena.Items[0].ID}) || logged.InitiatorID != meID {
		t.Fatalf("log_interaction: %q %+v", toolText(res), logged)
	}
	var stored graph.Interaction
	c.must(200, "GET", "/api/v1/interactions/"+logged.ID, nil, &stored)
	if stored.Notes != "mentoring" || stored.LoggedBy != c.user.ID {
		t.Errorf("stored interaction: %+v", stored)
	}

	var intro graph.Introduction
	res = callTool(t, s, "record_introduction", map[string]any{"introducer": "Ana García", "target": elena.Items[0].ID,
		"reason": "a mentor in data analysis"}, &intro)
	if res.IsError || intro.PersonID != meID || intro.Status != graph.IntroRequested {
		t.Fatalf("record_introduction: %q %+v", toolText(res), intro)
	}
	c.must(200, "GET", "/api/v1/introductions/"+intro.ID, nil, nil)

	res = callTool(t, s, "network_map", map[string]any{"kind": "ego"}, nil)
	img, ok := res.Content[0].(*gomcp.ImageContent)
	if res.IsError || !ok || img.MIMEType != "image/png" || !bytes.HasPrefix(img.Data, []byte("\x89PNG")) {
		t.Fatalf("network_map: %+v", res)
	}
	res = callTool(t, s, "network_map", map[string]any{"kind": "overview", "format": "svg"}, nil)
	if res.IsError || !strings.Contains(toolText(res), "<svg") {
		t.Errorf("network_map svg: %.200s", toolText(res))
	}

	if _, err := s.ReadResource(ctx, &gomcp.ReadResourceParams{URI: "nexo://report/latest"}); err == nil {
		t.Error("latest report before any: no error")
	}
	c.must(201, "POST", "/api/v1/reports", map[string]any{"deliver": false}, nil)
	rr, err := s.ReadResource(ctx, &gomcp.ReadResourceParams{URI: "nexo://report/latest"})
	if err != nil || len(rr.Contents) != 1 || !strings.Contains(rr.Contents[0].Text, "# Your network this week") {
		t.Fatalf("latest report: %v %+v", err, rr)
	}
}

// TestMCPBadArguments: a mistake comes back as a tool error that says what
// is wrong, and the session goes on.
func TestMCPBadArguments(t *testing.T) {
	c := newServer(t, quietLogs)
	demoWorkspace(t, c, 50)
	s := c.mcpSession(t)
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"who_can_introduce", map[string]any{"person": "Nobody Atall"}, "Person not found"},
		{"who_can_introduce", map[string]any{"organization": "Globex", "k": -1}, "k"},
		{"who_can_introduce", map[string]any{}, "exactly one target"},
		{"who_can_introduce", map[string]any{"person": graph.NewID()}, "Person not found"},
		{"who_can_introduce", map[string]any{"text": strings.Repeat("x", 10<<20)}, "text"},
		{"person", map[string]any{"person": ""}, "person"},
		{"job_search", map[string]any{"organization": "No Such Company Ltd"}, "Organization not found"},
		{"log_interaction", map[string]any{"kind": "telepathy", "with": []string{"Ana García"}}, "kind"},
		{"log_interaction", map[string]any{"kind": "coffee", "with": []string{"Ana García"}, "at": "yesterday"}, "at must be"},
		{"dormant_ties", map[string]any{"limit": 1000}, "limit"},
		{"network_map", map[string]any{"kind": "globe"}, "kind"},
	} {
		res := callTool(t, s, tc.tool, tc.args, nil)
		if text := toolText(res); !res.IsError || !strings.Contains(text, tc.want) {
			t.Errorf("%s %.100v: got error=%v %.300q, want a tool error mentioning %q", tc.tool, tc.args, res.IsError, text, tc.want)
		}
	}
	// Still serving.
	if res := callTool(t, s, "search_people", map[string]any{"query": "a"}, nil); res.IsError {
		t.Errorf("after the errors: %q", toolText(res))
	}
}

// TestMCPIsolation: a token of another workspace reaches nothing of this
// one through any tool, cannot take over its session, and a viewer cannot
// write; no token gets nothing at all.
func TestMCPIsolation(t *testing.T) {
	a := newServer(t, quietLogs)
	demoWorkspace(t, a, 50)
	var people struct{ Items []graph.Person }
	a.must(200, "GET", "/api/v1/people?limit=5&q=Ana", nil, &people)
	victim := people.Items[0]

	// Workspace B on the same server.
	store := neo4jtest.Open(t)
	wb, ownerB := neo4jtest.Workspace(t, store)
	b := &client{tb: t, url: a.url, token: tokenFor(t, ownerB), ws: wb, user: ownerB, server: a.server}
	sb := b.mcpSession(t)
	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"who_can_introduce", map[string]any{"person": victim.ID}},
		{"who_can_introduce", map[string]any{"person": victim.Name}},
		{"person", map[string]any{"person": victim.ID}},
		{"log_interaction", map[string]any{"kind": "coffee", "with": []string{victim.ID}}},
		{"record_introduction", map[string]any{"introducer": victim.ID, "target": victim.ID}},
	} {
		res := callTool(t, sb, tc.tool, tc.args, nil)
		if !res.IsError {
			t.Errorf("B's %s on A's person: got %q, want an error", tc.tool, toolText(res))
		}
	}
	res := callTool(t, sb, "search_people", map[string]any{"query": victim.Name}, nil)
	if strings.Contains(toolText(res), victim.ID) || strings.Contains(toolText(res), victim.Name) {
		t.Errorf("B's search found A's person: %q", toolText(res))
	}

	// B takes A's session id: refused by the SDK's session binding.
	sa := a.mcpSession(t)
	body := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"search_people","arguments":{"query":"Ana"}}}`
	for _, token := range []string{b.token, ""} {
		req, _ := http.NewRequest("POST", a.url+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Session-Id", sa.ID())
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var raw bytes.Buffer
		raw.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 || strings.Contains(raw.String(), victim.Name) {
			t.Errorf("A's session with token %q: got %d %.200s", token, resp.StatusCode, raw.String())
		}
	}

	viewer := a.member("Vera Viewer", graph.RoleViewer)
	res = callTool(t, viewer.mcpSession(t), "log_interaction", map[string]any{"kind": "coffee", "with": []string{victim.ID}}, nil)
	if !res.IsError || !strings.Contains(toolText(res), "Viewers") {
		t.Errorf("viewer log_interaction: %q", toolText(res))
	}
}

// TestMCPStdio serves a token's member over a transport of its own, as
// `nexo mcp` does on stdin and stdout, and answers as the HTTP API does.
func TestMCPStdio(t *testing.T) {
	c := newServer(t, quietLogs)
	demoWorkspace(t, c, 50)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	serverT, clientT := gomcp.NewInMemoryTransports()
	done := make(chan error, 1)
	go func() { done <- c.server.ServeMCP(ctx, serverT, c.token) }()
	s, err := gomcp.NewClient(&gomcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, clientT, nil)
	if err != nil {
		t.Fatal(err)
	}
	var viaMCP, viaHTTP struct{ Opportunities any }
	callTool(t, s, "broker_opportunities", map[string]any{"limit": 3}, &viaMCP)
	c.must(200, "GET", "/api/v1/broker-opportunities?limit=3", nil, &viaHTTP)
	same(t, "broker_opportunities over stdio", viaMCP.Opportunities, viaHTTP.Opportunities)
	s.Close()
	cancel()
	<-done

	serverT, _ = gomcp.NewInMemoryTransports()
	if err := c.server.ServeMCP(context.Background(), serverT, "nexo_not-a-token"); graph.ErrorCode(err) != graph.EUNAUTHORIZED {
		t.Errorf("a bad token: got %v, want unauthorized", err)
	}
}
