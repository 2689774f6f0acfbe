package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer"
	"github.com/nexohq/nexo/graph/importer/importertest"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// ownerToken makes a workspace on the test Neo4j and returns its owner's token.
func ownerToken(tb testing.TB) (*graph.Workspace, string) {
	tb.Helper()
	store := neo4jtest.Open(tb)
	w, owner := neo4jtest.Workspace(tb, store)
	secret, shown, hash := graph.NewTokenSecret()
	if err := store.CreateToken(context.Background(), &graph.Token{WorkspaceID: w.ID, UserID: owner.ID, Name: "test",
		Prefix: shown, Hash: hash}); err != nil {
		tb.Fatal(err)
	}
	return w, secret
}

// uploadImport posts a LinkedIn file to base's /api/v1/imports and returns
// the status and the job's id.
func uploadImport(tb testing.TB, base, token string, csv []byte) (int, string) {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "Connections.csv")
	fw.Write(csv)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/imports", &body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var j struct{ ID string }
	raw, _ := io.ReadAll(resp.Body)
	json.Unmarshal(raw, &j)
	return resp.StatusCode, j.ID
}

type jobView struct {
	ID, State string
	Error     *struct{ Code, Message string }
	Result    struct{ Created int }
}

func getJob(tb testing.TB, base, token, id string) (int, jobView) {
	tb.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/jobs/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var j jobView
	json.NewDecoder(resp.Body).Decode(&j)
	return resp.StatusCode, j
}

// serveOn returns a Main for the test Neo4j on a free port, with no demo and
// no schedulers: the test Neo4j holds other packages' workspaces, whose
// accounts and reports are theirs to run.
func serveOn(tb testing.TB, drainDelay, drainTimeout time.Duration) *Main {
	tb.Helper()
	m := NewMain()
	m.Config.Neo4j, m.Config.Addr, m.Config.DataDir = neo4jtest.Config(tb), "127.0.0.1:0", tb.TempDir()
	m.Config.Reports, m.Config.Sync, m.Config.RateLimit = false, false, -1
	m.Config.DrainDelay, m.Config.DrainTimeout = drainDelay, drainTimeout
	return m
}

// TestServeDrain is issue 12 item 6: an import accepted (202) before a
// SIGTERM is either finished during the drain or recorded as failed with a
// reason, and after a restart GET /jobs/{id} says which (it was 404: jobs
// lived in the stopped process's memory). While draining, /readyz answers
// 503 before the server stops accepting.
func TestServeDrain(t *testing.T) {
	_, token := ownerToken(t)

	// A drain long enough: the import finishes during it.
	m := serveOn(t, 600*time.Millisecond, time.Minute)
	stop := runMain(t, m)
	base := "http://" + m.Addr()
	code, finished := uploadImport(t, base, token, importertest.ConnectionsCSV(3000))
	if code != 202 {
		t.Fatalf("upload: got %d", code)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	// /readyz turns 503 first, while the server still answers.
	var ready map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for code = 200; code == 200 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		code = getJSON(t, base+"/readyz", &ready)
	}
	if code != 503 {
		t.Fatalf("readyz while draining: got %d, want 503", code)
	}
	var health map[string]any
	if code := getJSON(t, base+"/healthz", &health); code != 200 {
		t.Fatalf("healthz while draining: got %d, want 200 (the server still serves)", code)
	}
	<-stopped
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	// A drain too short: the import is stopped and recorded as failed.
	m = serveOn(t, 0, time.Millisecond)
	stop = runMain(t, m)
	code, cut := uploadImport(t, "http://"+m.Addr(), token, importertest.ConnectionsCSV(20000))
	if code != 202 {
		t.Fatalf("upload: got %d", code)
	}
	stop()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	// After a restart, both jobs are there, ended, and say how.
	m = serveOn(t, 0, time.Minute)
	stop = runMain(t, m)
	defer func() {
		stop()
		m.Close()
	}()
	base = "http://" + m.Addr()
	if code, j := getJob(t, base, token, finished); code != 200 || j.State != "succeeded" || j.Result.Created != 3000 {
		t.Fatalf("import finished during the drain: got %d %+v, want succeeded with 3000 created", code, j)
	}
	code, j := getJob(t, base, token, cut)
	if code != 200 || j.State != "failed" || j.Error == nil || j.Error.Code != graph.EUNAVAILABLE ||
		j.Error.Message != graph.ErrJobLost.Message {
		t.Fatalf("import cut by the drain: got %d %+v %+v, want failed with %q", code, j, j.Error, graph.ErrJobLost.Message)
	}
}

// TestImportCommandCancel: Ctrl-C during `nexo import --server` cancels the
// job on the server, which otherwise went on writing after the command had
// returned.
func TestImportCommandCancel(t *testing.T) {
	w, token := ownerToken(t)
	m := serveOn(t, 0, time.Minute)
	stop := runMain(t, m)
	defer func() {
		stop()
		m.Close()
	}()
	path := filepath.Join(t.TempDir(), "Connections.csv")
	if err := os.WriteFile(path, importertest.ConnectionsCSV(20000), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	store := neo4jtest.Open(t)
	go func() { // Ctrl-C once the import runs
		defer cancel()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if l, _, err := store.FindJobs(context.Background(), w.ID, graph.JobFilter{}); err == nil && len(l) > 0 {
				return
			}
		}
	}()
	_, err := importViaServer(ctx, clientFlags{token: token, format: "table"}, "http://"+m.Addr(), path,
		importer.FormatAuto, "", false, false, io.Discard)
	if err == nil {
		t.Fatal("import interrupted: got no error")
	}
	l, _, _ := store.FindJobs(context.Background(), w.ID, graph.JobFilter{})
	if len(l) != 1 {
		t.Fatalf("jobs: got %d, want 1", len(l))
	}
	for deadline := time.Now().Add(10 * time.Second); l[0].State == graph.JobRunning && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		l[0], _ = store.FindJob(context.Background(), w.ID, l[0].ID)
	}
	if l[0].State != graph.JobCanceled {
		t.Fatalf("the job of an interrupted import: got %s, want canceled", l[0].State)
	}
}
