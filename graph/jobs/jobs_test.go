package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/jobs"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

var ctx = context.Background()

// countingStore is the real store, counting the job writes made through it.
type countingStore struct {
	graph.JobStore
	updates atomic.Int64
}

func (c *countingStore) UpdateJob(ctx context.Context, ws, id string, upd graph.JobUpdate) (*graph.Job, error) {
	c.updates.Add(1)
	return c.JobStore.UpdateJob(ctx, ws, id, upd)
}

func newTracker(tb testing.TB, store graph.JobStore, opt jobs.Options) *jobs.Tracker {
	tb.Helper()
	opt.Store = store
	t := jobs.New(opt)
	tb.Cleanup(func() { t.Close() })
	return t
}

// eventually polls the job until ok says it is as wanted, or fails after a while.
func eventually(tb testing.TB, store graph.JobStore, ws, id string, ok func(*graph.Job) bool) *graph.Job {
	tb.Helper()
	var j *graph.Job
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if j, err = store.FindJob(ctx, ws, id); err == nil && ok(j) {
			return j
		}
	}
	tb.Fatalf("job %s: got %+v (error %v), not the state wanted", id, j, err)
	return nil
}

func TestRun(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	store := &countingStore{JobStore: s}
	tr := newTracker(t, store, jobs.Options{})
	run, err := tr.Start(ctx, w.ID, graph.JobImport)
	if err != nil {
		t.Fatal(err)
	}
	if j := run.Job(); j.ID == "" || j.State != graph.JobRunning || j.WorkspaceID != w.ID {
		t.Fatalf("started: got %+v", j)
	}
	// Progress reported as often as an importer does: written a few times a
	// second at most, the latest values last.
	start := time.Now()
	for i := 0; time.Since(start) < 1200*time.Millisecond; i++ {
		run.Progress("reading", i, 0)
		time.Sleep(50 * time.Microsecond)
	}
	run.Progress("writing", 7, 9)
	eventually(t, s, w.ID, run.ID(), func(j *graph.Job) bool { return j.Phase == "writing" && j.Done == 7 && j.Total == 9 })
	max := int64(time.Since(start)/jobs.DefaultProgressEvery) + 2
	if n := store.updates.Load(); n > max {
		t.Errorf("progress writes: got %d in %v, want at most %d", n, time.Since(start), max)
	}
	run.Finish(map[string]int{"rows": 3}, nil)
	j := eventually(t, s, w.ID, run.ID(), func(j *graph.Job) bool { return j.State != graph.JobRunning })
	if j.State != graph.JobSucceeded || string(j.Result) != `{"rows":3}` || j.FinishedAt.IsZero() {
		t.Fatalf("finished: got %+v", j)
	}
	run.Finish(nil, errors.New("late")) // only the first end counts
	if j, _ := s.FindJob(ctx, w.ID, run.ID()); j.State != graph.JobSucceeded {
		t.Fatalf("a second Finish changed the job: %+v", j)
	}

	t.Run("Failed", func(t *testing.T) {
		run, err := tr.Start(ctx, w.ID, graph.JobImport)
		if err != nil {
			t.Fatal(err)
		}
		run.Finish(nil, graph.FieldErrorf("file", "Line 3 is not CSV."))
		j := eventually(t, s, w.ID, run.ID(), func(j *graph.Job) bool { return j.State != graph.JobRunning })
		if j.State != graph.JobFailed || j.Error == nil || j.Error.Code != graph.EINVALID || j.Error.Field != "file" {
			t.Fatalf("failed: got %+v %+v", j, j.Error)
		}
		run, _ = tr.Start(ctx, w.ID, graph.JobImport)
		run.Finish(nil, errors.New("dial tcp 10.0.0.1: secret detail"))
		j = eventually(t, s, w.ID, run.ID(), func(j *graph.Job) bool { return j.State != graph.JobRunning })
		if j.Error == nil || j.Error.Code != graph.EINTERNAL || j.Error.Message != "Internal error." {
			t.Fatalf("internal error shown as %+v, want it hidden", j.Error)
		}
	})
}

// TestCancelAcrossReplicas cancels through one tracker a job another one
// runs, as two replicas sharing Neo4j would.
func TestCancelAcrossReplicas(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	other, _ := neo4jtest.Workspace(t, s)
	a := newTracker(t, s, jobs.Options{Replica: "a"})
	b := newTracker(t, s, jobs.Options{Replica: "b"})
	run, err := a.Start(ctx, w.ID, graph.JobImport)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Cancel(ctx, other.ID, run.ID()); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("cancel from another workspace: got %v, want not found", err)
	}
	select {
	case <-run.Context().Done():
		t.Fatal("a cancel from another workspace stopped the job")
	case <-time.After(2 * jobs.DefaultHeartbeat):
	}
	j, err := b.Cancel(ctx, w.ID, run.ID())
	if err != nil || j.State != graph.JobRunning || !j.CancelRequested {
		t.Fatalf("cancel: got %+v, %v", j, err)
	}
	select {
	case <-run.Context().Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the job's context was not canceled within 5s of a cancel through another replica")
	}
	run.Finish(nil, run.Context().Err())
	j = eventually(t, s, w.ID, run.ID(), func(j *graph.Job) bool { return j.State != graph.JobRunning })
	if j.State != graph.JobCanceled || j.Error != nil {
		t.Fatalf("after cancel: got %+v, want canceled", j)
	}
	if _, err := b.Cancel(ctx, w.ID, run.ID()); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Fatalf("cancel of an ended job: got %v, want conflict", err)
	}
}

