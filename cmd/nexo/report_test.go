package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// reportWorkspace makes a workspace whose owner has a Spanish-speaking
// member with one dormant tie, and returns the owner's token.
func reportWorkspace(t *testing.T) (ws *graph.Workspace, owner, member *graph.User, token string) {
	t.Helper()
	cfg := neo4jtest.Config(t)
	t.Setenv("NEO4J_URI", cfg.URI)
	t.Setenv("NEO4J_USER", cfg.User)
	t.Setenv("NEO4J_PASSWORD", cfg.Password)
	s := neo4jtest.Open(t)
	ws, owner = neo4jtest.Workspace(t, s)
	ctx := context.Background()
	me := &graph.Person{WorkspaceID: ws.ID, Name: "Lucía Pérez"}
	old := &graph.Person{WorkspaceID: ws.ID, Name: "Marta López"}
	for _, p := range []*graph.Person{me, old} {
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	member = &graph.User{WorkspaceID: ws.ID, Name: "Lucía Pérez", Role: graph.RoleMember, PersonID: me.ID, Locale: "es"}
	if err := s.CreateUser(ctx, member); err != nil {
		t.Fatal(err)
	}
	for _, days := range []int{400, 300, 250} {
		if err := s.CreateInteraction(ctx, &graph.Interaction{WorkspaceID: ws.ID, Kind: graph.KindMeeting,
			At: time.Now().AddDate(0, 0, -days), ParticipantIDs: []string{me.ID, old.ID}, InitiatorID: me.ID}); err != nil {
			t.Fatal(err)
		}
	}
	secret, shown, hash := graph.NewTokenSecret()
	if err := s.CreateToken(ctx, &graph.Token{WorkspaceID: ws.ID, UserID: owner.ID, Name: "cli", Prefix: shown, Hash: hash}); err != nil {
		t.Fatal(err)
	}
	return ws, owner, member, secret
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestReportDormantCommand(t *testing.T) {
	_, _, member, token := reportWorkspace(t)
	out, err := runCLI(t, "report", "dormant", "--token", token, "--member", "lucía pérez")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Tu red esta semana — Lucía Pérez", "1. **Marta López**", "sin contacto desde hace 250 días",
		"> Hola Marta", "## Plan de la semana"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = runCLI(t, "report", "dormant", "--token", token, "--member", member.ID, "--format", "json")
	var r struct {
		Member struct {
			UserID string `json:"user_id"`
		}
		Dormant []struct{ Name string }
	}
	if err != nil || json.Unmarshal([]byte(out), &r) != nil || r.Member.UserID != member.ID || len(r.Dormant) != 1 {
		t.Fatalf("json: got %v, %.300s", err, out)
	}
	if out, err = runCLI(t, "report", "dormant", "--token", token, "--format", "html"); err != nil ||
		!strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "Your network this week — Owner") {
		t.Fatalf("html: got %v, %.300s", err, out)
	}
	if _, err = runCLI(t, "report", "dormant", "--token", token, "--format", "pdf"); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("--format pdf: got %v, want EINVALID", err)
	}
	if _, err = runCLI(t, "report", "dormant", "--token", token, "--member", "Nobody"); err == nil ||
		!strings.Contains(err.Error(), "no member called") {
		t.Errorf("unknown member: got %v", err)
	}
}

// TestServeRunsReports runs nexo serve with the scheduler on and a webhook
// secret, makes a report through the API, and stops: the scheduler starts
// and stops with the server, and the API uses serve's report settings.
func TestServeRunsReports(t *testing.T) {
	ws, owner, _, token := reportWorkspace(t)
	got := make(chan http.Header, 1)
	recv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case got <- r.Header.Clone():
		default:
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go recv.Serve(ln)
	defer recv.Close()
	hook := "http://" + ln.Addr().String() + "/hook"

	t.Setenv("NEXO_WEBHOOK_SECRET", "whsec")
	t.Setenv("NEXO_ADDR", "127.0.0.1:0")
	t.Setenv("NEXO_OUTBOUND_ALLOW", "127.0.0.1") // the receiver; by default it would be refused
	m := NewMain()
	if !m.Config.Reports || m.Config.WebhookSecret != "whsec" || m.Config.Mail.TLS != "starttls" {
		t.Fatalf("config: got %+v", m.Config)
	}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.scope = ws.ID // the test Neo4j's other workspaces are other tests'
	stop := runMain(t, m)
	base := "http://" + m.Addr() + "/api/v1"
	call := func(method, path, body string) int {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := call("PATCH", "/members/"+owner.ID+"/report-settings", `{"webhook_url": "`+hook+`"}`); code != 200 {
		t.Fatalf("settings: got %d", code)
	}
	if code := call("POST", "/reports", `{}`); code != 201 {
		t.Fatalf("make a report: got %d", code)
	}
	select {
	case h := <-got:
		if !strings.HasPrefix(h.Get("X-Nexo-Signature"), "sha256=") {
			t.Errorf("webhook unsigned: %v", h)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no webhook delivery")
	}
	stop()
}
