package neo4j_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

func mustJob(tb testing.TB, s *neo4j.Store, ws, kind, owner string, lease time.Duration) *graph.Job {
	tb.Helper()
	j := &graph.Job{WorkspaceID: ws, Kind: kind, State: graph.JobRunning, Owner: owner}
	if err := s.CreateJob(ctx, j, lease, 0); err != nil {
		tb.Fatalf("create job: %v", err)
	}
	return j
}

func TestJobs(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	other, _ := neo4jtest.Workspace(t, s)
	j := mustJob(t, s, w.ID, graph.JobImport, "a/1", time.Minute)
	if j.ID == "" || j.StartedAt.IsZero() || time.Until(j.LeaseUntil) < 30*time.Second {
		t.Fatalf("created: got %+v, want an id, a start and a lease of a minute", j)
	}

	t.Run("Progress", func(t *testing.T) {
		got, err := s.UpdateJob(ctx, w.ID, j.ID, graph.JobUpdate{Owner: "a/1", Lease: time.Minute,
			State: graph.JobRunning, Phase: "reading", Done: 10, Total: 100})
		if err != nil || got.Phase != "reading" || got.Done != 10 || got.Total != 100 || got.CancelRequested {
			t.Fatalf("progress: got %+v, %v", got, err)
		}
		_, err = s.UpdateJob(ctx, w.ID, j.ID, graph.JobUpdate{Owner: "b/2", Lease: time.Minute, State: graph.JobRunning})
		wantCode(t, err, graph.ECONFLICT) // only the owner writes
		_, err = s.FindJob(ctx, other.ID, j.ID)
		wantCode(t, err, graph.ENOTFOUND) // another workspace never sees it
		_, err = s.UpdateJob(ctx, other.ID, j.ID, graph.JobUpdate{Owner: "a/1", Lease: time.Minute, State: graph.JobRunning})
		wantCode(t, err, graph.ENOTFOUND)
	})

	t.Run("Cancel", func(t *testing.T) {
		_, err := s.CancelJob(ctx, other.ID, j.ID)
		wantCode(t, err, graph.ENOTFOUND)
		got, err := s.CancelJob(ctx, w.ID, j.ID)
		if err != nil || got.State != graph.JobRunning || !got.CancelRequested {
			t.Fatalf("cancel: got %+v, %v; want still running, cancel requested", got, err)
		}
		// The owner learns it on its next write, and ends the job.
		got, err = s.UpdateJob(ctx, w.ID, j.ID, graph.JobUpdate{Owner: "a/1", Lease: time.Minute, State: graph.JobRunning})
		if err != nil || !got.CancelRequested {
			t.Fatalf("owner's write after cancel: got %+v, %v", got, err)
		}
		got, err = s.UpdateJob(ctx, w.ID, j.ID, graph.JobUpdate{Owner: "a/1", State: graph.JobCanceled, Phase: "reading"})
		if err != nil || got.State != graph.JobCanceled || got.FinishedAt.IsZero() {
			t.Fatalf("end: got %+v, %v", got, err)
		}
		_, err = s.CancelJob(ctx, w.ID, j.ID)
		wantCode(t, err, graph.ECONFLICT)
		_, err = s.UpdateJob(ctx, w.ID, j.ID, graph.JobUpdate{Owner: "a/1", Lease: time.Minute, State: graph.JobRunning})
		wantCode(t, err, graph.ECONFLICT) // an ended job stays ended
	})

	t.Run("CancelLost", func(t *testing.T) {
		lost := mustJob(t, s, w.ID, graph.JobImport, "gone/1", time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		got, err := s.CancelJob(ctx, w.ID, lost.ID)
		if err != nil || got.State != graph.JobCanceled || got.FinishedAt.IsZero() {
			t.Fatalf("cancel of a job nobody runs: got %+v, %v; want canceled at once", got, err)
		}
	})

	t.Run("Succeeded", func(t *testing.T) {
		k := mustJob(t, s, w.ID, graph.JobAnalyticsRefresh, "a/1", time.Minute)
		got, err := s.UpdateJob(ctx, w.ID, k.ID, graph.JobUpdate{Owner: "a/1", State: graph.JobSucceeded,
			Result: json.RawMessage(`{"people":3}`)})
		if err != nil || got.State != graph.JobSucceeded || string(got.Result) != `{"people":3}` || got.Error != nil {
			t.Fatalf("succeeded: got %+v, %v", got, err)
		}
		f := mustJob(t, s, w.ID, graph.JobAnalyticsRefresh, "a/1", time.Minute)
		got, err = s.UpdateJob(ctx, w.ID, f.ID, graph.JobUpdate{Owner: "a/1", State: graph.JobFailed,
			Error: &graph.JobError{Code: graph.EINVALID, Message: "Bad line 3.", Field: "file"}})
		if err != nil || got.State != graph.JobFailed || got.Error == nil || got.Error.Field != "file" || got.Result != nil {
			t.Fatalf("failed: got %+v, %v", got, err)
		}
	})

	t.Run("List", func(t *testing.T) {
		l, total, err := s.FindJobs(ctx, w.ID, graph.JobFilter{Limit: 2})
		if err != nil || total != 4 || len(l) != 2 || !l[0].StartedAt.After(l[1].StartedAt) {
			t.Fatalf("list: got %d of %d, %v; want the newest 2 of 4", len(l), total, err)
		}
		l, total, err = s.FindJobs(ctx, other.ID, graph.JobFilter{})
		if err != nil || total != 0 || l == nil {
			t.Fatalf("other workspace: got %v of %d, %v; want an empty list", l, total, err)
		}
	})
}

// TestJobLimit starts more imports at once than a workspace may run, each in
// its own transaction as several replicas would: exactly the limit pass.
func TestJobLimit(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	const limit, tries = 2, 6
	var wg sync.WaitGroup
	errs := make([]error, tries)
	for i := range tries {
		wg.Go(func() {
			j := &graph.Job{WorkspaceID: w.ID, Kind: graph.JobImport, State: graph.JobRunning, Owner: "r/1"}
			errs[i] = s.CreateJob(ctx, j, time.Minute, limit)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch graph.ErrorCode(err) {
		case "":
			ok++
		case graph.ERATELIMITED:
		default:
			t.Fatalf("create: %v", err)
		}
	}
	if ok != limit {
		t.Fatalf("got %d imports running, want %d", ok, limit)
	}
	// Other kinds are not counted; a lost import (its lease ran out) frees its place.
	if err := s.CreateJob(ctx, &graph.Job{WorkspaceID: w.ID, Kind: graph.JobAnalyticsRefresh, State: graph.JobRunning,
		Owner: "r/1"}, time.Minute, limit); err != nil {
		t.Fatalf("another kind: %v", err)
	}
	w2, _ := neo4jtest.Workspace(t, s)
	mustJob(t, s, w2.ID, graph.JobImport, "gone/1", time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	for i := range limit {
		if err := s.CreateJob(ctx, &graph.Job{WorkspaceID: w2.ID, Kind: graph.JobImport, State: graph.JobRunning,
			Owner: "r/1"}, time.Minute, limit); err != nil {
			t.Fatalf("import %d beside a lost one: %v", i+1, err)
		}
	}
}

func TestEndLostJobs(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	expired := mustJob(t, s, w.ID, graph.JobImport, "host@:1/old", time.Millisecond)
	earlierRun := mustJob(t, s, w.ID, graph.JobImport, "host@:8080/old", time.Hour)
	alive := mustJob(t, s, w.ID, graph.JobImport, "host@:8080/new", time.Hour)
	otherReplica := mustJob(t, s, w.ID, graph.JobImport, "host@:8081/x", time.Hour)
	time.Sleep(20 * time.Millisecond)

	if _, err := s.EndLostJobs(ctx, graph.LostJobs{}); err != nil {
		t.Fatal(err)
	}
	state := func(j *graph.Job) *graph.Job {
		t.Helper()
		got, err := s.FindJob(ctx, w.ID, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := state(expired); got.State != graph.JobFailed || got.Error == nil || got.Error.Message != graph.ErrJobLost.Message {
		t.Fatalf("expired lease: got %+v %+v, want failed with ErrJobLost", got, got.Error)
	}
	if got := state(earlierRun); got.State != graph.JobRunning {
		t.Fatalf("leases only: a job with a live lease got %s", got.State)
	}
	if _, err := s.EndLostJobs(ctx, graph.LostJobs{Replica: "host@:8080", Self: alive.Owner}); err != nil {
		t.Fatal(err)
	}
	if got := state(earlierRun); got.State != graph.JobFailed {
		t.Fatalf("the replica's earlier run: got %s, want failed", got.State)
	}
	if got := state(alive); got.State != graph.JobRunning {
		t.Fatalf("the replica's own job: got %s, want running", got.State)
	}
	if got := state(otherReplica); got.State != graph.JobRunning {
		t.Fatalf("another replica's job: got %s, want running", got.State)
	}
	// An owner whose job was found lost cannot bring it back.
	_, err := s.UpdateJob(ctx, w.ID, earlierRun.ID, graph.JobUpdate{Owner: earlierRun.Owner, Lease: time.Minute,
		State: graph.JobRunning})
	wantCode(t, err, graph.ECONFLICT)

	// Pruning: a job that ended long ago goes (a store whose clock is in
	// 2001 ends it, so that the other tests' jobs sharing this Neo4j are
	// left alone); jobs that ended now and running jobs stay.
	past, err := neo4j.Open(ctx, neo4jtest.Config(t))
	if err != nil {
		t.Fatal(err)
	}
	defer past.Close(ctx)
	long := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	past.Now = func() time.Time { return long }
	old := mustJob(t, s, w.ID, graph.JobImport, "r/1", time.Hour)
	if _, err := past.UpdateJob(ctx, w.ID, old.ID, graph.JobUpdate{Owner: "r/1", State: graph.JobSucceeded}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteJobs(ctx, graph.JobAnalyticsRefresh, long.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("delete ended refreshes: got %d, %v; want none (the old job is an import)", n, err)
	}
	n, err := s.DeleteJobs(ctx, "", long.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("delete ended jobs: got %d, %v; want the 1 that ended in 2001", n, err)
	}
	if _, err := s.FindJob(ctx, w.ID, old.ID); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("pruned job: got %v, want not found", err)
	}
	for _, j := range []*graph.Job{expired, alive} {
		if _, err := s.FindJob(ctx, w.ID, j.ID); err != nil {
			t.Fatalf("a job that ended now, or runs, was pruned: %v", err)
		}
	}
}