func TestLimit(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	a := newTracker(t, s, jobs.Options{Limits: map[string]int{graph.JobImport: 1}})
	b := newTracker(t, s, jobs.Options{Limits: map[string]int{graph.JobImport: 1}})
	first, err := a.Start(ctx, w.ID, graph.JobImport)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Start(ctx, w.ID, graph.JobImport); graph.ErrorCode(err) != graph.ERATELIMITED {
		t.Fatalf("second import on another replica: got %v, want rate limited", err)
	}
	if _, err := b.Start(ctx, w.ID, graph.JobAnalyticsRefresh); err != nil {
		t.Fatalf("a refresh beside the import: %v", err)
	}
	first.Finish(nil, nil)
	if _, err := b.Start(ctx, w.ID, graph.JobImport); err != nil {
		t.Fatalf("import after the first ended: %v", err)
	}
}

func TestDrain(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)

	t.Run("Finished", func(t *testing.T) {
		tr := newTracker(t, s, jobs.Options{})
		run, _ := tr.Start(ctx, w.ID, graph.JobImport)
		go func() {
			time.Sleep(200 * time.Millisecond)
			run.Finish("done", nil)
		}()
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := tr.Drain(dctx); err != nil {
			t.Fatalf("drain: %v", err)
		}
		if j, _ := s.FindJob(ctx, w.ID, run.ID()); j.State != graph.JobSucceeded {
			t.Fatalf("job finished during the drain: got %s", j.State)
		}
		if _, err := tr.Start(ctx, w.ID, graph.JobImport); graph.ErrorCode(err) != graph.EUNAVAILABLE {
			t.Fatalf("start while draining: got %v, want unavailable", err)
		}
	})

	// Work that stops when told, and work that does not: both end failed
	// with the reason, in the store, by the time Drain returns.
	t.Run("TimeUp", func(t *testing.T) {
		tr := newTracker(t, s, jobs.Options{})
		polite, _ := tr.Start(ctx, w.ID, graph.JobImport)
		go func() {
			<-polite.Context().Done()
			polite.Finish(nil, polite.Context().Err())
		}()
		stuck, _ := tr.Start(ctx, w.ID, graph.JobImport)
		dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if err := tr.Drain(dctx); err == nil {
			t.Fatal("drain: got no error, want one naming the stopped jobs")
		}
		for _, run := range []*jobs.Run{polite, stuck} {
			j, err := s.FindJob(ctx, w.ID, run.ID())
			if err != nil || j.State != graph.JobFailed || j.Error == nil || j.Error.Message != graph.ErrJobLost.Message {
				t.Fatalf("job stopped by the drain: got %+v, %v; want failed with %q", j, err, graph.ErrJobLost.Message)
			}
		}
		stuck.Finish("too late", nil)
		if j, _ := s.FindJob(ctx, w.ID, stuck.ID()); j.State != graph.JobFailed {
			t.Fatalf("a Finish after the drain changed the job: %s", j.State)
		}
	})
}

// TestClose: a tracker closed without a drain (a server stopped at once)
// still records its running jobs as ended before its store goes.
func TestClose(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	tr := jobs.New(jobs.Options{Store: s})
	run, err := tr.Start(ctx, w.ID, graph.JobImport)
	if err != nil {
		t.Fatal(err)
	}
	tr.Close()
	j, err := s.FindJob(ctx, w.ID, run.ID())
	if err != nil || j.State != graph.JobFailed || j.Error == nil || j.Error.Message != graph.ErrJobLost.Message {
		t.Fatalf("job of a closed tracker: got %+v, %v; want failed with the reason", j, err)
	}
	if run.Context().Err() == nil {
		t.Fatal("the work was not told to stop")
	}
}

// TestLostJobs: jobs whose process died are ended as failed, by their lease
// running out, and at once when the same replica starts again.
func TestLostJobs(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	expired := &graph.Job{WorkspaceID: w.ID, Kind: graph.JobImport, State: graph.JobRunning, Owner: "dead/1"}
	earlier := &graph.Job{WorkspaceID: w.ID, Kind: graph.JobImport, State: graph.JobRunning, Owner: "host@127.0.0.1:9/old"}
	if err := s.CreateJob(ctx, expired, time.Millisecond, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateJob(ctx, earlier, time.Hour, 0); err != nil {
		t.Fatal(err)
	}
	newTracker(t, s, jobs.Options{Replica: "host@127.0.0.1:9", ReapEvery: 100 * time.Millisecond})
	for _, j := range []*graph.Job{expired, earlier} {
		got := eventually(t, s, w.ID, j.ID, func(j *graph.Job) bool { return j.State != graph.JobRunning })
		if got.State != graph.JobFailed || got.Error == nil || got.Error.Message != graph.ErrJobLost.Message {
			t.Fatalf("lost job of %s: got %+v %+v", j.Owner, got, got.Error)
		}
	}
}
