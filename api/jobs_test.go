package api_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer/importertest"
	"github.com/nexohq/nexo/graph/jobs"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// replica returns a client of a second server on the same store, with the
// same token: another replica behind a load balancer.
func (c *client) replica(opts ...func(*api.Options)) *client {
	c.tb.Helper()
	opt := api.Options{Store: neo4jtest.Open(c.tb), Version: "test", RateLimit: -1}
	quietLogs(&opt)
	for _, o := range opts {
		o(&opt)
	}
	srv := api.New(opt)
	hs := httptest.NewServer(srv.Handler())
	c.tb.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	cp := *c
	cp.url, cp.server = hs.URL, srv
	return &cp
}

// TestJobsAcrossReplicas: a job started on one replica is answered for, and
// canceled, through another (before jobs lived in Neo4j, the other replica
// answered 404).
func TestJobsAcrossReplicas(t *testing.T) {
	a := newServer(t, quietLogs)
	b := a.replica()
	var j job
	if code := a.upload("Connections.csv", importertest.ConnectionsCSV(20), nil, &j); code != 202 {
		t.Fatalf("upload: got %d", code)
	}
	if got := b.wait(j.ID); got.State != api.JobSucceeded || got.Result.Created != 20 {
		t.Fatalf("import polled through the other replica: got %+v", got)
	}
	var l struct {
		Items []api.Job
		Total int
	}
	b.must(200, "GET", "/api/v1/jobs?limit=1", nil, &l)
	if l.Total < 1 || len(l.Items) != 1 || l.Items[0].ID != j.ID {
		t.Fatalf("jobs through the other replica: got %+v", l)
	}

	t.Run("Cancel", func(t *testing.T) {
		// A job that replica a runs (work that waits for its cancel),
		// canceled through replica b.
		tr := jobs.New(jobs.Options{Store: neo4jtest.Open(t)})
		defer tr.Close()
		a := a.in(t)
		run, err := tr.Start(context.Background(), a.ws.ID, graph.JobImport)
		if err != nil {
			t.Fatal(err)
		}
		var got api.Job
		b.in(t).must(202, "DELETE", "/api/v1/jobs/"+run.ID(), nil, &got)
		if got.State != graph.JobRunning || !got.CancelRequested {
			t.Fatalf("cancel: got %+v, want running with cancel requested", got)
		}
		select {
		case <-run.Context().Done():
		case <-time.After(5 * time.Second):
			t.Fatal("the work was not told to stop within 5s")
		}
		run.Finish(nil, run.Context().Err())
		if got := a.wait(run.ID()); got.State != api.JobCanceled {
			t.Fatalf("after cancel: got %+v, want canceled", got)
		}
		a.fails(409, "DELETE", "/api/v1/jobs/"+run.ID(), nil)
		a.fails(404, "DELETE", "/api/v1/jobs/"+unknownID(), nil)
		a.fails(404, "DELETE", "/api/v1/jobs/zzz", nil)
		viewer := a.member("Vera Viewer", graph.RoleViewer)
		viewer.fails(403, "DELETE", "/api/v1/jobs/"+j.ID, nil)
		stranger := newServer(t, quietLogs)
		stranger.fails(404, "DELETE", "/api/v1/jobs/"+j.ID, nil)
		stranger.fails(404, "GET", "/api/v1/jobs/"+j.ID, nil)
	})
}

// TestCancelImport cancels a real import right after it is accepted: the job
// ends canceled and nothing of the file is written.
func TestCancelImport(t *testing.T) {
	c := newServer(t, quietLogs)
	var before struct{ Total int }
	c.must(200, "GET", "/api/v1/people?limit=1", nil, &before)
	var j job
	if code := c.upload("Connections.csv", importertest.ConnectionsCSV(20000), nil, &j); code != 202 {
		t.Fatalf("upload: got %d", code)
	}
	code, raw := c.call("DELETE", "/api/v1/jobs/"+j.ID, nil)
	if code != 202 && code != 200 {
		t.Fatalf("cancel: got %d %s (the import ended before the cancel: make the file larger)", code, raw)
	}
	if got := c.wait(j.ID); got.State != api.JobCanceled {
		t.Fatalf("canceled import: got %+v, want canceled", got)
	}
	var after struct{ Total int }
	c.must(200, "GET", "/api/v1/people?limit=1", nil, &after)
	if after.Total != before.Total {
		t.Fatalf("people after a canceled import: got %d, want %d (nothing written)", after.Total, before.Total)
	}
}

// TestImportLimit: a workspace runs at most DefaultMaxImports imports at
// once, wherever they run; one more is refused with 429 and a clear message.
func TestImportLimit(t *testing.T) {
	c := newServer(t, quietLogs)
	tr := jobs.New(jobs.Options{Store: neo4jtest.Open(t)}) // another replica's imports
	defer tr.Close()
	var running []*jobs.Run
	for range api.DefaultMaxImports {
		run, err := tr.Start(context.Background(), c.ws.ID, graph.JobImport)
		if err != nil {
			t.Fatal(err)
		}
		running = append(running, run)
	}
	var e apiError
	code := c.upload("Connections.csv", importertest.ConnectionsCSV(3), nil, &e)
	if code != 429 || e.Error.Code != graph.ERATELIMITED || !strings.Contains(e.Error.Message, "import jobs running") {
		t.Fatalf("import over the limit: got %d %+v, want 429 naming the running imports", code, e)
	}
	other := newServer(t, quietLogs) // the limit is per workspace
	var j job
	if code := other.upload("Connections.csv", importertest.ConnectionsCSV(3), nil, &j); code != 202 {
		t.Fatalf("import in another workspace: got %d", code)
	}
	running[0].Finish(nil, nil)
	if code := c.upload("Connections.csv", importertest.ConnectionsCSV(3), nil, &j); code != 202 {
		t.Fatalf("import after one ended: got %d", code)
	}
	if got := c.wait(j.ID); got.State != api.JobSucceeded {
		t.Fatalf("import: got %+v", got)
	}
}
